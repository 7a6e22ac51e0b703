package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/calendar"
)

// QueueVisitRatings implements alert.Store: the reception sessions not yet
// told (reception_sessions_to_notice, 00035) are marked and their ledger
// rows written in one transaction. It reads whether the visitor gave a
// phone (on the session, or in a sealed session's case), never the phone.
func (s *AlertStore) QueueVisitRatings(ctx context.Context, now time.Time, limit int, plan alert.SessionPlanner) (sessions, alerts, deliveries int, err error) {
	now = now.UTC()
	q := pickThenUpdate("reception_sessions",
		"SELECT id FROM reception_sessions WHERE noticed_at IS NULL ORDER BY id LIMIT ?"+s.skipLocked(),
		"noticed_at = ?", "noticed_at IS NULL", "id")
	return queueBatch(ctx, s.db, now, limit, "sessions to tell", q, func(tx *gorm.DB, picked []struct{ ID int64 }) ([]alert.SessionNotice, error) {
		ids := make([]int64, 0, len(picked))
		for _, p := range picked {
			ids = append(ids, p.ID)
		}
		var rows []struct {
			ID       int64
			Day      string
			HasPhone bool
			OptedOut bool
			Rated    bool
		}
		if err := tx.Raw("SELECT s.id, s.day, (s.phone <> '' OR COALESCE(i.phone, '') <> '') AS has_phone, "+
			"EXISTS (SELECT 1 FROM case_notice_optouts o WHERE o.case_id = s.case_id) AS opted_out, "+
			"EXISTS (SELECT 1 FROM reception_ratings r WHERE r.session_id = s.id) AS rated "+
			"FROM reception_sessions s LEFT JOIN case_identities i ON i.case_id = s.case_id WHERE s.id IN ? ORDER BY s.id", ids).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("sessions to tell: %w", err)
		}
		list := make([]alert.SessionNotice, 0, len(rows))
		for _, r := range rows {
			day, _ := calendar.ParseDate(r.Day)
			list = append(list, alert.SessionNotice{SessionID: r.ID, Day: day, HasPhone: r.HasPhone, OptedOut: r.OptedOut, Rated: r.Rated})
		}
		return list, nil
	}, plan)
}
