package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/phucdap/phucdap/api"
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
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewDBStatsCollector(a.db.SQL, "phucdap"))
	prod := a.cfg.Env == "production"
	pages := &web.Pages{Plans: a.plans, Units: a.units, Catalog: cat, AgencyName: a.cfg.AgencyName, Logger: a.log, Production: prod}
	if err := pages.Init(); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	e := server.New(server.Options{
		Logger: a.log, Catalog: cat, BodyLimit: a.cfg.HTTP.BodyLimit, Production: prod,
		Registry: reg, HTMLErrors: pages.RenderError,
		Ready: func(ctx context.Context) error {
			if err := a.db.SQL.PingContext(ctx); err != nil {
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
	httpapi.Mount(e, &httpapi.API{Plans: a.plans, Units: a.units}, api.Spec)
	pages.Mount(e)
	return e, nil
}
