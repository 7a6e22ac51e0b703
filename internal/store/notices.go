package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/petition"
)

// SetNoticesOff turns the case's notifications off or on again
// (case_notice_optouts, 00028), with its audit entry; off also drops the
// case's citizen notifications still pending in the outbox.
func (s *PetitionStore) SetNoticesOff(ctx context.Context, caseID int64, off bool, via string, at time.Time) (bool, error) {
	at = at.UTC()
	changed := false
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var res *gorm.DB
		if off {
			res = tx.Exec("INSERT INTO case_notice_optouts (case_id, via, opted_out_at) VALUES (?, ?, ?) ON CONFLICT (case_id) DO NOTHING", caseID, via, at)
		} else {
			res = tx.Exec("DELETE FROM case_notice_optouts WHERE case_id = ?", caseID)
		}
		if res.Error != nil {
			return fmt.Errorf("notices off: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		changed = true
		if off {
			if err := tx.Exec("DELETE FROM outbox WHERE state = 'pending' AND alert_id IN (SELECT id FROM alerts WHERE case_id = ? AND kind LIKE ?)",
				caseID, alert.KindCitizen+"%").Error; err != nil {
				return fmt.Errorf("notices off: drop pending: %w", err)
			}
		}
		e := audit.Entry{At: at, ActorLabel: "petitioner", Action: "case.notices_on", Entity: "case", EntityID: strconv.FormatInt(caseID, 10),
			Before: map[string]any{"notices": "off"}, After: map[string]any{"notices": "on"}}
		if off {
			e.Action, e.Before, e.After = "case.notices_off", map[string]any{"notices": "on"}, map[string]any{"notices": "off", "via": via}
		}
		return recordAudit(ctx, tx, e)
	})
	return changed, err
}

// noticeKindsSQL is petition.NoticeEvents as an SQL list, written as the
// partial index case_events_to_notice (00028) writes it, so that the pick
// below uses that index: its cost is the events not yet told, not the
// table.
var noticeKindsSQL = func() string {
	q := make([]string, len(petition.NoticeEvents))
	for i, k := range petition.NoticeEvents {
		q[i] = "'" + string(k) + "'"
	}
	return "(" + strings.Join(q, ", ") + ")"
}()

// QueueNotices marks a batch of events the citizen is told of as noticed
// and writes plan's alerts with their deliveries, in one transaction. It
// reads whether the petitioner gave an e-mail or a phone, never the values.
func (s *AlertStore) QueueNotices(ctx context.Context, now time.Time, limit int, plan alert.NoticePlanner) (events, alerts, deliveries int, err error) {
	now = now.UTC()
	from := "case_events"
	if s.db.Dialect == SQLite {
		// Without statistics SQLite's planner takes case_events_kind_at and
		// reads every "received" event ever recorded, each minute.
		from += " INDEXED BY case_events_to_notice"
	}
	q := pickThenUpdate("case_events",
		"SELECT id FROM "+from+" WHERE noticed_at IS NULL AND kind IN "+noticeKindsSQL+" ORDER BY id LIMIT ?"+s.skipLocked(),
		"noticed_at = ?",
		"noticed_at IS NULL",
		"id, case_id, kind, note, due_at, created_at")
	type event struct {
		ID        int64
		CaseID    int64
		Kind      string
		Note      string
		DueAt     *time.Time
		CreatedAt time.Time
	}
	return queueBatch(ctx, s.db, now, limit, "events to notice", q, func(tx *gorm.DB, rows []event) ([]alert.CaseNotice, error) {
		ids := make([]int64, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.CaseID)
		}
		var cases []struct {
			ID       int64
			Code     string
			Kind     string
			Lang     string
			Sealed   bool
			DueAt    *time.Time
			HasEmail bool
			HasPhone bool
			OptedOut bool
			Receipt  bool
		}
		if err := tx.Raw("SELECT c.id, c.code, c.kind, c.lang, c.identity_sealed AS sealed, c.due_at, "+
			"COALESCE(i.email, '') <> '' AS has_email, COALESCE(i.phone, '') <> '' AS has_phone, "+
			"EXISTS (SELECT 1 FROM case_notice_optouts o WHERE o.case_id = c.id) AS opted_out, "+
			"EXISTS (SELECT 1 FROM case_mail_queue m WHERE m.case_id = c.id) AS receipt "+
			"FROM cases c LEFT JOIN case_identities i ON i.case_id = c.id WHERE c.id IN ?", ids).Scan(&cases).Error; err != nil {
			return nil, fmt.Errorf("cases to notice: %w", err)
		}
		byID := make(map[int64]int, len(cases))
		for i, c := range cases {
			byID[c.ID] = i
		}
		notices := make([]alert.CaseNotice, 0, len(rows))
		for _, r := range rows {
			i, ok := byID[r.CaseID]
			if !ok {
				continue
			}
			c := cases[i]
			n := alert.CaseNotice{EventID: r.ID, Event: r.Kind, At: r.CreatedAt.UTC(), CaseID: c.ID, CaseCode: c.Code, CaseKind: c.Kind,
				Lang: c.Lang, Sealed: c.Sealed, Note: r.Note, HasEmail: c.HasEmail, HasPhone: c.HasPhone, OptedOut: c.OptedOut, Receipt: c.Receipt}
			switch petition.EventKind(r.Kind) {
			case petition.EventLate:
				f := petition.ParseNote(petition.EventLate, r.Note)
				n.Note, n.ClockKind, n.DueAt = "", f.Clock, f.Due
			case petition.EventExtended:
				if r.DueAt != nil {
					n.DueAt = r.DueAt.UTC()
				}
			default:
				if c.DueAt != nil {
					n.DueAt = c.DueAt.UTC()
				}
			}
			notices = append(notices, n)
		}
		return notices, nil
	}, plan)
}

// queueBatch marks a batch with pick (a pickThenUpdate statement that takes
// the limit and now and returns rows of R), reads what the planner needs
// of the marked rows (facts), and writes plan's alerts with their
// deliveries, all in one transaction; what names the batch in errors.
func queueBatch[R, N any](ctx context.Context, db *DB, now time.Time, limit int, what, pick string,
	facts func(tx *gorm.DB, rows []R) ([]N, error), plan func([]N) []alert.NewAlert) (marked, alerts, deliveries int, err error) {
	err = db.Tx(ctx, func(tx *gorm.DB) error {
		marked, alerts, deliveries = 0, 0, 0
		var rows []R
		if err := tx.Raw(pick, max(limit, 1), now).Scan(&rows).Error; err != nil {
			return fmt.Errorf("pick %s: %w", what, err)
		}
		if len(rows) == 0 {
			return nil
		}
		marked = len(rows)
		list, err := facts(tx, rows)
		if err != nil || plan == nil {
			return err
		}
		alerts, deliveries, err = insertAlerts(tx, plan(list), now)
		return err
	})
	return marked, alerts, deliveries, err
}
