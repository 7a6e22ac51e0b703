// Package reception owns citizen reception (tiếp công dân, Luật Tiếp công
// dân 42/2013 and NĐ 154/2026): the published schedule of the leadership's
// regular reception days and the office's daily desk, its changes and
// cancellations, and the days it says reception is held. Storage is behind
// Store; time comes from Now and the working-day calendar.
package reception

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
)

// Kind says who receives: the leadership (the director and deputy
// directors, whose regular reception days plan 55 III.1 counts) or the
// office's daily reception desk.
type Kind string

const (
	KindLeadership Kind = "leadership"
	KindDesk       Kind = "desk"
)

// Repeat is how a schedule recurs.
type Repeat string

const (
	// RepeatMonthly: one day of each month ("ngày 15 hằng tháng").
	RepeatMonthly Repeat = "monthly"
	// RepeatWeekly: one weekday each week ("thứ Năm hằng tuần").
	RepeatWeekly Repeat = "weekly"
	// RepeatWorkingDays: every working day of the calendar (the desk).
	RepeatWorkingDays Repeat = "working_days"
)

// Limits of the schedule's texts.
const (
	MaxHost   = 200
	MaxPlace  = 300
	MaxURL    = 500
	MaxReason = 1000
	// MaxCapacity bounds the bookings of one reception day.
	MaxCapacity = 500
)

// Schedule is one regular reception: who receives, when it recurs, where,
// and how many citizens may book each day (0: no booking).
type Schedule struct {
	ID   int64
	Kind Kind
	// Host is who receives, as published ("Giám đốc Sở", "Phó Giám đốc
	// Sở phụ trách quy hoạch", "Văn phòng Sở").
	Host   string
	Repeat Repeat
	// DayOfMonth (1–31) for RepeatMonthly; a month without that day holds
	// it on its last day.
	DayOfMonth int
	// Weekday for RepeatWeekly.
	Weekday time.Weekday
	// StartMin and EndMin are the hours, in minutes after midnight in
	// Asia/Ho_Chi_Minh.
	StartMin, EndMin int
	Place            string
	// OnlineURL is the link of online reception (law Art. 3a), "" when
	// held in person only.
	OnlineURL string
	Capacity  int
	// From and Until bound the schedule; Until is zero when open-ended.
	From, Until calendar.Date
	Active      bool
	// CreatedAt is when the office saved the schedule first (set by the
	// store): days before it were never published as coming.
	CreatedAt time.Time
}

// Change moves or cancels one reception day of a schedule, with the reason
// that is published beside it.
type Change struct {
	ID         int64
	ScheduleID int64
	// Day is the regular day the change is about.
	Day calendar.Date
	// Cancelled, or moved to MovedTo (zero when cancelled).
	Cancelled bool
	MovedTo   calendar.Date
	Reason    string
	At        time.Time
}

// Occurrence is one reception day as published: the regular day, or the
// day it was moved to, or a cancelled day with its reason.
type Occurrence struct {
	Schedule Schedule
	// Regular is the day the recurrence gives; Day is when it is held
	// (Regular unless moved).
	Regular, Day calendar.Date
	Cancelled    bool
	// Change is the change of this day, nil when none.
	Change *Change
}

// Start and End are the occurrence's hours as instants.
func (o Occurrence) Start(loc *time.Location) time.Time {
	return o.Day.Time(loc).Add(time.Duration(o.Schedule.StartMin) * time.Minute)
}

// End is when the occurrence ends.
func (o Occurrence) End(loc *time.Location) time.Time {
	return o.Day.Time(loc).Add(time.Duration(o.Schedule.EndMin) * time.Minute)
}

// Regular returns the days the recurrence gives in [from, to], before
// changes. A day that is not a working day moves to the next working day
// (the reception is not dropped for a holiday); the desk is open on every
// working day, swapped working Saturdays included.
func (s Schedule) Regular(cal *calendar.Calendar, from, to calendar.Date) []calendar.Date {
	if s.From.After(from) {
		from = s.From
	}
	if !s.Until.IsZero() && s.Until.Before(to) {
		to = s.Until
	}
	var out []calendar.Date
	add := func(d calendar.Date) {
		d = cal.OnOrAfterWorkingDay(d)
		if d.Before(from) || d.After(to) || (len(out) > 0 && !d.After(out[len(out)-1])) {
			return
		}
		out = append(out, d)
	}
	switch s.Repeat {
	case RepeatWorkingDays:
		for d := from; !d.After(to); d = d.AddDays(1) {
			if cal.IsWorkingDay(d) {
				out = append(out, d)
			}
		}
	case RepeatWeekly:
		// Start a week early: a day off rolls the previous week's day into
		// the range.
		d := from.AddDays(-7)
		d = d.AddDays((int(s.Weekday) - int(d.Weekday()) + 7) % 7)
		for ; !d.After(to); d = d.AddDays(7) {
			add(d)
		}
	case RepeatMonthly:
		y, m := from.Year, from.Month
		// The previous month too, for the same reason.
		if m == time.January {
			y, m = y-1, time.December
		} else {
			m--
		}
		for {
			first := calendar.NewDate(y, m, 1)
			if first.After(to) {
				break
			}
			last := calendar.NewDate(y, m+1, 1).AddDays(-1)
			day := min(s.DayOfMonth, last.Day)
			add(calendar.NewDate(y, m, day))
			if m == time.December {
				y, m = y+1, time.January
			} else {
				m++
			}
		}
	}
	return out
}

// SameDays says whether s and o recur on the same days at the same hours:
// a day found on one is a day of the other.
func (s Schedule) SameDays(o Schedule) bool {
	return s.ID == o.ID && s.Kind == o.Kind && s.Repeat == o.Repeat && s.DayOfMonth == o.DayOfMonth && s.Weekday == o.Weekday &&
		s.StartMin == o.StartMin && s.EndMin == o.EndMin && s.From == o.From && s.Until == o.Until
}

// Occurrences returns the reception days of s in [from, to] with the
// changes applied: a cancelled day stays listed (published with its
// reason), a moved day is listed on its new day.
func (s Schedule) Occurrences(cal *calendar.Calendar, from, to calendar.Date, changes []Change) []Occurrence {
	byDay := map[calendar.Date]*Change{}
	for i := range changes {
		if changes[i].ScheduleID == s.ID {
			byDay[changes[i].Day] = &changes[i]
		}
	}
	// A day moved into the range from outside it is found from a wider
	// window of regular days.
	var out []Occurrence
	for _, d := range s.Regular(cal, from.AddDays(-62), to.AddDays(62)) {
		o := Occurrence{Schedule: s, Regular: d, Day: d}
		if c := byDay[d]; c != nil {
			o.Change = c
			if c.Cancelled {
				o.Cancelled = true
			} else if !c.MovedTo.IsZero() {
				o.Day = c.MovedTo
			}
		}
		if o.Day.Before(from) || o.Day.After(to) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// Clock renders minutes after midnight as "08:00".
func Clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// ParseClock reads "8:00" or "08:00" as minutes after midnight.
func ParseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// Check cleans a schedule and names every wrong field.
func (s Schedule) Check() (Schedule, fault.List) {
	var errs fault.List
	s.Host, s.Place, s.OnlineURL = clean(s.Host), clean(s.Place), strings.TrimSpace(s.OnlineURL)
	if s.Kind != KindLeadership && s.Kind != KindDesk {
		errs = append(errs, fault.FieldError("kind", "reception.kind_unknown", nil))
	}
	if utf8.RuneCountInString(s.Host) < 2 || utf8.RuneCountInString(s.Host) > MaxHost {
		errs = append(errs, fault.FieldError("host", "reception.host_required", map[string]any{"Max": MaxHost}))
	}
	switch s.Repeat {
	case RepeatMonthly:
		if s.DayOfMonth < 1 || s.DayOfMonth > 31 {
			errs = append(errs, fault.FieldError("day_of_month", "reception.day_of_month", nil))
		}
	case RepeatWeekly:
		if s.Weekday < time.Monday || s.Weekday > time.Saturday {
			errs = append(errs, fault.FieldError("weekday", "reception.weekday", nil))
		}
	case RepeatWorkingDays:
	default:
		errs = append(errs, fault.FieldError("repeat", "reception.repeat_unknown", nil))
	}
	if s.StartMin < 0 || s.EndMin > 24*60 || s.EndMin <= s.StartMin {
		errs = append(errs, fault.FieldError("end", "reception.hours", nil))
	}
	if utf8.RuneCountInString(s.Place) < 2 || utf8.RuneCountInString(s.Place) > MaxPlace {
		errs = append(errs, fault.FieldError("place", "reception.place_required", map[string]any{"Max": MaxPlace}))
	}
	if s.OnlineURL != "" {
		u, err := url.Parse(s.OnlineURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(s.OnlineURL) > MaxURL {
			errs = append(errs, fault.FieldError("online_url", "reception.online_url", nil))
		}
	}
	if s.Capacity < 0 || s.Capacity > MaxCapacity {
		errs = append(errs, fault.FieldError("capacity", "reception.capacity", map[string]any{"Max": MaxCapacity}))
	}
	if !s.From.Valid() {
		errs = append(errs, fault.FieldError("from", "reception.from", nil))
	}
	if !s.Until.IsZero() && (!s.Until.Valid() || s.Until.Before(s.From)) {
		errs = append(errs, fault.FieldError("until", "reception.until", nil))
	}
	return s, errs
}

// clean trims a one-line text and folds its inner whitespace.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }
