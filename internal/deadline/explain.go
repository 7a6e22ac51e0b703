package deadline

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/calendar"
)

// Texts looks messages up in the message catalogue (i18n.Catalog): id in
// lang, filled from args; an argument with an In(lang) method (a
// calendar.Date) is worded in lang, and args["Count"] picks a plural form.
type Texts interface {
	T(lang, id string, args map[string]any) string
}

// Explain says, in Vietnamese (lang "vi", the default) or English ("en"),
// which rule applies and on what legal basis, when the period started,
// its limit, extensions and suspensions, the days not counted and why, and
// the due date. Citizens and officials read it, so it names holidays and
// cites the law; it never mentions internal IDs. Every sentence is a
// message of the catalogue t (the explain.* ids); Explain only joins them
// and picks the rule's own data (legal basis, holiday names) in lang. A
// nil t leaves the message ids.
//
// Example (complaint.resolve, first round, accepted 12/02/2026):
//
//	Khiếu nại lần đầu: giải quyết trong 30 ngày kể từ ngày thụ lý (Luật
//	Khiếu nại 2011, Điều 28). Thụ lý 12/02/2026; ngày cuối thời hạn
//	14/03/2026 là Thứ Bảy nên chuyển sang ngày làm việc tiếp theo
//	16/03/2026. Hạn: hết ngày 16/03/2026.
func Explain(res Result, t Texts, lang string) string {
	w := words{t: t, lang: "vi"}
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		w.lang, w.en = "en", true
	}
	var b strings.Builder
	units := func(n int) string {
		id := "explain.days"
		if res.Unit == WorkingDays {
			id = "explain.working_days"
		}
		return w.get(id, map[string]any{"N": n, "Count": n})
	}

	// 1. The rule.
	var variants []string
	switch res.Complexity {
	case Complex:
		variants = append(variants, w.get("explain.variant.complex", nil))
	case EspeciallyComplex:
		variants = append(variants, w.get("explain.variant.especially_complex", nil))
	}
	if res.Remote {
		variants = append(variants, w.get("explain.variant.remote", nil))
	}
	rule := map[string]any{"Kind": w.kind(res), "Variants": "", "Step": w.or("explain.step."+string(res.Rule.Step), string(res.Rule.Step)),
		"Units": units(res.Limit), "From": w.get("explain.from."+startKey(res.Rule.Start), nil)}
	if len(variants) > 0 {
		rule["Variants"] = " (" + strings.Join(variants, ", ") + ")"
	}
	if res.Rule.Before {
		b.WriteString(w.get("explain.rule_before", rule))
	} else {
		b.WriteString(w.get("explain.rule", rule))
	}
	if basis := res.Rule.LegalBasisFor(res.Round, w.en); basis != "" {
		b.WriteString(w.aside(basis))
	}
	b.WriteString(".")
	switch {
	case res.Overridden && res.Override.Reason != "":
		b.WriteString(" " + w.get("explain.overridden_reason", map[string]any{"Reason": res.Override.Reason}) + ".")
	case res.Overridden:
		b.WriteString(" " + w.get("explain.overridden", nil) + ".")
	case res.Rule.Configurable:
		b.WriteString(" " + w.get("explain.configured_default", nil) + ".")
	}
	if res.Rule.EffectiveFrom == LawChangeDate() {
		b.WriteString(" " + w.get("explain.law136", nil) + ".")
	}

	// Why this version: a case whose deciding event fell before a later
	// version took effect keeps the earlier one.
	to := res.Superseded
	if end := res.Rule.EffectiveTo; !end.IsZero() && (to.IsZero() || end.Before(to)) {
		to = end
	}
	if !to.IsZero() && res.EventDate.Before(to) {
		b.WriteString(" " + w.get("explain.older_version", map[string]any{"To": to, "On": res.EventDate,
			"Event": w.get("explain.event."+startKey(res.Rule.VersionEvent()), nil)}))
		basis := res.Rule.VersionBasis
		if w.en {
			basis = res.Rule.VersionBasisEN
		}
		if basis != "" {
			b.WriteString(w.aside(basis))
		}
		b.WriteString(".")
	}

	// 2. The start, extensions and suspensions.
	started := map[string]any{"Label": w.get("explain.label."+startKey(res.Rule.Start), nil), "Date": res.EventDate}
	if res.Rule.Before {
		b.WriteString(" " + w.get("explain.start_back", started))
	} else {
		b.WriteString(" " + w.get("explain.start", started))
	}
	events := res.Extensions > 0 || len(res.Pauses) > 0
	if events {
		b.WriteString(".")
	}
	if res.Extensions > 0 {
		b.WriteString(" " + w.get("explain.extended", map[string]any{"Count": res.Extensions, "Units": units(res.ExtensionDays)}) + ".")
	}
	pauseBasis := res.Rule.PauseBasis
	if w.en {
		pauseBasis = res.Rule.PauseBasisEN
	}
	for _, p := range res.Pauses {
		if p.Restarted {
			b.WriteString(" " + w.get("explain.restarted", map[string]any{"From": p.From, "To": p.To}))
			if pauseBasis != "" {
				b.WriteString(" (" + pauseBasis + ")")
			}
			b.WriteString(".")
		} else {
			b.WriteString(" " + w.get("explain.paused", map[string]any{"From": p.From, "To": p.To, "Units": units(p.Days)}))
			if res.Rule.PauseRestarts {
				// The restart rule exists but the suspension predates it.
				b.WriteString("; " + w.get("explain.before_restart", map[string]any{"From": res.Rule.PauseRestartsFrom}))
			}
			b.WriteString(".")
		}
	}
	sep := func(s string) {
		if events {
			b.WriteString(" " + upperFirst(s))
		} else {
			b.WriteString("; " + s)
		}
	}

	// 3. A suspended clock has no due date.
	if res.Suspended {
		if res.Rule.RestartsAfter(res.SuspendedSince) {
			sep(w.get("explain.suspended_restart", map[string]any{"Since": res.SuspendedSince, "Units": units(res.Limit + res.ExtensionDays)}) + ".")
		} else {
			sep(w.get("explain.suspended", map[string]any{"Since": res.SuspendedSince, "Units": units(res.Remaining), "Count": res.Remaining}) + ".")
		}
		return b.String()
	}

	// 4. The count.
	if res.Rule.Before {
		sep(w.backCount(res, units) + ".")
	} else if res.Unit == WorkingDays {
		s := w.get("explain.nth_working_day", map[string]any{"N": res.Total(), "Due": res.DueDate})
		if len(res.WorkedWeekends) > 0 {
			var ds []string
			for _, d := range res.WorkedWeekends {
				ds = append(ds, w.get("explain.weekend_day", map[string]any{"Weekday": w.weekday(d), "Date": d}))
			}
			s += ", " + w.get("explain.counted_weekend", map[string]any{"Days": strings.Join(ds, ", "), "Count": len(ds)})
		}
		if len(res.Skipped) > 0 {
			s += ", " + w.notCounted(res.Skipped)
		}
		sep(s + ".")
	} else if res.RolledForwardFrom == nil {
		s := w.get("explain.last_day", map[string]any{"Date": res.LastDay})
		if len(res.WorkedWeekends) > 0 {
			s += " (" + w.get("explain.worked_last_day", nil) + ")"
		}
		sep(s + ".")
	} else {
		s := w.get("explain.rolled", map[string]any{"Last": *res.RolledForwardFrom, "Why": w.dayOff(res.Skipped[0]), "Due": res.DueDate})
		holidays := false
		for _, k := range res.Skipped[1:] {
			holidays = holidays || !k.weekend()
		}
		s += " (" + w.get("explain.roll_basis", nil) + ")"
		if holidays {
			// Apart, not in the bracket above: a holiday's name may carry
			// brackets of its own.
			s += "; " + w.notCounted(res.Skipped)
		}
		sep(s + ".")
	}
	b.WriteString(" " + w.get("explain.due", map[string]any{"Date": res.DueDate}) + ".")
	if res.Provisional {
		b.WriteString(" " + w.get("explain.provisional", nil) + ".")
	}
	return b.String()
}

// words looks up Explain's messages in one language.
type words struct {
	t    Texts
	lang string
	en   bool
}

func (w words) get(id string, args map[string]any) string {
	if w.t == nil {
		return id
	}
	return w.t.T(w.lang, id, args)
}

// or is message id, or fallback when the catalogue has no such message.
func (w words) or(id, fallback string) string {
	if s := w.get(id, nil); s != id {
		return s
	}
	return fallback
}

// kind names the case a rule is about: its kind, the round of a
// complaint, a complaint against a disciplinary decision apart.
func (w words) kind(res Result) string {
	round := "1"
	if res.Round == 2 {
		round = "2"
	}
	switch k := res.Rule.Kind; k {
	case KindLetter, KindPAKN, KindDenunciation, KindReception:
		return w.get("explain.kind."+string(k), nil)
	case KindComplaint:
		if strings.HasPrefix(res.Rule.ID, "complaint.discipline.") {
			return w.get("explain.kind.discipline."+round, nil)
		}
		return w.get("explain.kind.complaint."+round, nil)
	}
	return res.Rule.ID
}

// startKey is the message key of a start event; receipt for any other.
func startKey(s StartEvent) string {
	switch s {
	case StartAcceptance, StartDecision, StartAcceptDecision, StartSuspension, StartConclusion,
		StartReportRequest, StartResolved, StartRefusal, StartDialogue:
		return string(s)
	}
	return string(StartReceipt)
}

// weekday names a worked weekend day's weekday.
func (w words) weekday(d calendar.Date) string {
	return w.get("reception.weekday."+strconv.Itoa(int(d.Weekday())), nil)
}

// reason is the reason a day was not counted, in w's language.
func (w words) reason(k Skipped) string {
	if w.en {
		return k.ReasonEN
	}
	return k.Reason
}

// dayOff says why a last day moved: a weekend day, or a named day off.
func (w words) dayOff(k Skipped) string {
	if k.weekend() {
		return w.get("explain.weekend", map[string]any{"Reason": w.reason(k)})
	}
	return w.get("explain.holiday", map[string]any{"Reason": w.reason(k)})
}

// notCounted lists the days off not counted.
func (w words) notCounted(days []Skipped) string {
	return w.get("explain.not_counted", map[string]any{"Days": w.groups(days)})
}

func (k Skipped) weekend() bool {
	return k.Reason == calendar.ReasonSaturday || k.Reason == calendar.ReasonSunday
}

// upperFirst capitalises the first letter of a sentence that opens after
// a full stop.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// groups writes runs of consecutive skipped days as "14/02/2026–22/02/2026
// (Tết Nguyên đán)", with the distinct reasons of each run.
func (w words) groups(days []Skipped) string {
	var parts []string
	for i := 0; i < len(days); {
		j := i
		var reasons []string
		for {
			r := w.reason(days[j])
			if !contains(reasons, r) {
				reasons = append(reasons, r)
			}
			if j+1 < len(days) && days[j+1].Date == days[j].Date.AddDays(1) {
				j++
				continue
			}
			break
		}
		s := days[i].Date.In(w.lang)
		switch {
		case j > i && w.en:
			s = calendar.RangeEN(days[i].Date, days[j].Date)
		case j > i:
			s += "–" + days[j].Date.In(w.lang)
		}
		parts = append(parts, s+" ("+strings.Join(reasons, ", ")+")")
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// aside adds a legal basis to the sentence being written: in brackets, or,
// when the basis nests brackets of its own ("Quy định của cơ quan (...;
// Luật Tiếp công dân 2013, Điều 28(1))"), after "theo" ("under"), so that
// no text nests brackets three deep.
func (w words) aside(basis string) string {
	depth, deepest := 0, 0
	for _, r := range basis {
		switch r {
		case '(':
			depth++
			deepest = max(deepest, depth)
		case ')':
			depth--
		}
	}
	if deepest <= 1 {
		return " (" + basis + ")"
	}
	return ", " + w.get("explain.under", nil) + " " + basis
}

// backCount explains the last day of a period counted backwards from its
// event, and its move back past days off.
func (w words) backCount(res Result, units func(int) string) string {
	s := w.get("explain.nth_before", map[string]any{"Units": units(res.Total()), "Date": res.LastDay})
	if len(res.WorkedWeekends) > 0 && res.Unit != WorkingDays {
		s += " (" + w.get("explain.worked_last_day", nil) + ")"
	}
	if res.Unit == WorkingDays && len(res.Skipped) > 0 {
		s += ", " + w.notCounted(res.Skipped)
	}
	if res.RolledBackFrom != nil && len(res.Skipped) > 0 {
		last := res.Skipped[len(res.Skipped)-1]
		s += ", " + w.get("explain.rolled_back", map[string]any{"Why": w.dayOff(last), "Due": res.DueDate}) +
			" (" + w.get("explain.roll_back_why", nil) + "); " + w.notCounted(res.Skipped)
	}
	return s
}
