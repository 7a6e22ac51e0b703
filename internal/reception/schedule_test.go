package reception

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/calendar"
)

func dates(ds []calendar.Date) []string {
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

// TestRegular: the recurrence over the 2026 calendar, whose days off and
// swapped Saturday are known: a regular day on a day off moves to the next
// working day, the 31st of a short month is its last day, and the desk is
// open on a swapped working Saturday but not on the National Day break.
func TestRegular(t *testing.T) {
	cal := calendar.New(calendar.Builtin())
	d := calendar.MustDate
	for _, tc := range []struct {
		name     string
		s        Schedule
		from, to string
		want     []string
	}{
		{"15th monthly, Sunday 15/02 in Tết rolls past the break", Schedule{Repeat: RepeatMonthly, DayOfMonth: 15, From: d("2026-01-01")},
			"2026-01-01", "2026-04-30", []string{"2026-01-15", "2026-02-23", "2026-03-16", "2026-04-15"}},
		{"31st is the month's last day, rolled to a working day", Schedule{Repeat: RepeatMonthly, DayOfMonth: 31, From: d("2026-01-01")},
			"2026-01-01", "2026-04-30", []string{"2026-02-02", "2026-03-02", "2026-03-31"}},
		{"Thursdays; 30/04 is a holiday, held Monday 04/05", Schedule{Repeat: RepeatWeekly, Weekday: time.Thursday, From: d("2026-01-01")},
			"2026-04-20", "2026-05-10", []string{"2026-04-23", "2026-05-04", "2026-05-07"}},
		{"a day rolled in from before the range", Schedule{Repeat: RepeatWeekly, Weekday: time.Thursday, From: d("2026-01-01")},
			"2026-05-01", "2026-05-05", []string{"2026-05-04"}},
		{"the desk on working days, the swapped Saturday included", Schedule{Repeat: RepeatWorkingDays, From: d("2026-01-01")},
			"2026-08-20", "2026-09-04", []string{"2026-08-20", "2026-08-21", "2026-08-22", "2026-08-24", "2026-08-25", "2026-08-26",
				"2026-08-27", "2026-08-28", "2026-09-03", "2026-09-04"}},
		{"bounded by From and Until", Schedule{Repeat: RepeatMonthly, DayOfMonth: 10, From: d("2026-03-01"), Until: d("2026-05-09")},
			"2026-01-01", "2026-12-31", []string{"2026-03-10", "2026-04-10"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := dates(tc.s.Regular(cal, d(tc.from), d(tc.to)))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestOccurrencesWithChanges: a cancelled day stays listed with its
// reason, a moved day is listed on its new day, also when it moves into
// the range from outside it.
func TestOccurrencesWithChanges(t *testing.T) {
	cal := calendar.New(calendar.Builtin())
	d := calendar.MustDate
	s := Schedule{ID: 7, Repeat: RepeatMonthly, DayOfMonth: 15, From: d("2026-01-01"), StartMin: 450, EndMin: 690}
	changes := []Change{
		{ScheduleID: 7, Day: d("2026-03-16"), Cancelled: true, Reason: "Giám đốc họp Tỉnh ủy"},
		{ScheduleID: 7, Day: d("2026-05-15"), MovedTo: d("2026-04-29"), Reason: "Dời lịch"},
		{ScheduleID: 8, Day: d("2026-04-15"), Cancelled: true, Reason: "another schedule"},
	}
	got := s.Occurrences(cal, d("2026-03-01"), d("2026-04-30"), changes)
	var summary []string
	for _, o := range got {
		line := o.Day.String()
		if o.Cancelled {
			line += " cancelled: " + o.Change.Reason
		} else if o.Day != o.Regular {
			line += " from " + o.Regular.String()
		}
		summary = append(summary, line)
	}
	want := []string{"2026-03-16 cancelled: Giám đốc họp Tỉnh ủy", "2026-04-15", "2026-04-29 from 2026-05-15"}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if start := got[1].Start(time.FixedZone("ICT", 7*3600)); start.UTC().Format(time.RFC3339) != "2026-04-15T00:30:00Z" {
		t.Errorf("start %v", start)
	}
}
