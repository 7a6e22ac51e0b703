package present

import (
	"strconv"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
)

// The wording of dates and times for people, in one place: every page,
// e-mail and export words a day, a month, a moment and a due time through
// these functions, so that a due time reads the same on the receipt, in the
// inbox and in the calculator, and an English page never mixes "18/12/2026"
// with "18 December 2026".
//
//	           Vietnamese                English
//	day        18/12/2026                18 December 2026
//	month      12/2026                   December 2026
//	moment     15:05 18/12/2026          15:05, 18 December 2026
//	due time   24:00 ngày 18/12/2026     end of 18 December 2026
//	           15:05 ngày 18/12/2026     15:05, 18 December 2026

// Date words a day in lang: "18/12/2026", "18 December 2026".
func Date(d calendar.Date, lang string) string { return d.In(lang) }

// DateOf words the day of t in loc, in lang.
func DateOf(t time.Time, loc *time.Location, lang string) string {
	return Date(calendar.DateOf(t, loc), lang)
}

// Month words the month of d in lang: "12/2026", "December 2026".
func Month(d calendar.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	if lang == i18n.EN {
		return d.Month.String() + " " + strconv.Itoa(d.Year)
	}
	return d.VN()[3:]
}

// Period words the days from..to in lang: "01/12/2026 – 31/12/2026",
// "1–31 December 2026".
func Period(from, to calendar.Date, lang string) string {
	if lang == i18n.EN {
		return calendar.RangeEN(from, to)
	}
	if from == to {
		return from.VN()
	}
	return from.VN() + " – " + to.VN()
}

// TimeIn words a due time in lang: "24:00 ngày 18/12/2026" ("end of 18
// December 2026") when it is the end of a day in loc, as statutory
// deadlines are, never "00:00" of the next day; else "15:05 ngày
// 18/12/2026" ("15:05, 18 December 2026"). The Vietnamese wording is
// caseclock.DueText's, which notes stored in Vietnamese use.
func TimeIn(t time.Time, loc *time.Location, lang string, cat *i18n.Catalog) string {
	if caseclock.EndsDay(t, loc) {
		return cat.T(lang, "time.end_of_day", map[string]any{"Date": Date(caseclock.LastDay(t, loc), lang)})
	}
	return cat.T(lang, "time.due_at", map[string]any{"Time": t.In(loc).Format("15:04"), "Date": DateOf(t, loc, lang)})
}

// DueExplanation is "why this date" in lang, or "not yet computed": the
// calculator's own explanation, else the rule's sentence, else its name.
func DueExplanation(cat *i18n.Catalog, lang string, d petition.Due) string {
	if !d.Computed() {
		return cat.T(lang, "petition.due_not_computed", nil)
	}
	if s := d.Explanation.In(lang); s != "" {
		return s
	}
	if id := "petition.due_rule." + d.RuleID; cat.Has(lang, id) {
		return cat.T(lang, id, nil)
	}
	// A rule with no sentence of its own (a configured rule, or one added
	// later) is named, never shown as its message id.
	if id := "rule." + d.RuleID; d.RuleID != "" && cat.Has(lang, id) {
		return cat.T(lang, "petition.due_rule_named", map[string]any{"Rule": cat.T(lang, id, nil)})
	}
	return cat.T(lang, "petition.due_rule_unnamed", nil)
}

// DueLabel names what a due time is for, by the rule that set it: "Hạn
// trả lời" for a petition, "Hạn xử lý ban đầu" for a denunciation's first
// seven working days, which are not its answer.
func DueLabel(cat *i18n.Catalog, lang, ruleID string) string {
	if id := "petition.due_label." + ruleID; ruleID != "" && cat.Has(lang, id) {
		return cat.T(lang, id, nil)
	}
	return cat.T(lang, "petition.receipt.due", nil)
}

// ClockLabel names the step a clock times: its kind ("Thụ lý"), or its
// rule where the kind alone would mislead (a duty, a denunciation's
// initial processing).
func ClockLabel(cat *i18n.Catalog, lang, kind, ruleID string) string {
	switch {
	case kind == string(caseclock.Duty):
		return cat.T(lang, "rule."+ruleID, nil)
	case ruleID != "" && cat.Has(lang, "wf.clock_rule."+ruleID):
		return cat.T(lang, "wf.clock_rule."+ruleID, nil)
	}
	return cat.T(lang, "wf.clock."+kind, nil)
}

// Moment words an instant that is not a due time (received, raised,
// published, taken) in loc and lang: "15:05 18/12/2026", "15:05, 18
// December 2026". A due time goes through TimeIn, which knows that a day
// ends at 24:00.
func Moment(t time.Time, loc *time.Location, lang string) string {
	return moment(t, loc, lang, "15:04")
}

// MomentSeconds is Moment to the second, for trails read in order within a
// minute (the audit trail, job runs).
func MomentSeconds(t time.Time, loc *time.Location, lang string) string {
	return moment(t, loc, lang, "15:04:05")
}

func moment(t time.Time, loc *time.Location, lang, clock string) string {
	lt := t.In(loc)
	if lang == i18n.EN {
		return lt.Format(clock) + ", " + DateOf(t, loc, lang)
	}
	return lt.Format(clock) + " " + DateOf(t, loc, lang)
}
