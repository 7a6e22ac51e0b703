// Package caseclock owns the statutory clocks of a case as rows (table
// case_clocks, migration 00005): which step is timed, who must act, when it
// started, when it is due, and whether it is still running. The deadline
// package computes due times; the workflow opens and closes clocks; the
// overdue sweep, the reminders and the KPIs read them.
//
// The package is pure domain: no I/O.
package caseclock

import (
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
)

// Kind is the step of a case a clock times.
type Kind string

const (
	Process      Kind = "process"      // process a received letter: classify, then accept, forward or guide
	Accept       Kind = "accept"       // decide whether to accept (thụ lý)
	Answer       Kind = "answer"       // answer or resolve
	Forward      Kind = "forward"      // forward to the competent body
	Contribution Kind = "contribution" // a coordinating unit's part
	// Duty: a statutory act the agency owes besides its answer, timed on
	// its own (notify the parties of an accepted denunciation, send a
	// suspension decision, publish a denunciation's conclusion). It is
	// never the case's main clock.
	Duty Kind = "duty"
)

// Kinds lists every kind.
var Kinds = []Kind{Process, Accept, Answer, Forward, Contribution, Duty}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// State is where a clock stands.
type State string

const (
	Open      State = "open"      // running
	Suspended State = "suspended" // stopped until resumed; no due time
	Met       State = "met"       // the awaited act happened
	Cancelled State = "cancelled" // made moot
)

// New is a clock to open.
type New struct {
	CaseID  int64
	Kind    Kind
	RuleID  string
	UnitID  int64 // who must act; 0 is the office
	Started time.Time
	DueAt   time.Time
	// ExplanationVI and ExplanationEN say why DueAt is what it is.
	ExplanationVI, ExplanationEN string
	// Uncomputed says why DueAt could not be computed (no calendar for the
	// year, a rule missing): the clock is stored anyway, running with no
	// due time, and listed for the office to fix ("" when computed).
	Uncomputed string
}

// Clock is a stored clock.
type Clock struct {
	ID            int64
	CaseID        int64
	Kind          Kind
	RuleID        string
	UnitID        int64
	StartedAt     time.Time
	DueAt         *time.Time
	State         State
	ClosedAt      *time.Time
	OnTime        *bool
	LateFlaggedAt *time.Time
	EscalatedAt   *time.Time
	Extensions    int
	Uncomputed    string // why DueAt could not be computed; "" when it was
}

// LateAt reports whether the clock is late at now: still open and now is at
// or after its due time (the period ends at 24:00 of its last day, and an
// act at or after that instant is late).
func (c Clock) LateAt(now time.Time) bool {
	return c.State == Open && c.DueAt != nil && !OnTimeAt(*c.DueAt, now)
}

// DueSoonAt reports whether the clock is running, not late at now, and due
// within d of now (DueSoonSQL with to = now + d).
func (c Clock) DueSoonAt(now time.Time, d time.Duration) bool {
	return c.State == Open && c.DueAt != nil && !c.LateAt(now) && !OnTimeAt(*c.DueAt, now.Add(d))
}

// OnTimeAt says whether an act at at meets the due time due: it happens
// before it (24:00 of the last day). The frozen on_time of a met clock is
// this, once (OnTimeAtSQL).
func OnTimeAt(due, at time.Time) bool { return at.Before(due) }

// DayWithin reports whether a step taken on day is within a period whose
// last day is due: OnTimeAt read in whole days, for the deadline engine's
// own checks on the days it counts (an extension or a suspension decided
// after the period ended is refused).
func DayWithin(due, day calendar.Date) bool { return !day.After(due) }

// LastDay is the last day of a period that ends at due: 24:00 of that day,
// which is 00:00 of the next. Show a due time as this date ("24:00
// 18/12"), never as the date of the instant (19/12).
func LastDay(due time.Time, loc *time.Location) calendar.Date {
	return calendar.DateOf(due.Add(-time.Nanosecond), loc)
}

// DueText shows a due time in Vietnamese as the law reads it: "24:00 ngày
// 18/12/2026" for the end of a day in loc (never "00:00 19/12/2026"), else
// "15:04 ngày 18/12/2026". It is present.TimeIn's Vietnamese wording, for
// the notes stored in Vietnamese (a due time computed again) and for
// callers given no wording.
func DueText(due time.Time, loc *time.Location) string {
	if EndsDay(due, loc) {
		return "24:00 ngày " + LastDay(due, loc).VN()
	}
	return due.In(loc).Format("15:04") + " ngày " + calendar.DateOf(due, loc).VN()
}

// EndsDay says whether t is the end of a day in loc: 00:00, which is shown
// as 24:00 of the day before (LastDay), as the law counts periods.
func EndsDay(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	return lt.Hour() == 0 && lt.Minute() == 0 && lt.Second() == 0 && lt.Nanosecond() == 0
}
