package reception

import (
	"cmp"
	"context"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/report"
)

// Errors of the schedule.
var (
	ErrNoSuchSchedule = fault.New(fault.NotFound, "reception.not_found")
	// ErrNotAReceptionDay: a change names a day the schedule does not
	// give.
	ErrNotAReceptionDay = fault.FieldError("day", "reception.not_a_day", nil)
)

// Store keeps schedules and their changes. Every write is audited in its
// own transaction.
type Store interface {
	ListSchedules(ctx context.Context) ([]Schedule, error)
	// SaveSchedule inserts s (ID 0) or replaces it; ErrNoSuchSchedule for
	// an unknown ID. Deactivating a schedule is refused
	// (ScheduleHasBookings) while citizens hold bookings of its days from
	// today on, decided in the same transaction as the change: a booking
	// made at the same moment either commits first and is counted, or
	// finds the schedule inactive (BookingStore.Book). An edit that keeps
	// it active is refused (ScheduleEditStrands) when a booked day from
	// today on is no longer one of its days (by cal, with its changes) or
	// holds more bookings than the new capacity.
	SaveSchedule(ctx context.Context, s Schedule, by access.Actor, now time.Time, today calendar.Date, cal *calendar.Calendar) (Schedule, error)
	// SaveChange records the change of one day, replacing an earlier
	// change of the same day. In the same transaction it refuses
	// (DayHasBookings) a day that citizens have booked, on the regular day
	// or the day an earlier change moved it to: their bookings would stay
	// on it, and the new day take a full capacity again. A booking made
	// at the same moment either commits first and is counted, or finds
	// the change (BookingStore.Book).
	SaveChange(ctx context.Context, c Change, by access.Actor) (Change, error)
	// ListChanges returns the changes of regular days in [from, to].
	ListChanges(ctx context.Context, from, to calendar.Date) ([]Change, error)
}

// Config is what the Service needs.
type Config struct {
	Store    Store
	Bookings BookingStore
	// Cancels cancels bookings through their signed links.
	Cancels  BookingCancelStore
	Sessions SessionStore
	// Cases opens a session's case through the case workflow.
	Cases Cases
	// Reports counts the cases sessions opened through the report's
	// figures (report.Service).
	Reports  Reports
	Now      func() time.Time
	Location *time.Location
	// Calendar is the working-day calendar in force.
	Calendar func(ctx context.Context) *calendar.Calendar
	// Limiter counts the public booking form's posts, in the counters
	// intake and tracking use; Limits are its ceilings (0: none).
	Limiter access.Limiter
	Limits  Limits
	// Ratings keeps the visitors' ratings; LinkKey signs each session's
	// rating link (the key of the citizen's notice links).
	Ratings RatingStore
	LinkKey []byte
	// Confirm says which channels tell a citizen of their booking: e-mail
	// (SMTP configured) and the phone (the SMS and Zalo gateway).
	Confirm Channels
}

// Channels are the citizen's channels that are configured.
type Channels struct{ Email, Phone bool }

// Limits bound the public booking form per client address and per phone,
// as the public petition form is bound (intake.per_ip_hour and so on).
type Limits struct {
	PerIPHour, PerIPDay       int
	PerPhoneHour, PerPhoneDay int
}

// Reports is the report's service, which counts every figure.
type Reports interface {
	Report(ctx context.Context, q report.Query) (*report.Report, error)
	// PublicCached reuses a public figure for report.PublicTTL.
	PublicCached(key string, fn func() (any, error)) (any, error)
	// SmallCount is the count below which a figure is too few to show
	// without pointing at someone.
	SmallCount() int
}

// Service is citizen reception's domain service.
type Service struct{ cfg Config }

// NewService returns the service over cfg, every field of which is needed.
func NewService(cfg Config) (*Service, error) {
	if err := platform.Needs("reception", platform.Dep{Name: "Store", Absent: cfg.Store == nil},
		platform.Dep{Name: "Bookings", Absent: cfg.Bookings == nil},
		platform.Dep{Name: "Cancels", Absent: cfg.Cancels == nil}, platform.Dep{Name: "Sessions", Absent: cfg.Sessions == nil},
		platform.Dep{Name: "Cases", Absent: cfg.Cases == nil}, platform.Dep{Name: "Reports", Absent: cfg.Reports == nil},
		platform.Dep{Name: "Now", Absent: cfg.Now == nil}, platform.Dep{Name: "Location", Absent: cfg.Location == nil},
		platform.Dep{Name: "Calendar", Absent: cfg.Calendar == nil}, platform.Dep{Name: "Limiter", Absent: cfg.Limiter == nil},
		platform.Dep{Name: "Ratings", Absent: cfg.Ratings == nil}, platform.Dep{Name: "LinkKey", Absent: len(cfg.LinkKey) == 0}); err != nil {
		return nil, err
	}
	return &Service{cfg: cfg}, nil
}

// Location is the zone reception hours are in.
func (s *Service) Location() *time.Location { return s.cfg.Location }

// Today is the business date now.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.cfg.Now(), s.cfg.Location) }

// Schedules returns every schedule, active first, leadership before the
// desk.
func (s *Service) Schedules(ctx context.Context) ([]Schedule, error) {
	list, err := s.cfg.Store.ListSchedules(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(list, func(a, b Schedule) int {
		if a.Active != b.Active {
			if a.Active {
				return -1
			}
			return 1
		}
		if a.Kind != b.Kind {
			if a.Kind == KindLeadership {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return list, nil
}

// Schedule returns one schedule.
func (s *Service) Schedule(ctx context.Context, id int64) (Schedule, error) {
	list, err := s.cfg.Store.ListSchedules(ctx)
	if err != nil {
		return Schedule{}, err
	}
	for _, sc := range list {
		if sc.ID == id {
			return sc, nil
		}
	}
	return Schedule{}, ErrNoSuchSchedule
}

// SaveSchedule creates (ID 0) or edits a schedule: the office's.
func (s *Service) SaveSchedule(ctx context.Context, by access.Actor, sc Schedule) (Schedule, error) {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return Schedule{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	sc, errs := sc.Check()
	if len(errs) > 0 {
		return Schedule{}, errs
	}
	return s.cfg.Store.SaveSchedule(ctx, sc, by, s.cfg.Now(), s.Today(), s.cfg.Calendar(ctx))
}

// ChangeDay cancels (movedTo zero) or moves one regular day of a schedule,
// with a reason that is published: the office's.
func (s *Service) ChangeDay(ctx context.Context, by access.Actor, scheduleID int64, day, movedTo calendar.Date, reason string) (Change, error) {
	if !access.Can(by, access.ActReceptionManage, nil) {
		return Change{}, fault.New(fault.Forbidden, "error.forbidden")
	}
	sc, err := s.Schedule(ctx, scheduleID)
	if err != nil {
		return Change{}, err
	}
	var errs fault.List
	reason = clean(reason)
	if n := utf8.RuneCountInString(reason); n < 5 || n > MaxReason {
		errs = append(errs, fault.FieldError("reason", "reception.reason_required", map[string]any{"Max": MaxReason}))
	}
	cal := s.cfg.Calendar(ctx)
	if !day.Valid() || !slices.Contains(sc.Regular(cal, day, day), day) {
		errs = append(errs, ErrNotAReceptionDay)
	}
	// A day gone by is not cancelled or moved after the fact: it would
	// drop out of the days scheduled, silence the missed-day alert, and
	// publish its reason as if announced ahead.
	if day.Valid() && day.Before(s.Today()) {
		errs = append(errs, fault.FieldError("day", "reception.day_past", nil))
	}
	if !movedTo.IsZero() && (!movedTo.Valid() || !cal.IsWorkingDay(movedTo) || movedTo.Before(s.Today())) {
		errs = append(errs, fault.FieldError("moved_to", "reception.moved_to", nil))
	}
	if len(errs) > 0 {
		return Change{}, errs
	}
	// Whether citizens booked the day is decided by the store, inside the
	// change's transaction: checked before it, a booking could land between
	// the check and the change.
	return s.cfg.Store.SaveChange(ctx, Change{ScheduleID: sc.ID, Day: day, Cancelled: movedTo.IsZero(), MovedTo: movedTo,
		Reason: reason, At: s.cfg.Now()}, by)
}

// Published returns the reception days of the active schedules held in
// [from, to], cancelled ones included, in order of day and hour.
func (s *Service) Published(ctx context.Context, from, to calendar.Date) ([]Occurrence, error) {
	list, err := s.cfg.Store.ListSchedules(ctx)
	if err != nil {
		return nil, err
	}
	changes, err := s.cfg.Store.ListChanges(ctx, from.AddDays(-62), to.AddDays(62))
	if err != nil {
		return nil, err
	}
	cal := s.cfg.Calendar(ctx)
	var out []Occurrence
	for _, sc := range list {
		if sc.Active {
			out = append(out, sc.Occurrences(cal, from, to, changes)...)
		}
	}
	slices.SortStableFunc(out, func(a, b Occurrence) int {
		if c := a.Day.Compare(b.Day); c != 0 {
			return c
		}
		if a.Schedule.Kind != b.Schedule.Kind {
			if a.Schedule.Kind == KindLeadership {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Schedule.StartMin, b.Schedule.StartMin)
	})
	return out, nil
}

// Occurrence returns the occurrence of schedule id held on day, if any.
func (s *Service) Occurrence(ctx context.Context, id int64, day calendar.Date) (Occurrence, bool, error) {
	list, err := s.Published(ctx, day, day)
	if err != nil {
		return Occurrence{}, false, err
	}
	for _, o := range list {
		if o.Schedule.ID == id {
			return o, true, nil
		}
	}
	return Occurrence{}, false, nil
}

// recordingMissed is when a reception day with nothing recorded is missed
// as of today: once the first working day after it has ended, the whole
// day the office had to record it. The missed alert (Unrecorded) and the
// month's days short (Figures) both count from it.
func recordingMissed(cal *calendar.Calendar, day, today calendar.Date) bool {
	return cal.NextWorkingDay(day).Before(today)
}

// UnrecordedLookback is how far back Unrecorded looks, in days: a job
// that was down catches up on a month.
const UnrecordedLookback = 31

// Unrecorded returns, as of now, the leadership's reception days that were
// held (not cancelled) by an active schedule and have no session recorded
// under that schedule and day, nor the day recorded as held with no
// visitor (RecordNoVisitor), once the first working day after the day
// has ended: the office had that whole day to record it. A day before the
// schedule was first saved is not asked of (a schedule saved with a past
// start, or a first deploy, would raise a month of alerts for days nobody
// had published). Plan 55 III.1 counts the days held against those
// scheduled (Figures, by the same definition). The office's desk is not
// asked of: a day nobody came to it leaves nothing to record.
func (s *Service) Unrecorded(ctx context.Context, now time.Time) ([]Occurrence, error) {
	cal := s.cfg.Calendar(ctx)
	today := calendar.DateOf(now, s.cfg.Location)
	from, to := today.AddDays(-UnrecordedLookback), today.AddDays(-1)
	occ, err := s.Published(ctx, from, to)
	if err != nil {
		return nil, err
	}
	sessions, err := s.cfg.Sessions.Sessions(ctx, from, to)
	if err != nil {
		return nil, err
	}
	held, err := s.heldDays(ctx, from, to, sessions)
	if err != nil {
		return nil, err
	}
	var out []Occurrence
	for _, o := range occ {
		if o.Schedule.Kind != KindLeadership || o.Cancelled || held[dayKey{o.Schedule.ID, o.Day}] ||
			!recordingMissed(cal, o.Day, today) || o.Day.Before(calendar.DateOf(o.Schedule.CreatedAt, s.cfg.Location)) {
			continue
		}
		out = append(out, o)
	}
	return out, nil
}
