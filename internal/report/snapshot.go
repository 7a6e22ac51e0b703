package report

import (
	"context"
	"fmt"
	"time"

	"github.com/phucdap/phucdap/internal/fault"
)

// Snapshot is the night's record of the KPIs (job kpi-snapshot): the month
// to date by unit and for the department, with the present state, as they
// stood when it was taken. Live reports recount from the frozen facts; the
// snapshot keeps what was shown, day by day.
type Snapshot struct {
	Day     string // the business date it was taken on, YYYY-MM-DD
	Period  string // the month counted, YYYY-MM
	TakenAt time.Time
	Rows    []SnapshotRow
}

// SnapshotRow is one slice of a snapshot: Slice "total" (Key "") or "unit"
// (Key the unit id, "" for none).
type SnapshotRow struct {
	Slice string
	Key   string
	Counts
	LateNow int64
	DueSoon int64
	OpenNow int64
}

// Total is the department's row.
func (s Snapshot) Total() SnapshotRow {
	for _, r := range s.Rows {
		if r.Slice == "total" {
			return r
		}
	}
	return SnapshotRow{}
}

// SnapshotStore keeps the nightly snapshots.
type SnapshotStore interface {
	SaveSnapshot(ctx context.Context, s Snapshot) error
	// LastSnapshot returns the latest one, or ErrNoSnapshot.
	LastSnapshot(ctx context.Context) (Snapshot, error)
}

// ErrNoSnapshot says no snapshot was taken yet.
var ErrNoSnapshot = fault.New(fault.NotFound, "report.no_snapshot")

// TakeSnapshot is the nightly KPI job's work: it rolls the
// closed days up (so that reports read past answers from the rollup), then
// stores this month's figures to date, by unit and in total, with the
// present state. It is idempotent: a second run the same day replaces the
// first. It returns the job's counts.
//
// now is the job's instant ("jobs run kpi-snapshot --at" may replay one).
func (s *Service) TakeSnapshot(ctx context.Context, ss SnapshotStore, now time.Time) (map[string]int, error) {
	s = s.at(now)
	rolled, err := s.Rollup(ctx)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	month := MonthOf(today)
	month.To = today
	rep, err := s.Report(ctx, Query{Period: month, By: ByUnit})
	if err != nil {
		return nil, err
	}
	pres, err := s.Present(ctx, ByUnit, nil)
	if err != nil {
		return nil, err
	}
	snap := Snapshot{Day: today.String(), Period: fmt.Sprintf("%04d-%02d", today.Year, int(today.Month)), TakenAt: now}
	present := map[string]PresentRow{}
	for _, p := range pres.Rows {
		present[p.Key] = p
	}
	snap.Rows = append(snap.Rows, SnapshotRow{Slice: "total", Counts: rep.Total.Counts,
		LateNow: pres.Total.LateNow, DueSoon: pres.Total.DueSoon, OpenNow: pres.Total.OpenNow})
	for _, r := range rep.Rows {
		p := present[r.Key]
		snap.Rows = append(snap.Rows, SnapshotRow{Slice: "unit", Key: r.Key, Counts: r.Counts, LateNow: p.LateNow, DueSoon: p.DueSoon, OpenNow: p.OpenNow})
	}
	if err := ss.SaveSnapshot(ctx, snap); err != nil {
		return nil, err
	}
	t := rep.Total
	return map[string]int{"rolled_days": rolled, "units": len(rep.Rows), "received": int(t.Received), "answered_on_time": int(t.AnsweredOnTime),
		"answered_late": int(t.AnsweredLate), "open_late": int(t.OpenLate), "late_now": int(pres.Total.LateNow), "due_soon": int(pres.Total.DueSoon)}, nil
}
