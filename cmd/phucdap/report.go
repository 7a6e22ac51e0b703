package main

import (
	"context"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/web"
)

// startReports builds the KPI service (issue 8) over the deadline engine's
// working-day calendar. It is idempotent, and needs startDeadlines first.
func (a *app) startReports() error {
	if a.reports != nil {
		return nil
	}
	a.reportStore = store.NewReportStore(a.db)
	if a.replica != nil {
		a.reportStore.WithReplica(a.replica)
	}
	svc, err := report.NewService(report.Config{
		Store: a.reportStore, Location: a.cfg.Location, Now: a.clock.Now,
		Calendar: func(ctx context.Context) *calendar.Calendar { return a.deadlines.Engine(ctx).Calendar() },
	})
	if err != nil {
		return err
	}
	a.reports = svc
	return nil
}

// reportPages wires the staff report pages and the public transparency
// page. Exports are written in Vietnamese: the office reports in it.
func (a *app) reportPages(staff *web.Staff, cat *i18n.Catalog) *web.Reports {
	vi := func(id string) string { return cat.T(i18n.VI, id, nil) }
	return &web.Reports{
		Staff: staff, Service: a.reports, Publications: a.reportStore, Snapshots: a.reportStore,
		Exporter: &report.Exporter{Service: a.reports, Store: a.reportStore, T: vi, Log: a.log, Timeout: time.Hour,
			Meta: report.XLSXMeta{Agency: a.cfg.AgencyName, Place: "Lạng Sơn"}},
		Hotline: web.Hotline{Phone: a.cfg.Transparency.Hotline, Note: a.cfg.Transparency.HotlineNote},
	}
}

// reportSnapshot is the nightly kpi-snapshot job: it rolls the closed days
// up and records the month to date by unit (report.Service.TakeSnapshot),
// the one KPI system (issue 12 removed the second, kpi_snapshots).
func (a *app) reportSnapshot(ctx context.Context, now time.Time) (jobs.Counts, error) {
	if err := a.startReports(); err != nil {
		return nil, err
	}
	kpi, err := a.reports.TakeSnapshot(ctx, a.reportStore, now)
	counts := jobs.Counts{}
	for k, v := range kpi {
		counts["kpi_"+k] = v
	}
	return counts, err
}

// recomputeClocks is the recompute-clocks job (issue 12): when a calendar
// or rule change is pending (store.RequestRecompute), it reloads the
// deadline engine, which another replica may have changed, and computes
// the running clocks again in batches.
func (a *app) recomputeClocks(ctx context.Context, now time.Time) (jobs.Counts, error) {
	st := store.NewRecomputeStore(a.db)
	if _, pending, err := st.PendingRecompute(ctx); err != nil || !pending {
		return jobs.Counts{}, err
	}
	if err := a.deadlines.Reload(ctx); err != nil {
		return nil, err
	}
	c, err := petition.RecomputeOpenClocks(ctx, st, a.deadlines.Engine(ctx), now, petition.RecomputeBatchSize)
	return jobs.Counts(c), err
}
