package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/caseclock"
)

// ErrClockNotFound is returned for an unknown clock or one not in the state
// the change needs.
var ErrClockNotFound = errors.New("clock not found")

// OpenClock inserts a running clock and returns its id.
func (s *ClockStore) OpenClock(ctx context.Context, n caseclock.New) (int64, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		id, err = OpenClockTx(tx, n)
		return err
	})
	return id, err
}

// OpenClockTx inserts a running clock in the caller's transaction, so the
// workflow can open a clock with the act that starts it.
func OpenClockTx(tx *gorm.DB, n caseclock.New) (int64, error) {
	if !n.Kind.Valid() || n.CaseID == 0 || n.Started.IsZero() {
		return 0, fmt.Errorf("open clock: case, kind and start are required (got case %d, kind %q)", n.CaseID, n.Kind)
	}
	now := n.Started.UTC()
	var id int64
	err := tx.Raw("INSERT INTO case_clocks (case_id, kind, rule_id, unit_id, started_at, due_at, state, explanation_vi, explanation_en, created_at, updated_at) "+
		"VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id",
		n.CaseID, string(n.Kind), n.RuleID, nullID(n.UnitID), now, nullTime(n.DueAt), n.ExplanationVI, n.ExplanationEN, now, now).Scan(&id).Error
	if err != nil {
		return 0, fmt.Errorf("open clock: %w", err)
	}
	return id, nil
}

// MeetClock closes an open clock because the awaited act happened at at;
// on_time is frozen here, once: at < due_at.
func (s *ClockStore) MeetClock(ctx context.Context, id int64, at time.Time) error {
	at = at.UTC()
	res := s.db.Gorm.WithContext(ctx).Exec("UPDATE case_clocks SET state = 'met', closed_at = ?, "+
		"on_time = "+caseclock.OnTimeAtSQL("?")+", updated_at = ? "+
		"WHERE id = ? AND state = 'open'", at, at, at, id)
	if res.Error != nil {
		return fmt.Errorf("meet clock: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrClockNotFound
	}
	return nil
}

type clockRow struct {
	ID            int64
	CaseID        int64
	Kind          string
	RuleID        string
	UnitID        *int64
	StartedAt     time.Time
	DueAt         *time.Time
	State         string
	ClosedAt      *time.Time
	OnTime        *bool
	LateFlaggedAt *time.Time
	EscalatedAt   *time.Time
	Extensions    int
	Uncomputed    string
}

// clockCols are clockRow's columns, in its order.
const clockCols = "id, case_id, kind, rule_id, unit_id, started_at, due_at, state, closed_at, on_time, late_flagged_at, " +
	"escalated_at, extensions, uncomputed"

// clock is the row as the domain's clock, its times in UTC.
func (r clockRow) clock() caseclock.Clock {
	return caseclock.Clock{ID: r.ID, CaseID: r.CaseID, Kind: caseclock.Kind(r.Kind), RuleID: r.RuleID, UnitID: deref64(r.UnitID),
		StartedAt: r.StartedAt.UTC(), DueAt: utcPtr(r.DueAt), State: caseclock.State(r.State), ClosedAt: utcPtr(r.ClosedAt),
		OnTime: r.OnTime, LateFlaggedAt: utcPtr(r.LateFlaggedAt), EscalatedAt: utcPtr(r.EscalatedAt), Extensions: r.Extensions,
		Uncomputed: r.Uncomputed}
}

// ClocksOfCase returns the clocks of a case, oldest first.
func (s *ClockStore) ClocksOfCase(ctx context.Context, caseID int64) ([]caseclock.Clock, error) {
	var rows []clockRow
	err := s.db.Gorm.WithContext(ctx).Raw("SELECT "+clockCols+" FROM case_clocks WHERE case_id = ? ORDER BY id", caseID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("clocks of case: %w", err)
	}
	out := make([]caseclock.Clock, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.clock())
	}
	return out, nil
}
