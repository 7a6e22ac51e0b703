package present

import (
	"strings"
	"time"

	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
)

// EventText is a timeline entry in lang, as the citizen reads it: the unit
// it names, the public note (a reason, a body forwarded to, new case codes)
// and the new due time of an extension. Dates are shown in loc.
func EventText(cat *i18n.Catalog, lang string, e petition.Event, loc *time.Location) string {
	args := map[string]any{"Unit": e.UnitName, "Note": e.Note, "Due": ""}
	if e.DueAt != nil {
		args["Due"] = TimeIn(*e.DueAt, loc, lang, cat)
	}
	return cat.T(lang, "petition.event."+string(e.Kind), args)
}

// StaffEventText is a history entry for staff: the citizen's wording for
// public entries, the trail's for internal ones. Units named by code in a
// note are shown by their code; StaffEventTextUnits names them.
func StaffEventText(cat *i18n.Catalog, lang string, e petition.Event, loc *time.Location) string {
	return StaffEventTextUnits(cat, lang, e, loc, nil)
}

// StaffEventTextUnits is StaffEventText with unitName naming a unit from
// its code (nil, or "" for an unknown code: the code).
func StaffEventTextUnits(cat *i18n.Catalog, lang string, e petition.Event, loc *time.Location, unitName func(code string) string) string {
	return StaffEventTextNamed(cat, lang, e, loc, unitName, nil)
}

// StaffEventTextNamed is StaffEventTextUnits with the people the entry
// names (who changed a calendar or a rule) named by Who. An internal entry
// whose note holds facts (petition.ParseNote: the intake's channel, a
// classification, an assignment, a withdrawal's grounds, the case a
// follow-up continues, the clock that went late) reads them as a sentence
// in lang, never as the note's codes.
func StaffEventTextNamed(cat *i18n.Catalog, lang string, e petition.Event, loc *time.Location, unitName func(code string) string, people People) string {
	if e.Public && e.Kind != petition.EventDueMoved {
		return EventText(cat, lang, e, loc)
	}
	f := petition.ParseNote(e.Kind, e.Note)
	args := map[string]any{"Unit": e.UnitName, "Note": f.Words, "Coded": f.Coded}
	t := func(id string) string { return cat.T(lang, id, nil) }
	list := func(prefix string, codes []string) string {
		out := make([]string, 0, len(codes))
		for _, c := range codes {
			out = append(out, t(prefix+c))
		}
		return strings.Join(out, ", ")
	}
	unit := func(code string) string {
		if unitName != nil {
			if n := unitName(code); n != "" {
				return n
			}
		}
		return code
	}
	switch {
	case !f.Coded:
		args["Note"] = nameLabels(cat, lang, f.Words, people)
	case e.Kind == petition.EventIntake:
		args["Channel"], args["Files"], args["Secret"] = t("wf.channel."+string(f.Channel)), f.Files, f.KeepSecret
	case e.Kind == petition.EventClassified:
		args["Kind"], args["Eligible"], args["Competent"] = t("staff.kind."+string(f.Kind)), f.Eligible, f.Competent
		args["Subtype"], args["Reason"], args["Complexity"], args["Criteria"] = "", "", "", list("wf.criterion_short.", f.Criteria)
		if f.Subtype != "" {
			args["Subtype"] = t("wf.subtype." + f.Subtype)
		}
		if f.IneligibleReason != "" {
			args["Reason"] = t("wf.reason." + f.IneligibleReason)
		}
		if f.Complexity != "" && f.Complexity != "none" {
			args["Complexity"] = t("wf.complexity." + f.Complexity)
		}
	case e.Kind == petition.EventCoordinating:
		var names []string
		for _, c := range f.Coordinating {
			names = append(names, unit(c))
		}
		args["Lead"], args["Coord"] = unit(f.Lead), strings.Join(names, ", ")
	case e.Kind == petition.EventWithdrawalContinues:
		args["Grounds"] = list("wf.ground.", f.Grounds)
	case e.Kind == petition.EventFollowUp:
		args["Split"], args["Parent"] = f.Relation == "split", f.Parent
	case e.Kind == petition.EventLate, e.Kind == petition.EventEscalated:
		args["Clock"], args["Due"] = t("wf.clock."+f.Clock), TimeIn(f.Due, loc, lang, cat)
	case e.Kind == petition.EventDueMoved:
		args["Before"], args["Due"] = f.Before, ""
		// The time before was written as caseclock.DueText words: read
		// back, it is worded as every due time is.
		if t, err := time.ParseInLocation("15:04 02/01/2006", strings.Replace(f.Before, "24:00 ", "00:00 ", 1), loc); err == nil {
			if strings.HasPrefix(f.Before, "24:00 ") {
				t = t.AddDate(0, 0, 1)
			}
			args["Before"] = TimeIn(t, loc, lang, cat)
		}
		if e.DueAt != nil {
			args["Due"] = TimeIn(*e.DueAt, loc, lang, cat)
		}
		args["Cause"] = cat.T(lang, "wf.recompute."+f.Cause, map[string]any{"By": Who(cat, lang, f.By, people), "Subject": recomputeSubject(cat, lang, f)})
	case e.Kind == petition.EventExtensionRefused:
		args["Moot"] = t("workflow.action." + string(f.MootBy))
	}
	return cat.T(lang, "staff.event."+string(e.Kind), args)
}

// recomputeSubject names what a recompute's cause changed: a year, or
// rules by their names ("rule_builtin": ids separated by commas; the
// others: the id, then what was typed with it).
func recomputeSubject(cat *i18n.Catalog, lang string, f petition.NoteFacts) string {
	rule := func(id string) string {
		if cat.Has(lang, "rule."+id) {
			return cat.T(lang, "rule."+id, nil)
		}
		return id
	}
	switch f.Cause {
	case "rule_builtin":
		ids := strings.Split(f.Subject, ",")
		for i := range ids {
			ids[i] = rule(strings.TrimSpace(ids[i]))
		}
		return strings.Join(ids, ", ")
	case "rule_version", "rule_override", "rule_override_removed":
		id, rest, _ := strings.Cut(f.Subject, ", ")
		if rest != "" {
			return "“" + rule(id) + "”, " + rest
		}
		return "“" + rule(id) + "”"
	}
	return f.Subject
}
