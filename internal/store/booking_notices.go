package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/reception"
)

// bookingPicked is a reception booking as its messages see it: no name,
// phone or address, only whether an address was given.
type bookingPicked struct {
	ID         int64
	Code       string
	ScheduleID int64
	Day        string
	Email      string
	Lang       string
}

// QueueBookings implements alert.Store: the bookings not yet confirmed
// (reception_bookings_to_notice, 00033) and not cancelled are marked and their ledger rows
// written in one transaction.
func (s *AlertStore) QueueBookings(ctx context.Context, now time.Time, limit int, plan alert.BookingPlanner) (bookings, alerts, deliveries int, err error) {
	q := pickThenUpdate("reception_bookings",
		"SELECT id FROM reception_bookings WHERE noticed_at IS NULL AND cancelled_at IS NULL ORDER BY id LIMIT ?"+s.skipLocked(),
		"noticed_at = ?", "noticed_at IS NULL", "id, code, schedule_id, day, email, lang")
	return s.markBookings(ctx, now, nil, plan, q, max(limit, 1), now.UTC())
}

// RemindBookings implements alert.Store: the bookings of day made before
// createdBefore and not yet reminded are marked and their ledger rows
// written in one transaction. A booking the citizen cancelled, a day
// cancelled or moved away since, or a schedule no longer published, is
// left alone; so is a day that is no longer one of its schedule's days
// (by cal): marked, never reminded.
func (s *AlertStore) RemindBookings(ctx context.Context, now time.Time, day calendar.Date, createdBefore time.Time, limit int,
	cal *calendar.Calendar, plan alert.BookingPlanner) (bookings, alerts, deliveries int, err error) {
	lock := ""
	if s.db.Dialect == Postgres {
		lock = " FOR UPDATE OF b SKIP LOCKED"
	}
	q := pickThenUpdate("reception_bookings",
		"SELECT b.id FROM reception_bookings b JOIN reception_schedules sc ON sc.id = b.schedule_id "+
			"WHERE b.day = ? AND b.reminded_at IS NULL AND b.cancelled_at IS NULL AND b.created_at < ? AND sc.active "+
			"AND NOT EXISTS (SELECT 1 FROM reception_changes x WHERE x.schedule_id = b.schedule_id AND x.day = b.day "+
			"AND (x.cancelled OR x.moved_to <> b.day)) ORDER BY b.id LIMIT ?"+lock,
		"reminded_at = ?", "reminded_at IS NULL", "id, code, schedule_id, day, email, lang")
	return s.markBookings(ctx, now, cal, plan, q, day.String(), createdBefore.UTC(), max(limit, 1), now.UTC())
}

// markBookings marks the bookings q picks and plans their messages. With
// cal, a booking's day must still be one of its schedule's days, its
// changes applied: a schedule edited since the booking gives no message
// for a day nobody receives.
func (s *AlertStore) markBookings(ctx context.Context, now time.Time, cal *calendar.Calendar, plan alert.BookingPlanner, q string,
	args ...any) (bookings, alerts, deliveries int, err error) {
	now = now.UTC()
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		bookings, alerts, deliveries = 0, 0, 0
		var rows []bookingPicked
		if err := tx.Raw(q, args...).Scan(&rows).Error; err != nil {
			return fmt.Errorf("pick bookings: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		bookings = len(rows)
		ids := make([]int64, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.ScheduleID)
		}
		var scs []receptionScheduleRow
		if err := tx.Where("id IN ?", ids).Find(&scs).Error; err != nil {
			return fmt.Errorf("bookings' schedules: %w", err)
		}
		byID := make(map[int64]receptionScheduleRow, len(scs))
		for _, sc := range scs {
			byID[sc.ID] = sc
		}
		var changes []reception.Change
		if cal != nil {
			var cs []receptionChangeRow
			if err := tx.Where("schedule_id IN ?", ids).Find(&cs).Error; err != nil {
				return fmt.Errorf("bookings' changes: %w", err)
			}
			for _, c := range cs {
				changes = append(changes, c.change())
			}
		}
		list := make([]alert.BookingNotice, 0, len(rows))
		for _, r := range rows {
			sc := byID[r.ScheduleID]
			day, _ := calendar.ParseDate(r.Day)
			if cal != nil && !heldOn(sc.schedule(), cal, day, changes) {
				continue
			}
			list = append(list, alert.BookingNotice{BookingID: r.ID, Code: r.Code, Day: day, StartMin: sc.StartMin, EndMin: sc.EndMin,
				Host: sc.Host, Place: sc.Place, OnlineURL: sc.OnlineURL, Lang: r.Lang, HasEmail: r.Email != ""})
		}
		if plan == nil {
			return nil
		}
		var err error
		alerts, deliveries, err = insertAlerts(tx, plan(list), now)
		return err
	})
	return bookings, alerts, deliveries, err
}

// heldOn reports whether day is one of sc's days, with its changes
// applied, and not cancelled.
func heldOn(sc reception.Schedule, cal *calendar.Calendar, day calendar.Date, changes []reception.Change) bool {
	for _, o := range sc.Occurrences(cal, day, day, changes) {
		if !o.Cancelled && o.Day == day {
			return true
		}
	}
	return false
}
