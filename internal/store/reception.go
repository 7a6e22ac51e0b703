package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/reception"
)

type receptionScheduleRow struct {
	ID                    int64
	Kind, Host, Repeat    string
	DayOfMonth, Weekday   int
	StartMin, EndMin      int
	Place, OnlineURL      string
	Capacity              int
	ValidFrom, ValidUntil string
	Active                bool
	CreatedAt, UpdatedAt  time.Time
}

func (receptionScheduleRow) TableName() string { return "reception_schedules" }

func (r receptionScheduleRow) schedule() reception.Schedule {
	from, _ := calendar.ParseDate(r.ValidFrom)
	until, _ := calendar.ParseDate(r.ValidUntil)
	return reception.Schedule{ID: r.ID, Kind: reception.Kind(r.Kind), Host: r.Host, Repeat: reception.Repeat(r.Repeat),
		DayOfMonth: r.DayOfMonth, Weekday: time.Weekday(r.Weekday), StartMin: r.StartMin, EndMin: r.EndMin,
		Place: r.Place, OnlineURL: r.OnlineURL, Capacity: r.Capacity, From: from, Until: until, Active: r.Active, CreatedAt: r.CreatedAt.UTC()}
}

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// ListSchedules implements reception.Store.
func (s *ReceptionStore) ListSchedules(ctx context.Context) ([]reception.Schedule, error) {
	var rows []receptionScheduleRow
	if err := s.db.Gorm.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list reception schedules: %w", err)
	}
	out := make([]reception.Schedule, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.schedule())
	}
	return out, nil
}

// SaveSchedule implements reception.Store, audited as reception.schedule.
func (s *ReceptionStore) SaveSchedule(ctx context.Context, sc reception.Schedule, by access.Actor, now time.Time, today calendar.Date,
	cal *calendar.Calendar) (reception.Schedule, error) {
	var out reception.Schedule
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		r := receptionScheduleRow{ID: sc.ID, Kind: string(sc.Kind), Host: sc.Host, Repeat: string(sc.Repeat), DayOfMonth: sc.DayOfMonth,
			Weekday: int(sc.Weekday), StartMin: sc.StartMin, EndMin: sc.EndMin, Place: sc.Place, OnlineURL: sc.OnlineURL,
			Capacity: sc.Capacity, ValidFrom: dateText(sc.From), ValidUntil: dateText(sc.Until), Active: sc.Active,
			CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
		var before any
		action := "reception.schedule.create"
		if sc.ID != 0 {
			var old receptionScheduleRow
			if err := tx.Where("id = ?", sc.ID).Take(&old).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				return reception.ErrNoSuchSchedule
			} else if err != nil {
				return err
			}
			before, action, r.CreatedAt = old.schedule(), "reception.schedule.update", old.CreatedAt
			if err := tx.Save(&r).Error; err != nil {
				return fmt.Errorf("update reception schedule: %w", err)
			}
			// Counted after the update, which holds the schedule's row: a
			// booking that took its place first is counted here; one that
			// comes later waits on the row in Book and finds it inactive.
			if old.Active {
				if err := strandedBookings(tx, sc, today, cal); err != nil {
					return err
				}
			}
		} else if err := tx.Omit("id").Create(&r).Error; err != nil {
			return fmt.Errorf("create reception schedule: %w", err)
		}
		out = r.schedule()
		return recordAudit(ctx, tx, audit.Entry{At: now, ActorID: actorID(by), ActorLabel: by.Label(), Action: action,
			Entity: "reception_schedule", EntityID: strconv.FormatInt(r.ID, 10), Before: before, After: out})
	})
	return out, err
}

// strandedBookings refuses an edit of an active schedule that leaves
// citizens booked on a day from today on that nobody receives: every day
// when deactivated (ScheduleHasBookings), else each booked day that is no
// longer one of the edited schedule's days, with its changes applied, or
// that holds more bookings than the new capacity (ScheduleEditStrands).
func strandedBookings(tx *gorm.DB, sc reception.Schedule, today calendar.Date, cal *calendar.Calendar) error {
	var slots []struct {
		Day    string
		Booked int
	}
	if err := tx.Raw("SELECT day, booked FROM reception_slots WHERE schedule_id = ? AND day >= ? AND booked > 0 ORDER BY day", sc.ID,
		today.String()).Scan(&slots).Error; err != nil {
		return fmt.Errorf("update reception schedule: booked: %w", err)
	}
	if len(slots) == 0 {
		return nil
	}
	if !sc.Active {
		n := 0
		for _, sl := range slots {
			n += sl.Booked
		}
		return reception.ScheduleHasBookings(n)
	}
	var rows []receptionChangeRow
	if err := tx.Where("schedule_id = ?", sc.ID).Find(&rows).Error; err != nil {
		return fmt.Errorf("update reception schedule: changes: %w", err)
	}
	changes := make([]reception.Change, 0, len(rows))
	for _, r := range rows {
		changes = append(changes, r.change())
	}
	last, _ := calendar.ParseDate(slots[len(slots)-1].Day)
	held := map[string]bool{}
	for _, o := range sc.Occurrences(cal, today, last, changes) {
		if !o.Cancelled {
			held[o.Day.String()] = true
		}
	}
	n := 0
	for _, sl := range slots {
		if !held[sl.Day] || sl.Booked > sc.Capacity {
			n += sl.Booked
		}
	}
	if n > 0 {
		return reception.ScheduleEditStrands(n)
	}
	return nil
}

type receptionChangeRow struct {
	ID, ScheduleID       int64
	Day, MovedTo, Reason string
	Cancelled            bool
	CreatedAt            time.Time
}

func (receptionChangeRow) TableName() string { return "reception_changes" }

func (r receptionChangeRow) change() reception.Change {
	day, _ := calendar.ParseDate(r.Day)
	moved, _ := calendar.ParseDate(r.MovedTo)
	return reception.Change{ID: r.ID, ScheduleID: r.ScheduleID, Day: day, Cancelled: r.Cancelled, MovedTo: moved,
		Reason: r.Reason, At: r.CreatedAt.UTC()}
}

// SaveChange implements reception.Store, audited as reception.change.
func (s *ReceptionStore) SaveChange(ctx context.Context, c reception.Change, by access.Actor) (reception.Change, error) {
	var out reception.Change
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var old []receptionChangeRow
		if err := tx.Where("schedule_id = ? AND day = ?", c.ScheduleID, c.Day.String()).Find(&old).Error; err != nil {
			return err
		}
		// The days whose bookings the change would strand: the regular
		// day, and the day an earlier change moved it to. Each slot row is
		// created if missing and locked by a no-op update, so that a
		// booking of that day waits for this transaction (and then finds
		// the change) or has committed before it (and is counted here).
		days := []string{c.Day.String()}
		if len(old) > 0 && old[0].MovedTo != "" && old[0].MovedTo != c.Day.String() {
			days = append(days, old[0].MovedTo)
		}
		booked := 0
		for _, d := range days {
			if err := tx.Exec("INSERT INTO reception_slots (schedule_id, day, booked) VALUES (?, ?, 0) ON CONFLICT (schedule_id, day) DO NOTHING",
				c.ScheduleID, d).Error; err != nil {
				return fmt.Errorf("save reception change: slot: %w", err)
			}
			if err := tx.Exec("UPDATE reception_slots SET booked = booked WHERE schedule_id = ? AND day = ?", c.ScheduleID, d).Error; err != nil {
				return fmt.Errorf("save reception change: lock slot: %w", err)
			}
			var n int
			if err := tx.Raw("SELECT booked FROM reception_slots WHERE schedule_id = ? AND day = ?", c.ScheduleID, d).Scan(&n).Error; err != nil {
				return fmt.Errorf("save reception change: booked: %w", err)
			}
			booked += n
		}
		if booked > 0 {
			return reception.DayHasBookings(booked)
		}
		var before any
		if len(old) > 0 {
			before = old[0].change()
			if err := tx.Where("id = ?", old[0].ID).Delete(&receptionChangeRow{}).Error; err != nil {
				return err
			}
		}
		r := receptionChangeRow{ScheduleID: c.ScheduleID, Day: c.Day.String(), Cancelled: c.Cancelled, MovedTo: dateText(c.MovedTo),
			Reason: c.Reason, CreatedAt: c.At.UTC()}
		if err := tx.Omit("id").Create(&r).Error; err != nil {
			return fmt.Errorf("save reception change: %w", err)
		}
		out = r.change()
		return recordAudit(ctx, tx, audit.Entry{At: c.At, ActorID: actorID(by), ActorLabel: by.Label(), Action: "reception.change",
			Entity: "reception_schedule", EntityID: strconv.FormatInt(c.ScheduleID, 10), Before: before, After: out})
	})
	return out, err
}

// ListChanges implements reception.Store. Dates are stored as
// YYYY-MM-DD text, which sorts and compares as the dates do.
func (s *ReceptionStore) ListChanges(ctx context.Context, from, to calendar.Date) ([]reception.Change, error) {
	var rows []receptionChangeRow
	if err := s.db.Gorm.WithContext(ctx).Where("day >= ? AND day <= ?", from.String(), to.String()).Order("day, id").
		Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list reception changes: %w", err)
	}
	out := make([]reception.Change, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.change())
	}
	return out, nil
}

var _ reception.BookingStore = (*ReceptionStore)(nil)

type receptionBookingRow struct {
	ID                 int64
	Code               string
	ScheduleID         int64
	Day, Kind          string
	TopicID            *int64
	Description        string
	Sealed             bool
	Name, Phone, Email string
	PhoneKey, Lang     string
	CreatedAt          time.Time
	CancelledAt        *time.Time
}

func (receptionBookingRow) TableName() string { return "reception_bookings" }

func (r receptionBookingRow) booking() reception.Booking {
	day, _ := calendar.ParseDate(r.Day)
	b := reception.Booking{ID: r.ID, Code: r.Code, ScheduleID: r.ScheduleID, Day: day, Kind: petition.Kind(r.Kind), Description: r.Description,
		Sealed: r.Sealed, Name: r.Name, Phone: r.Phone, Email: r.Email, PhoneKey: r.PhoneKey, Lang: r.Lang, CreatedAt: r.CreatedAt.UTC()}
	if r.CancelledAt != nil {
		at := r.CancelledAt.UTC()
		b.CancelledAt = &at
	}
	if r.TopicID != nil {
		b.TopicID = *r.TopicID
	}
	return b
}

// Book implements reception.BookingStore: the place is taken by a
// conditional update of the day's counter, which on PostgreSQL locks the
// row (a second booking waits, then sees the new count) and on SQLite runs
// alone; the unique phone key refuses the same phone twice.
func (s *ReceptionStore) Book(ctx context.Context, b reception.Booking, read reception.Schedule, regular calendar.Date) (reception.Booking, error) {
	var out reception.Booking
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		// The schedule's row is shared-locked to the commit, before the
		// slot: an edit or a deactivation commits before this read (and is
		// seen) or waits for this booking (and counts it). SQLite runs one
		// writer at a time. The day was found on the schedule the service
		// read: an edit of its days since refuses the booking, and the
		// place is taken against the capacity as stored.
		lock := ""
		if s.db.Dialect == Postgres {
			lock = " FOR SHARE"
		}
		var rows []receptionScheduleRow
		if err := tx.Raw("SELECT * FROM reception_schedules WHERE id = ?"+lock, b.ScheduleID).Scan(&rows).Error; err != nil {
			return fmt.Errorf("book: schedule: %w", err)
		}
		if len(rows) == 0 || !rows[0].Active || !rows[0].schedule().SameDays(read) {
			return reception.ErrNotBookable
		}
		capacity := rows[0].Capacity
		var n int64
		if err := tx.Raw("SELECT COUNT(*) FROM reception_bookings WHERE schedule_id = ? AND day = ? AND phone_key = ?",
			b.ScheduleID, b.Day.String(), b.PhoneKey).Scan(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return reception.ErrAlreadyBooked
		}
		if err := tx.Exec("INSERT INTO reception_slots (schedule_id, day, booked) VALUES (?, ?, 0) ON CONFLICT (schedule_id, day) DO NOTHING",
			b.ScheduleID, b.Day.String()).Error; err != nil {
			return fmt.Errorf("book: slot: %w", err)
		}
		res := tx.Exec("UPDATE reception_slots SET booked = booked + 1 WHERE schedule_id = ? AND day = ? AND booked < ?",
			b.ScheduleID, b.Day.String(), capacity)
		if res.Error != nil {
			return fmt.Errorf("book: take a place: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			// A second post of the same phone (a double tap) waited on the
			// slot behind the first, which took the last place: that phone
			// holds it, and is told so rather than that the day is full.
			if err := tx.Raw("SELECT COUNT(*) FROM reception_bookings WHERE schedule_id = ? AND day = ? AND phone_key = ?",
				b.ScheduleID, b.Day.String(), b.PhoneKey).Scan(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return reception.ErrAlreadyBooked
			}
			return reception.ErrSlotFull
		}
		// The slot is locked now: a change of the day commits before this
		// read (and is seen) or waits for this booking (and counts it).
		var changes []receptionChangeRow
		if err := tx.Where("schedule_id = ? AND day = ?", b.ScheduleID, regular.String()).Find(&changes).Error; err != nil {
			return fmt.Errorf("book: day's change: %w", err)
		}
		held := regular == b.Day
		if len(changes) > 0 {
			held = !changes[0].Cancelled && changes[0].MovedTo == b.Day.String()
		}
		if !held {
			return reception.ErrNotBookable
		}
		r := receptionBookingRow{Code: b.Code, ScheduleID: b.ScheduleID, Day: b.Day.String(), Kind: string(b.Kind), TopicID: optID(b.TopicID),
			Description: b.Description, Sealed: b.Sealed, Name: b.Name, Phone: b.Phone, Email: b.Email, PhoneKey: b.PhoneKey, Lang: b.Lang,
			CreatedAt: b.CreatedAt.UTC()}
		if err := tx.Omit("id").Create(&r).Error; err != nil {
			if isUniqueViolation(err) {
				return reception.ErrAlreadyBooked
			}
			return fmt.Errorf("book: %w", err)
		}
		out = r.booking()
		return nil
	})
	return out, err
}

// Rearm implements reception.BookingStore: clearing noticed_at makes the
// outbox job queue the confirmation again (QueueBookings, 00033).
func (s *ReceptionStore) Rearm(ctx context.Context, scheduleID int64, day calendar.Date, phoneKey string) (reception.Booking, error) {
	var out reception.Booking
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var r receptionBookingRow
		if err := tx.Where("schedule_id = ? AND day = ? AND phone_key = ?", scheduleID, day.String(), phoneKey).Take(&r).Error; err != nil {
			return fmt.Errorf("rearm booking: %w", err)
		}
		if err := tx.Exec("UPDATE reception_bookings SET noticed_at = NULL WHERE id = ?", r.ID).Error; err != nil {
			return fmt.Errorf("rearm booking: %w", err)
		}
		out = r.booking()
		return nil
	})
	return out, err
}

// DayBookings implements reception.BookingStore.
func (s *ReceptionStore) DayBookings(ctx context.Context, day calendar.Date) ([]reception.Booking, error) {
	var rows []receptionBookingRow
	if err := s.db.Gorm.WithContext(ctx).Where("day = ?", day.String()).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("day bookings: %w", err)
	}
	out := make([]reception.Booking, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.booking())
	}
	return out, nil
}

// Booked implements reception.BookingStore.
func (s *ReceptionStore) Booked(ctx context.Context, day calendar.Date) (map[int64]int, error) {
	var rows []struct {
		ScheduleID int64
		Booked     int
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT schedule_id, booked FROM reception_slots WHERE day = ?", day.String()).
		Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("booked: %w", err)
	}
	out := map[int64]int{}
	for _, r := range rows {
		out[r.ScheduleID] = r.Booked
	}
	return out, nil
}

var _ reception.BookingCancelStore = (*ReceptionStore)(nil)

// Booking implements reception.BookingCancelStore.
func (s *ReceptionStore) Booking(ctx context.Context, id int64) (reception.Booking, error) {
	var rows []receptionBookingRow
	if err := s.db.Gorm.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return reception.Booking{}, fmt.Errorf("booking: %w", err)
	}
	if len(rows) == 0 {
		return reception.Booking{}, reception.ErrCancelLink
	}
	return rows[0].booking(), nil
}

// CancelBooking implements reception.BookingCancelStore, audited as
// reception.booking.cancel by the citizen, without the citizen's identity
// or what they booked about. The booking's pending messages are withdrawn
// from the outbox in the same transaction; its dead ones stay. The
// conditional update makes a second cancel (a double tap, two devices)
// change nothing, so the slot is given back once.
func (s *ReceptionStore) CancelBooking(ctx context.Context, id int64, at time.Time) (bool, error) {
	cancelled := false
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE reception_bookings SET cancelled_at = ?, phone_key = ? WHERE id = ? AND cancelled_at IS NULL",
			at.UTC(), "cancelled:"+strconv.FormatInt(id, 10), id)
		if res.Error != nil {
			return fmt.Errorf("cancel booking: %w", res.Error)
		}
		if cancelled = res.RowsAffected > 0; !cancelled {
			return nil
		}
		var r receptionBookingRow
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return fmt.Errorf("cancel booking: %w", err)
		}
		if err := tx.Exec("UPDATE reception_slots SET booked = booked - 1 WHERE schedule_id = ? AND day = ? AND booked > 0",
			r.ScheduleID, r.Day).Error; err != nil {
			return fmt.Errorf("cancel booking: give the place back: %w", err)
		}
		// The booking's messages still pending (a confirmation waiting for
		// a retry, a reminder queued) are withdrawn here, as a case's are
		// when its citizen turns notices off: none reaches the citizen
		// after the cancel, and none is left to fail onto the dead list.
		// A delivery that already gave up stays on the dead list: it
		// failed before the cancel. The audit row counts the withdrawn.
		res = tx.Exec("DELETE FROM outbox WHERE state = 'pending' AND alert_id IN (SELECT id FROM alerts WHERE booking_id = ?)", id)
		if res.Error != nil {
			return fmt.Errorf("cancel booking: withdraw its messages: %w", res.Error)
		}
		return recordAudit(ctx, tx, audit.Entry{At: at, ActorLabel: "citizen", Action: "reception.booking.cancel",
			Entity: "reception_booking", EntityID: strconv.FormatInt(id, 10),
			After: map[string]any{"schedule_id": r.ScheduleID, "day": r.Day, "deliveries_withdrawn": res.RowsAffected}})
	})
	return cancelled, err
}

var _ reception.SessionStore = (*ReceptionStore)(nil)

type receptionSessionRow struct {
	ID                     int64
	ScheduleID             *int64
	Day, Receiver          string
	Leadership             bool
	Kind                   string
	Sealed                 bool
	Name, Phone            string
	GroupVisit             bool
	Headcount              int
	Representatives        string
	Content, Documents     string
	Outcome, RefusalReason string
	Dialogue               bool
	CaseID                 *int64
	CreatedAt              time.Time
	CreatedBy              string
	CaseCode               string     `gorm:"->;-:migration"`
	ResultPublished        bool       `gorm:"->;-:migration"`
	Stars                  int        `gorm:"->;-:migration"`
	RatingComment          string     `gorm:"->;-:migration"`
	RatedAt                *time.Time `gorm:"->;-:migration"`
}

func (receptionSessionRow) TableName() string { return "reception_sessions" }

func (r receptionSessionRow) session() reception.Session {
	day, _ := calendar.ParseDate(r.Day)
	s := reception.Session{ID: r.ID, Day: day, Receiver: r.Receiver, Leadership: r.Leadership, Kind: petition.Kind(r.Kind), Sealed: r.Sealed,
		Name: r.Name, Phone: r.Phone, Group: r.GroupVisit, Headcount: r.Headcount, Representatives: r.Representatives, Content: r.Content,
		Documents: r.Documents, Outcome: reception.Outcome(r.Outcome), RefusalReason: r.RefusalReason, CaseCode: r.CaseCode,
		Dialogue: r.Dialogue, ResultPublished: r.ResultPublished, CreatedAt: r.CreatedAt.UTC(), CreatedBy: r.CreatedBy}
	if r.ScheduleID != nil {
		s.ScheduleID = *r.ScheduleID
	}
	if r.CaseID != nil {
		s.CaseID = *r.CaseID
	}
	if r.Stars > 0 && r.RatedAt != nil {
		s.Rating = &reception.Rating{SessionID: r.ID, Stars: r.Stars, Comment: r.RatingComment, At: r.RatedAt.UTC()}
	}
	return s
}

// AddSession implements reception.SessionStore, audited as
// reception.session without the visitor's identity or the content.
func (s *ReceptionStore) AddSession(ctx context.Context, sess reception.Session, by access.Actor) (reception.Session, error) {
	var out reception.Session
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		out, err = addSession(ctx, tx, sess, by)
		return err
	})
	return out, err
}

// addSession writes a session, its request's marks and its audit row in
// tx: on its own (AddSession) or in the transaction that registers the
// case it opened (WorkflowStore.Register, petition.NewCase.Linked).
func addSession(ctx context.Context, tx *gorm.DB, sess reception.Session, by access.Actor) (reception.Session, error) {
	var out reception.Session
	err := func() error {
		if sess.ScheduleID != 0 {
			if tx.Dialector.Name() == "postgres" {
				// Shares the schedule's row with other sessions and
				// bookings, and excludes a day being recorded with no
				// visitor (AddNoVisitorDay): a day committed first is seen
				// below, once this lock is had; a day recorded after waits
				// for this session to commit, and then sees it. (SQLite
				// has one writer at a time.)
				if err := tx.Exec("SELECT id FROM reception_schedules WHERE id = ? FOR SHARE", sess.ScheduleID).Error; err != nil {
					return fmt.Errorf("add reception session: lock schedule: %w", err)
				}
			}
			var n int64
			if err := tx.Raw("SELECT COUNT(*) FROM reception_no_visitor_days WHERE schedule_id = ? AND day = ?", sess.ScheduleID, sess.Day.String()).
				Scan(&n).Error; err != nil {
				return fmt.Errorf("add reception session: days with no visitor: %w", err)
			}
			if n > 0 {
				return fault.List{reception.ErrSessionOnNoVisitorDay}
			}
		}
		r := receptionSessionRow{ScheduleID: optID(sess.ScheduleID), Day: sess.Day.String(), Receiver: sess.Receiver, Leadership: sess.Leadership,
			Kind: string(sess.Kind), Sealed: sess.Sealed, Name: sess.Name, Phone: sess.Phone, GroupVisit: sess.Group, Headcount: max(1, sess.Headcount),
			Representatives: sess.Representatives, Content: sess.Content, Documents: sess.Documents, Outcome: string(sess.Outcome),
			RefusalReason: sess.RefusalReason, Dialogue: sess.Dialogue, CaseID: optID(sess.CaseID), CreatedAt: sess.CreatedAt.UTC(), CreatedBy: sess.CreatedBy}
		if err := tx.Omit("id", "case_code", "result_published", "stars", "rating_comment", "rated_at").Create(&r).Error; err != nil {
			return fmt.Errorf("add reception session: %w", err)
		}
		out = r.session()
		out.CaseCode = sess.CaseCode
		if sess.RequestKey != "" {
			// The claim is checked again here, in the transaction that
			// writes the session and its case: a submit that took over a
			// claim it thought stale loses to the first one if that one
			// committed meanwhile, and writes nothing (one case, one clock).
			res := tx.Exec("UPDATE reception_requests SET session_id = ?, case_id = ? WHERE request_key = ? AND session_id IS NULL "+
				"AND (case_id IS NULL OR case_id = ?)", r.ID, optID(sess.CaseID), sess.RequestKey, optID(sess.CaseID))
			if res.Error != nil {
				return fmt.Errorf("reception request: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				// Recorded only when a session holds the claim; else the
				// claim was taken over or released: another submit is on
				// its way.
				var held int64
				if err := tx.Raw("SELECT COUNT(*) FROM reception_requests WHERE request_key = ? AND session_id IS NOT NULL", sess.RequestKey).
					Scan(&held).Error; err != nil {
					return fmt.Errorf("reception request: %w", err)
				}
				if held > 0 {
					return reception.ErrRequestRecorded
				}
				return reception.ErrRequestInFlight
			}
		}
		return recordAudit(ctx, tx, audit.Entry{At: sess.CreatedAt, ActorID: actorID(by), ActorLabel: by.Label(), Action: "reception.session",
			Entity: "reception_session", EntityID: strconv.FormatInt(r.ID, 10),
			After: map[string]any{"day": sess.Day.String(), "outcome": sess.Outcome, "case_id": sess.CaseID, "leadership": sess.Leadership, "dialogue": sess.Dialogue}})
	}()
	return out, err
}

// ReleaseRequest implements reception.SessionStore.
// The claim is matched by the time it was taken (a takeover sets a later
// one), so a failed submit never frees a claim another submit took over.
func (s *ReceptionStore) ReleaseRequest(ctx context.Context, key string, claim time.Time) error {
	if err := s.db.Gorm.WithContext(ctx).Exec("DELETE FROM reception_requests WHERE request_key = ? AND created_at = ? AND case_id IS NULL "+
		"AND session_id IS NULL", key, claim.UTC()).Error; err != nil {
		return fmt.Errorf("release reception request: %w", err)
	}
	return nil
}

// ClaimRequest implements reception.SessionStore.
func (s *ReceptionStore) ClaimRequest(ctx context.Context, key string, now time.Time) (reception.Request, error) {
	// The claim's time is its token (ReleaseRequest), kept to what both
	// databases store.
	at := now.UTC().Truncate(time.Microsecond)
	r := s.db.Gorm.WithContext(ctx).Exec("INSERT INTO reception_requests (request_key, created_at) VALUES (?, ?) ON CONFLICT (request_key) DO NOTHING", key, at)
	if r.Error != nil {
		return reception.Request{}, fmt.Errorf("claim reception request: %w", r.Error)
	}
	if r.RowsAffected == 1 {
		return reception.Request{Claimed: true, Claim: at}, nil
	}
	// A claim that recorded nothing for a while belonged to a process
	// that died before its transaction committed: this submit takes it.
	r = s.db.Gorm.WithContext(ctx).Exec("UPDATE reception_requests SET created_at = ? WHERE request_key = ? AND case_id IS NULL "+
		"AND session_id IS NULL AND created_at < ?", at, key, now.Add(-reception.StaleRequest).UTC())
	if r.Error != nil {
		return reception.Request{}, fmt.Errorf("claim reception request: %w", r.Error)
	}
	if r.RowsAffected == 1 {
		return reception.Request{Claimed: true, Claim: at}, nil
	}
	var rows []struct {
		CaseID    *int64
		CaseCode  string
		SessionID *int64
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT q.case_id, COALESCE(c.code, '') AS case_code, q.session_id FROM reception_requests q "+
		"LEFT JOIN cases c ON c.id = q.case_id WHERE q.request_key = ?", key).Scan(&rows).Error; err != nil || len(rows) != 1 {
		return reception.Request{}, fmt.Errorf("read reception request: %w", err)
	}
	var out reception.Request
	if rows[0].CaseID != nil {
		out.CaseID, out.CaseCode = *rows[0].CaseID, rows[0].CaseCode
	}
	if rows[0].SessionID != nil {
		out.SessionID = *rows[0].SessionID
	}
	return out, nil
}

const sessionSelect = "SELECT s.*, COALESCE(c.code, '') AS case_code, " +
	"EXISTS (SELECT 1 FROM reception_dialogue_results d WHERE d.session_id = s.id) AS result_published, " +
	"COALESCE(r.stars, 0) AS stars, COALESCE(r.comment, '') AS rating_comment, r.created_at AS rated_at " +
	"FROM reception_sessions s LEFT JOIN cases c ON c.id = s.case_id LEFT JOIN reception_ratings r ON r.session_id = s.id "

// DaySessions implements reception.SessionStore.
func (s *ReceptionStore) DaySessions(ctx context.Context, day calendar.Date) ([]reception.Session, error) {
	return s.Sessions(ctx, day, day)
}

// Sessions implements reception.SessionStore.
func (s *ReceptionStore) Sessions(ctx context.Context, from, to calendar.Date) ([]reception.Session, error) {
	var rows []receptionSessionRow
	if err := s.db.Gorm.WithContext(ctx).Raw(sessionSelect+"WHERE s.day >= ? AND s.day <= ? ORDER BY s.day, s.id", from.String(), to.String()).
		Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("reception sessions: %w", err)
	}
	out := make([]reception.Session, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.session())
	}
	return out, nil
}

var _ reception.DialogueStore = (*ReceptionStore)(nil)

// Session implements reception.DialogueStore.
func (s *ReceptionStore) Session(ctx context.Context, id int64) (reception.Session, error) {
	var rows []receptionSessionRow
	if err := s.db.Gorm.WithContext(ctx).Raw(sessionSelect+"WHERE s.id = ?", id).Scan(&rows).Error; err != nil {
		return reception.Session{}, fmt.Errorf("reception session: %w", err)
	}
	if len(rows) == 0 {
		return reception.Session{}, reception.ErrNoSuchSession
	}
	return rows[0].session(), nil
}

// PendingDialogues implements reception.DialogueStore.
func (s *ReceptionStore) PendingDialogues(ctx context.Context) ([]reception.Session, error) {
	var rows []receptionSessionRow
	if err := s.db.Gorm.WithContext(ctx).Raw(sessionSelect + "WHERE s.dialogue AND NOT EXISTS " +
		"(SELECT 1 FROM reception_dialogue_results d WHERE d.session_id = s.id) ORDER BY s.day, s.id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("pending dialogues: %w", err)
	}
	out := make([]reception.Session, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.session())
	}
	return out, nil
}

// PublishResult implements reception.DialogueStore, audited as
// reception.dialogue_result with the public text (already redacted).
func (s *ReceptionStore) PublishResult(ctx context.Context, r reception.DialogueResult, by access.Actor) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("INSERT INTO reception_dialogue_results (session_id, result, published_at, published_by) VALUES (?, ?, ?, ?) "+
			"ON CONFLICT (session_id) DO NOTHING", r.SessionID, r.Text, r.PublishedAt.UTC(), r.PublishedBy)
		if res.Error != nil {
			return fmt.Errorf("publish dialogue result: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return reception.ErrResultPublished
		}
		return recordAudit(ctx, tx, audit.Entry{At: r.PublishedAt, ActorID: actorID(by), ActorLabel: by.Label(), Action: "reception.dialogue_result",
			Entity: "reception_session", EntityID: strconv.FormatInt(r.SessionID, 10),
			After: map[string]any{"day": r.Day.String(), "sealed": r.Sealed, "result": r.Text}})
	})
}

// DialogueResults implements reception.DialogueStore: a sealed
// session's result is never listed, nor one whose case is sealed or a
// denunciation (the session is sealed with its case; this holds even if
// it were not).
func (s *ReceptionStore) DialogueResults(ctx context.Context, limit int) ([]reception.DialogueResult, error) {
	var rows []struct {
		SessionID   int64
		Day         string
		Receiver    string
		Leadership  bool
		Sealed      bool
		Kind        string
		Result      string
		PublishedAt time.Time
		PublishedBy string
	}
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT d.session_id, s.day, s.receiver, s.leadership, s.sealed, s.kind, d.result, d.published_at, d.published_by "+
		"FROM reception_dialogue_results d JOIN reception_sessions s ON s.id = d.session_id LEFT JOIN cases c ON c.id = s.case_id "+
		"WHERE s.sealed = ? AND (c.id IS NULL OR (c.identity_sealed = FALSE AND c.kind <> 'to_cao')) "+
		"ORDER BY d.published_at DESC, d.session_id DESC LIMIT ?", false, max(limit, 1)).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("dialogue results: %w", err)
	}
	out := make([]reception.DialogueResult, 0, len(rows))
	for _, r := range rows {
		day, _ := calendar.ParseDate(r.Day)
		out = append(out, reception.DialogueResult{SessionID: r.SessionID, Day: day, Receiver: r.Receiver, Leadership: r.Leadership, Sealed: r.Sealed,
			Kind: petition.Kind(r.Kind), Text: r.Result, PublishedAt: r.PublishedAt.UTC(), PublishedBy: r.PublishedBy})
	}
	return out, nil
}

var _ reception.RatingStore = (*ReceptionStore)(nil)

// AddRating implements reception.RatingStore, audited as
// reception.rating with the stars (never the comment, which may name
// anyone).
func (s *ReceptionStore) AddRating(ctx context.Context, r reception.Rating) error {
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("INSERT INTO reception_ratings (session_id, stars, comment, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (session_id) DO NOTHING",
			r.SessionID, r.Stars, r.Comment, r.At.UTC())
		if res.Error != nil {
			return fmt.Errorf("add reception rating: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return reception.ErrAlreadyRated
		}
		return recordAudit(ctx, tx, audit.Entry{At: r.At, ActorLabel: "visitor", Action: "reception.rating", Entity: "reception_session",
			EntityID: strconv.FormatInt(r.SessionID, 10), After: map[string]any{"stars": r.Stars}})
	})
}

var _ reception.NoVisitorStore = (*ReceptionStore)(nil)

type receptionNoVisitorRow struct {
	ScheduleID int64
	Day        string
	CreatedAt  time.Time
	CreatedBy  string
}

func (receptionNoVisitorRow) TableName() string { return "reception_no_visitor_days" }

// AddNoVisitorDay implements reception.NoVisitorStore, audited as
// reception.no_visitor when the day is new. The schedule's row is locked
// before the day's sessions are looked for, and a session's transaction
// shares that lock (addSession): a session committed first is seen here,
// one recorded meanwhile waits for this day to commit and is then refused.
func (s *ReceptionStore) AddNoVisitorDay(ctx context.Context, d reception.NoVisitorDay, by access.Actor) (bool, error) {
	added := false
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		added = false
		if s.db.Dialect == Postgres {
			if err := tx.Exec("SELECT id FROM reception_schedules WHERE id = ? FOR UPDATE", d.ScheduleID).Error; err != nil {
				return fmt.Errorf("reception day with no visitor: lock schedule: %w", err)
			}
		}
		var n int64
		if err := tx.Raw("SELECT COUNT(*) FROM reception_sessions WHERE schedule_id = ? AND day = ?", d.ScheduleID, d.Day.String()).
			Scan(&n).Error; err != nil {
			return fmt.Errorf("reception day with no visitor: sessions: %w", err)
		}
		if n > 0 {
			return fault.List{reception.ErrNoVisitorHasSessions}
		}
		res := tx.Exec("INSERT INTO reception_no_visitor_days (schedule_id, day, created_at, created_by) VALUES (?, ?, ?, ?) "+
			"ON CONFLICT (schedule_id, day) DO NOTHING", d.ScheduleID, d.Day.String(), d.At.UTC(), d.By)
		if res.Error != nil {
			return fmt.Errorf("reception day with no visitor: %w", res.Error)
		}
		if added = res.RowsAffected > 0; !added {
			return nil
		}
		return recordAudit(ctx, tx, audit.Entry{At: d.At, ActorID: actorID(by), ActorLabel: by.Label(), Action: "reception.no_visitor",
			Entity: "reception_schedule", EntityID: strconv.FormatInt(d.ScheduleID, 10), After: map[string]any{"day": d.Day.String()}})
	})
	return added, err
}

// NoVisitorDays implements reception.NoVisitorStore.
func (s *ReceptionStore) NoVisitorDays(ctx context.Context, from, to calendar.Date) ([]reception.NoVisitorDay, error) {
	var rows []receptionNoVisitorRow
	if err := s.db.Gorm.WithContext(ctx).Where("day >= ? AND day <= ?", from.String(), to.String()).Order("day, schedule_id").
		Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("reception days with no visitor: %w", err)
	}
	out := make([]reception.NoVisitorDay, 0, len(rows))
	for _, r := range rows {
		day, _ := calendar.ParseDate(r.Day)
		out = append(out, reception.NoVisitorDay{ScheduleID: r.ScheduleID, Day: day, At: r.CreatedAt.UTC(), By: r.CreatedBy})
	}
	return out, nil
}
