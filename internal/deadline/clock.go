package deadline

import (
	"slices"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
)

// EventKind is a recorded decision that moves a clock.
type EventKind string

const (
	EventExtend  EventKind = "extend"  // quyết định gia hạn
	EventSuspend EventKind = "suspend" // quyết định tạm đình chỉ
	EventResume  EventKind = "resume"  // quyết định tiếp tục giải quyết
)

// Event is one decision on a clock. Events are stored by the petition
// service, append-only and in the order they were decided.
type Event struct {
	Kind EventKind `json:"kind"`
	// At is the instant of the decision; its date in the engine's location
	// is what counts.
	At time.Time `json:"at"`
	// Days is the length of an extension in the rule's unit; 0 means the
	// rule's full ExtensionLimit.
	Days int    `json:"days,omitempty"`
	Ref  string `json:"ref,omitempty"` // number of the decision, for the audit trail
}

// Clock is the statutory clock of one step of a case: what Request says
// plus the decisions recorded since. It is a plain value: store it, and
// Evaluate it again at any time to get the same Result.
type Clock struct {
	RuleID     string        `json:"rule_id"`
	Start      time.Time     `json:"start,omitzero"`
	StartDate  calendar.Date `json:"start_date,omitzero"`
	Complexity Complexity    `json:"complexity,omitempty"`
	Remote     bool          `json:"remote,omitempty"`
	Round      int           `json:"round,omitempty"`
	Scope      []string      `json:"scope,omitempty"`
	Events     []Event       `json:"events,omitempty"`
}

// Evaluate replays c's events and returns the current due time.
//
// Semantics, in the rule's unit, with dates in the engine's location:
//   - Extend adds Days (at most the rule's ExtensionLimit) to the period,
//     up to the rule's cap for the case's complexity; beyond it the error
//     is an *ExtensionCapError (errors.Is ErrExtensionCap). An extension
//     must be decided on or before the current due date: a late decision
//     cannot cure a missed deadline (ErrClockState).
//   - Suspend stops the clock at the end of the decision's date; it is
//     refused after the due date (ErrClockState). While suspended there is
//     no due time (Result.Suspended).
//   - Resume restarts the clock the day after the decision. For rules with
//     PauseRestarts (complaint.resolve: Luật Khiếu nại Art. 11a, NĐ
//     124/2020 Art. 28b as added by NĐ 155/2026) and a suspension decided
//     on or after PauseRestartsFrom, the full limit counts again from the
//     resume date; extensions already granted are kept. Otherwise the
//     paused units are not counted: the days (or working days) in (suspend
//     date, resume date] are added to the period, so the days already used
//     stay used.
//
// The rule version is the one in force on the original start date, even
// when a resume falls after a change of law; only the restart follows the
// date of the suspension (NĐ 155/2026 Art. 22(1)).
func (e *Engine) Evaluate(c Clock) (Result, error) { return e.evaluate("deadline.Evaluate", c) }

// Extend records an extension decided at at, of days units (0: the rule's
// full extension), and returns the new clock and due time. On error the
// clock is returned unchanged.
func (e *Engine) Extend(c Clock, at time.Time, days int, ref string) (Clock, Result, error) {
	return e.apply("deadline.Extend", c, Event{Kind: EventExtend, At: at, Days: days, Ref: ref})
}

// Suspend records a suspension decided at at.
func (e *Engine) Suspend(c Clock, at time.Time, ref string) (Clock, Result, error) {
	return e.apply("deadline.Suspend", c, Event{Kind: EventSuspend, At: at, Ref: ref})
}

// Resume records the decision to continue, taken at at.
func (e *Engine) Resume(c Clock, at time.Time, ref string) (Clock, Result, error) {
	return e.apply("deadline.Resume", c, Event{Kind: EventResume, At: at, Ref: ref})
}

func (e *Engine) apply(op string, c Clock, ev Event) (Clock, Result, error) {
	next := c
	// Clip forces a copy, so the caller's backing array is never written.
	next.Events = append(slices.Clip(c.Events), ev)
	res, err := e.evaluate(op, next)
	if err != nil {
		return c, Result{}, err
	}
	return next, res, nil
}

func (e *Engine) evaluate(op string, c Clock) (Result, error) {
	res, rule, err := e.prepare(op, c.RuleID, c.Start, c.StartDate, c.Complexity, c.Remote, c.Round, c.Scope)
	if err != nil {
		return Result{}, err
	}
	if rule.Before && len(c.Events) > 0 {
		// A period counted backwards from an event is neither extended nor
		// suspended: move the event instead.
		return Result{}, badState(op, "%s: a period counted backwards has no extensions or suspensions", c.RuleID)
	}
	maxExt := rule.MaxExtensionsFor(res.Complexity)
	var (
		prev        time.Time
		suspended   bool
		suspendedOn calendar.Date
	)
	for i, ev := range c.Events {
		if ev.At.IsZero() {
			return Result{}, invalidEvent(op, "%s: event %d (%s) has no time", c.RuleID, i, ev.Kind)
		}
		if i > 0 && ev.At.Before(prev) {
			return Result{}, invalidEvent(op, "%s: event %d (%s) is before the previous one", c.RuleID, i, ev.Kind)
		}
		prev = ev.At
		on := calendar.DateOf(ev.At, e.loc)
		if on.Before(res.EventDate) {
			return Result{}, invalidEvent(op, "%s: event %d (%s) on %s is before the start %s", c.RuleID, i, ev.Kind, on, res.EventDate)
		}
		switch ev.Kind {
		case EventExtend:
			if suspended {
				return Result{}, badState(op, "%s: cannot extend a suspended clock", c.RuleID)
			}
			if ev.Days < 0 {
				return Result{}, invalidEvent(op, "%s: extension of %d days", c.RuleID, ev.Days)
			}
			days := ev.Days
			if days == 0 {
				days = rule.ExtensionLimit
			}
			if res.Extensions+1 > maxExt || days > rule.ExtensionLimit {
				capErr := &ExtensionCapError{
					RuleID: rule.ID, Complexity: res.Complexity,
					MaxExtensions: maxExt, Requested: res.Extensions + 1,
					MaxDays: rule.ExtensionLimit, Days: days,
				}
				return Result{}, capErr.Fault()
			}
			e.count(&res)
			if !caseclock.DayWithin(res.DueDate, on) {
				return Result{}, badState(op, "%s: extension decided on %s, after the period ended on %s", c.RuleID, on, res.DueDate)
			}
			res.Extensions++
			res.ExtensionDays += days
		case EventSuspend:
			if suspended {
				return Result{}, badState(op, "%s: already suspended since %s", c.RuleID, suspendedOn)
			}
			e.count(&res)
			if !caseclock.DayWithin(res.DueDate, on) {
				return Result{}, badState(op, "%s: cannot suspend on %s a clock that ran out on %s", c.RuleID, on, res.DueDate)
			}
			suspended, suspendedOn = true, on
		case EventResume:
			if !suspended {
				return Result{}, badState(op, "%s: resume without a suspension", c.RuleID)
			}
			p := Pause{From: suspendedOn, To: on}
			if rule.RestartsAfter(suspendedOn) {
				p.Restarted = true
				res.StartDate = on
				res.PausedDays = 0
			} else {
				if res.Unit == WorkingDays {
					p.Days = e.cal.WorkingDaysBetween(suspendedOn, on)
				} else {
					p.Days = on.Sub(suspendedOn)
				}
				res.PausedDays += p.Days
			}
			res.Pauses = append(res.Pauses, p)
			suspended = false
		default:
			return Result{}, invalidEvent(op, "%s: unknown event kind %q", c.RuleID, ev.Kind)
		}
	}
	if !suspended {
		e.count(&res)
		return res, nil
	}
	res.Suspended, res.SuspendedSince = true, suspendedOn
	if rule.RestartsAfter(suspendedOn) {
		res.Remaining = res.Limit + res.ExtensionDays
	} else {
		used := suspendedOn.Sub(res.StartDate)
		if res.Unit == WorkingDays {
			used = e.cal.WorkingDaysBetween(res.StartDate, suspendedOn)
		}
		res.Remaining = max(0, res.Total()-used)
	}
	res.LastDay, res.DueDate, res.DueAt = calendar.Date{}, calendar.Date{}, time.Time{}
	res.RolledForwardFrom, res.Skipped, res.Provisional = nil, nil, false
	return res, nil
}
