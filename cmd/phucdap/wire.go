package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/phucdap/phucdap/api"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/server"
	"github.com/phucdap/phucdap/internal/web"
)

// handler wires the HTTP edge over the app's services: the JSON API, the
// HTML pages, health and metrics. serve and the tests use the same wiring.
func (a *app) handler() (http.Handler, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	// The jobs page and the alert inbox need the scheduler; serve has built
	// it already, tests get it here.
	if err := a.startAlerts(context.Background()); err != nil {
		return nil, err
	}
	if err := a.startReports(); err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewDBStatsCollector(a.db.SQL, "phucdap"))
	var readyDetails func() map[string]any
	if r := a.replica; r != nil {
		ctx, cancel := context.WithCancel(context.Background())
		a.stopReplica = cancel
		go r.Run(ctx, min(time.Second, a.cfg.Database.MaxLag/3))
		reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "phucdap_read_replica_lag_seconds",
				Help: "How far the read replica's replay is behind the primary; -1 when it cannot be reached."},
				func() float64 { lag, _ := r.Status(); return lag }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "phucdap_read_replica_in_use",
				Help: "1 when report reads go to the replica, 0 when they fall back to the primary."},
				func() float64 {
					if _, in := r.Status(); in {
						return 1
					}
					return 0
				}))
		for _, where := range []string{"replica", "primary"} {
			reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "phucdap_report_reads_total",
				Help: "Report reads by the database that served them.", ConstLabels: prometheus.Labels{"db": where}},
				func() float64 { return float64(r.Served()[where]) }))
		}
		readyDetails = func() map[string]any {
			lag, in := r.Status()
			return map[string]any{"read_replica": map[string]any{"in_use": in, "lag_seconds": lag, "max_lag_seconds": a.cfg.Database.MaxLag.Seconds()}}
		}
	}
	prod := a.cfg.Env == "production"
	pages := &web.Pages{Plans: a.plans, Units: a.units, Catalog: cat, AgencyName: a.cfg.AgencyName, Logger: a.log, Production: prod,
		Deadlines: a.deadlines, Tables: a.deadlineStore}
	pages.Intake = a.webIntake()
	if err := pages.Init(); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	// Sessions and tokens become an actor on every request; routes guard
	// themselves with access.Can (see internal/access/accesshttp).
	a.cases.UseFiles(a.intake.files)
	auth := &accesshttp.Auth{Service: a.accounts, Log: a.log, Secure: prod, Cases: a.cases}
	e := server.New(server.Options{
		Logger: a.log, Catalog: cat, BodyLimit: a.cfg.HTTP.BodyLimit, Production: prod,
		Registry: reg, HTMLErrors: pages.RenderError, ReadyDetails: readyDetails,
		TrustedProxies: a.cfg.HTTP.TrustedNets, MetricsToken: a.cfg.Metrics.Token, MetricsElsewhere: a.cfg.Metrics.Listen != "",
		Ready: func(ctx context.Context) error {
			if err := a.db.Ping(ctx); err != nil {
				return fmt.Errorf("database unreachable: %w", err)
			}
			pending, err := a.db.Pending(ctx)
			if err != nil {
				return err
			}
			if pending {
				return errors.New("migrations pending")
			}
			return nil
		},
	})
	a.metrics = server.MetricsHandler(reg, a.cfg.Metrics.Token)
	e.Use(auth.Middleware())
	schemas, err := httpapi.LoadSchemas(api.Spec)
	if err != nil {
		return nil, err
	}
	e.Use(httpapi.ClientIP, httpapi.JSONGuard(schemas))
	httpapi.Mount(e, &httpapi.API{
		Plans: a.plans, Units: a.units,
		Deadlines: httpapi.Deadlines{Service: a.deadlines, Tables: a.deadlineStore, Overrides: a.deadlineStore, Rules: a.deadlineStore},
		Accounts:  a.accounts, Cases: a.cases, Trail: a.trail, Now: a.clock.Now, DueSoon: a.cfg.Auth.DueSoon,
		Petitions: &httpapi.Intake{Service: a.intake.service, Files: a.intake.files, Catalog: cat, Location: a.cfg.Location},
		Jobs:      httpapi.Jobs{Scheduler: a.scheduler, Alerts: a.alertStore, Now: a.clock.Now},
		Workflow:  a.workflow,
		Reports:   &httpapi.Reports{Service: a.reports, Catalog: cat, AgencyName: a.cfg.AgencyName},
	}, api.Spec)
	pages.Require = auth.Require
	pages.Mount(e)
	staff := &web.Staff{Pages: pages, Auth: auth, Accounts: a.accounts, Cases: a.cases, Trail: a.trail, Units: a.units,
		Now: a.clock.Now, Location: a.cfg.Location, DueSoon: a.cfg.Auth.DueSoon, Workflow: a.workflow}
	staff.Mount(e)
	alertPages := a.alertPages(staff)
	alertPages.Mount(e)
	a.reportPages(staff, cat).Mount(e)
	pages.Bell = alertPages.BellCount
	return e, nil
}
