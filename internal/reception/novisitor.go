package reception

import (
	"context"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
)

// A leadership reception day on which the leader sat and no citizen came
// leaves no visit to record; the office records it as held with no
// visitor ("Không có công dân đến"). Plan 55 III.1 asks that the schedule
// be kept, and the leader kept it: the day counts as held in the figures
// (Figures, days held by person) and is not asked of by the
// reception-missed job (Unrecorded). It adds no session, no citizen
// received and no case.

// NoVisitorDay is a reception day held with no visitor.
type NoVisitorDay struct {
	ScheduleID int64
	Day        calendar.Date
	At         time.Time
	By         string
}

// ErrNoVisitorDay: the day is not a held leadership reception day of the
// schedule up to today (a cancelled day, a day to come, a day the
// schedule does not give, the desk's).
var ErrNoVisitorDay = fault.FieldError("day", "reception.no_visitor_day", nil)

// ErrNoVisitorHasSessions: a visit was recorded under the schedule on that
// day, so a citizen did come.
var ErrNoVisitorHasSessions = fault.FieldError("day", "reception.no_visitor_sessions", nil)

// ErrSessionOnNoVisitorDay: the schedule's day was recorded as held with
// no visitor, so no visit can be recorded under it that day.
var ErrSessionOnNoVisitorDay = fault.FieldError("day", "reception.session_no_visitor_day", nil)

// NoVisitorStore keeps the days held with no visitor.
type NoVisitorStore interface {
	// AddNoVisitorDay records d, audited; recording a day again changes
	// nothing (false). A day with a session recorded under the schedule
	// is refused (ErrNoVisitorHasSessions), checked in the transaction
	// that writes the day, so that a session committed meanwhile is seen.
	AddNoVisitorDay(ctx context.Context, d NoVisitorDay, by access.Actor) (bool, error)
	// NoVisitorDays returns the days in [from, to] held with no visitor.
	NoVisitorDays(ctx context.Context, from, to calendar.Date) ([]NoVisitorDay, error)
}

// RecordNoVisitor records that the schedule's reception day was held and
// no citizen came: the office's. The day must be one the schedule held
// (published, not cancelled), today or before, and a leadership
// schedule's: a desk's day with nobody at it leaves nothing to record
// (Unrecorded does not ask of it). A day with a visit recorded under the
// schedule is refused: someone came.
func (s *Service) RecordNoVisitor(ctx context.Context, by access.Actor, scheduleID int64, day calendar.Date) error {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return fault.New(fault.Forbidden, "error.forbidden")
	}
	if !day.Valid() || day.After(s.Today()) {
		return fault.List{ErrNoVisitorDay}
	}
	o, found, err := s.Occurrence(ctx, scheduleID, day)
	if err != nil {
		return err
	}
	if !found || o.Cancelled || o.Schedule.Kind != KindLeadership {
		return fault.List{ErrNoVisitorDay}
	}
	sessions, err := s.cfg.Sessions.DaySessions(ctx, day)
	if err != nil {
		return err
	}
	for _, se := range sessions {
		if se.ScheduleID == scheduleID {
			return fault.List{ErrNoVisitorHasSessions}
		}
	}
	_, err = s.cfg.Sessions.AddNoVisitorDay(ctx, NoVisitorDay{ScheduleID: scheduleID, Day: day, At: s.cfg.Now().UTC(), By: by.Label()}, by)
	return err
}

// dayKey is a schedule's day.
type dayKey struct {
	schedule int64
	day      calendar.Date
}

// heldDays returns the schedules' days in [from, to] that were held: a
// session recorded under the schedule that day, or the day recorded as
// held with no visitor. sessions are the sessions of [from, to].
func (s *Service) heldDays(ctx context.Context, from, to calendar.Date, sessions []Session) (map[dayKey]bool, error) {
	held := map[dayKey]bool{}
	for _, se := range sessions {
		if se.ScheduleID != 0 {
			held[dayKey{se.ScheduleID, se.Day}] = true
		}
	}
	empty, err := s.cfg.Sessions.NoVisitorDays(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, d := range empty {
		held[dayKey{d.ScheduleID, d.Day}] = true
	}
	return held, nil
}

// DayNoVisitor returns the schedules whose day was recorded as held with
// no visitor.
func (s *Service) DayNoVisitor(ctx context.Context, by access.Actor, day calendar.Date) (map[int64]NoVisitorDay, error) {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return nil, fault.New(fault.Forbidden, "error.forbidden")
	}
	list, err := s.cfg.Sessions.NoVisitorDays(ctx, day, day)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]NoVisitorDay, len(list))
	for _, d := range list {
		out[d.ScheduleID] = d
	}
	return out, nil
}
