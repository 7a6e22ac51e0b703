package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/petition"
)

// RequestRecompute records, in the caller's transaction, that the running
// clocks must be computed again because of reason (who changed what):
// every change of the calendar or the rules calls it with the change, so
// the request commits or rolls back with it. The recompute-clocks job
// does the work.
func RequestRecompute(tx *gorm.DB, reason, by string, now time.Time) error {
	if err := tx.Exec("INSERT INTO clock_recomputes (reason, requested_by, requested_at) VALUES (?, ?, ?)",
		reason, by, now.UTC()).Error; err != nil {
		return fmt.Errorf("request recompute: %w", err)
	}
	return nil
}

// PendingRecompute implements petition.RecomputeStore.
func (s *RecomputeStore) PendingRecompute(ctx context.Context) (petition.RecomputeRequest, bool, error) {
	var rows []struct {
		ID          int64
		Reason      string
		LastClockID int64
	}
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT id, reason, last_clock_id FROM clock_recomputes WHERE done_at IS NULL ORDER BY id DESC LIMIT 1").
		Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return petition.RecomputeRequest{}, false, err
	}
	return petition.RecomputeRequest{ID: rows[0].ID, Reason: rows[0].Reason, LastClockID: rows[0].LastClockID}, true, nil
}

// OpenClockSpecs implements petition.RecomputeStore.
func (s *RecomputeStore) OpenClockSpecs(ctx context.Context, after int64, limit int) ([]petition.OpenClockSpec, error) {
	var rows []struct {
		ID        int64
		CaseID    int64
		Kind      string
		UnitID    *int64
		DueAt     *time.Time
		Clock     string
		CaseDueAt *time.Time
		StartedAt time.Time
		LeadClock *string
	}
	// A contribution clock carries its case's running main clock (the
	// lead's), whose due time it follows.
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT k.id, k.case_id, k.kind, k.unit_id, k.due_at, k.clock, c.due_at AS case_due_at, k.started_at, "+
		"CASE WHEN k.kind = 'contribution' THEN (SELECT m.clock FROM case_clocks m WHERE m.case_id = k.case_id AND m.state = 'open' "+
		"AND m.kind IN ('process', 'accept', 'answer') ORDER BY m.id LIMIT 1) END AS lead_clock "+
		"FROM case_clocks k JOIN cases c ON c.id = k.case_id WHERE k.state = 'open' AND k.id > ? ORDER BY k.id LIMIT ?", after, limit).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("open clock specs: %w", err)
	}
	out := make([]petition.OpenClockSpec, len(rows))
	for i, r := range rows {
		out[i] = petition.OpenClockSpec{ID: r.ID, CaseID: r.CaseID, Kind: caseclock.Kind(r.Kind), DueAt: utcPtr(r.DueAt), Spec: r.Clock,
			CaseDueAt: utcPtr(r.CaseDueAt), Started: r.StartedAt.UTC()}
		if r.UnitID != nil {
			out[i].UnitID = *r.UnitID
		}
		if r.LeadClock != nil {
			out[i].LeadSpec = *r.LeadClock
		}
	}
	return out, nil
}

// recomputeChunk bounds the rows of one UPDATE … FROM (VALUES …).
const recomputeChunk = 500

// ApplyRecompute implements petition.RecomputeStore: one transaction per
// batch, set-based (one UPDATE per table per chunk).
func (s *RecomputeStore) ApplyRecompute(ctx context.Context, b petition.RecomputeBatch, now time.Time) error {
	now = now.UTC()
	pg := s.db.Dialect == Postgres
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		for start := 0; start < len(b.Moves); start += recomputeChunk {
			chunk := b.Moves[start:min(start+recomputeChunk, len(b.Moves))]
			var vals []string
			var args []any
			var cases []string
			var caseArgs []any
			var events [][]any
			for _, m := range chunk {
				if pg {
					vals = append(vals, "(CAST(? AS BIGINT), CAST(? AS TIMESTAMPTZ), CAST(? AS TEXT), CAST(? AS TEXT))")
				} else {
					vals = append(vals, "(?, ?, ?, ?)")
				}
				args = append(args, m.ClockID, m.After.UTC(), m.ExplanationVI, m.ExplanationEN)
				if m.CaseDue {
					if pg {
						cases = append(cases, "(CAST(? AS BIGINT), CAST(? AS TIMESTAMPTZ), CAST(? AS TEXT), CAST(? AS TEXT))")
					} else {
						cases = append(cases, "(?, ?, ?, ?)")
					}
					caseArgs = append(caseArgs, m.CaseID, m.After.UTC(), m.ExplanationVI, m.ExplanationEN)
				}
				e := m.Event
				var due any
				if e.DueAt != nil {
					due = e.DueAt.UTC()
				}
				events = append(events, []any{m.CaseID, string(e.Kind), e.Public, e.Actor, nullID(e.UnitID), e.Note, due, now})
			}
			alias := " AS v"
			if pg {
				alias = " AS v(column1, column2, column3, column4)"
			}
			// A moved due time clears the late and escalated marks: the
			// sweep and the ladder re-arm for the new due time (the alert
			// ledger's key holds the due time, so the new alerts are new).
			// A clock already marked late whose new due time has passed too
			// keeps its mark: it is the same lateness, which the citizen
			// was told of once (the late notice) and is not told again.
			if err := tx.Exec("UPDATE case_clocks SET due_at = v.column2, explanation_vi = v.column3, explanation_en = v.column4, "+
				"late_flagged_at = CASE WHEN "+caseclock.DueExprBySQL("v.column2", "?")+" THEN case_clocks.late_flagged_at END, "+
				"escalated_at = NULL, uncomputed = '', updated_at = ? FROM (VALUES "+strings.Join(vals, ", ")+")"+alias+
				" WHERE case_clocks.id = v.column1 AND case_clocks.state = 'open'", append([]any{now, now}, args...)...).Error; err != nil {
				return fmt.Errorf("move due times: %w", err)
			}
			if len(cases) > 0 {
				if err := tx.Exec("UPDATE cases SET due_at = v.column2, due_explanation_vi = v.column3, due_explanation_en = v.column4, "+
					"updated_at = ? FROM (VALUES "+strings.Join(cases, ", ")+")"+alias+" WHERE cases.id = v.column1",
					append([]any{now}, caseArgs...)...).Error; err != nil {
					return fmt.Errorf("move case due dates: %w", err)
				}
			}
			if err := insertRows(tx, "case_events", []string{"case_id", "kind", "public", "actor", "unit_id", "note", "due_at", "created_at"},
				events, "", nil); err != nil {
				return fmt.Errorf("due moved events: %w", err)
			}
		}
		if err := tx.Exec("UPDATE clock_recomputes SET last_clock_id = ?, checked = checked + ?, moved = moved + ?, failed = failed + ? WHERE id = ?",
			b.Last, b.Checked, len(b.Moves), b.Failed, b.Request.ID).Error; err != nil {
			return fmt.Errorf("recompute checkpoint: %w", err)
		}
		if b.Done {
			if err := tx.Exec("UPDATE clock_recomputes SET done_at = ? WHERE id <= ? AND done_at IS NULL", now, b.Request.ID).Error; err != nil {
				return fmt.Errorf("recompute done: %w", err)
			}
		}
		return nil
	})
}
