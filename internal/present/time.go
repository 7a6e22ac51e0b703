package present

import (
	"time"

	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/petition"
)

// TimeIn formats an instant for people in lang: "24:00 ngày 10/12/2026"
// ("end of 10/12/2026") when it is the end of a day in loc, as statutory
// deadlines are, else as caseclock.DueText ("15:04 02/01/2006").
func TimeIn(t time.Time, loc *time.Location, lang string, cat *i18n.Catalog) string {
	if caseclock.EndsDay(t, loc) {
		return cat.T(lang, "petition.end_of_day", map[string]any{"Date": caseclock.LastDay(t, loc).VN()})
	}
	return caseclock.DueText(t, loc)
}

// DueExplanation is "why this date" in lang, or "not yet computed".
func DueExplanation(cat *i18n.Catalog, lang string, d petition.Due) string {
	if !d.Computed() {
		return cat.T(lang, "petition.due_not_computed", nil)
	}
	if s := d.Explanation.In(lang); s != "" {
		return s
	}
	return cat.T(lang, "petition.due_rule."+d.RuleID, nil)
}

// Moment shows an instant that is not a due time (received, raised,
// published, taken) in loc: "15:04 02/01/2006", the same in both
// languages. A due time goes through TimeIn, which knows that a day ends
// at 24:00.
func Moment(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04 02/01/2006") }

// MomentSeconds is Moment to the second, for trails read in order within a
// minute (the audit trail, job runs).
func MomentSeconds(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("15:04:05 02/01/2006")
}
