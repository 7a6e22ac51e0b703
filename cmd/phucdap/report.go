package main

import (
	"context"
	"time"

	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
)

// kpiSnapshot is the nightly kpi-snapshot job: it rolls the closed days up
// and records the month to date by unit (report.Service.TakeSnapshot), the
// one KPI system.
func kpiSnapshot(reports *report.Service, st *store.ReportStore) jobs.Func {
	return func(ctx context.Context, now time.Time) (jobs.Counts, error) {
		kpi, err := reports.TakeSnapshot(ctx, st, now)
		counts := jobs.Counts{}
		for k, v := range kpi {
			counts["kpi_"+k] = v
		}
		return counts, err
	}
}

// recomputeClocks is the recompute-clocks job: when a calendar or rule
// change is pending (store.RequestRecompute), it reloads the deadline
// engine, which another replica may have changed, and computes the running
// clocks again in batches.
func recomputeClocks(st *store.RecomputeStore, deadlines *deadline.Service) jobs.Func {
	return func(ctx context.Context, now time.Time) (jobs.Counts, error) {
		if _, pending, err := st.PendingRecompute(ctx); err != nil || !pending {
			return jobs.Counts{}, err
		}
		if err := deadlines.Reload(ctx); err != nil {
			return nil, err
		}
		c, err := petition.RecomputeOpenClocks(ctx, st, deadlines.Engine(ctx), now, petition.RecomputeBatchSize)
		return jobs.Counts(c), err
	}
}
