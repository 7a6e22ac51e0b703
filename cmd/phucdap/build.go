package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/phucdap/phucdap/api"
	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/filestore"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/plan"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/server"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/web"
)

// app is every service of phucdap, built once and complete by build: no
// field is nil (but replica, which is configured or not) and none is set
// after build returns. Start starts the background work; Close stops it in
// reverse order and closes the database.
type app struct {
	cfg   *config.Config
	log   *slog.Logger
	clock platform.Clock
	db    *store.DB
	// replica is the read replica of the reports, nil unless
	// database.read_url is set.
	replica *store.ReadReplica

	units *store.UnitStore
	// directory is the office's edit of the units (page, API, CLI).
	directory *org.Service
	plans     *plan.Catalog

	deadlineStore *store.DeadlineStore
	deadlines     *deadline.Service

	intake *intake

	accounts *access.Service
	cases    *access.Cases
	trail    *audit.Trail

	workflow *petition.Workflow

	// reception is citizen reception: the schedule and its changes.
	reception *reception.Service

	reportStore *store.ReportStore
	reports     *report.Service

	alertStore *store.AlertStore
	alerts     *alert.Service
	scheduler  *jobs.Scheduler

	// handler is the HTTP edge: the JSON API, the HTML pages, health and
	// metrics. metrics is the Prometheus handler alone, which serve puts on
	// its own listener when metrics.listen is set.
	handler http.Handler
	metrics http.Handler

	// stopReplica ends the replica's health checks that Start began.
	stopReplica context.CancelFunc
}

// build constructs every service over an open, migrated database, each
// once and in dependency order, and the HTTP edge over them. It starts
// nothing: serve calls Start. The only writes are the built-in calendar
// years and statutory rules that are not stored yet, which the deadline
// engine is loaded from.
// apiSchemas are the request-body schemas of the embedded spec, parsed once
// per process: they never change, are only read (as concurrent requests
// read them), and parsing the spec was a fifth of the CPU of a test suite
// that builds hundreds of apps.
var apiSchemas = sync.OnceValues(func() (httpapi.Schemas, error) { return httpapi.LoadSchemas(api.Spec) })

// messageCatalog is the embedded message catalogue, loaded once per process
// for the same reasons: it is only read, as every request reads it.
var messageCatalog = sync.OnceValues(i18n.Load)

func build(ctx context.Context, cfg *config.Config, db *store.DB, clock platform.Clock, log *slog.Logger) (*app, error) {
	a := &app{cfg: cfg, log: log, clock: clock, db: db}
	now := clock.Now

	// The unit directory and the plans.
	a.units = store.NewUnitStore(db, now)
	directory, err := org.NewService(a.units, now)
	if err != nil {
		return nil, err
	}
	a.directory = directory
	a.plans = plan.NewCatalog(store.NewPlanStore(db), now, knownUnits(a.units))

	// The deadline engine, over the stored calendar and rules.
	a.deadlineStore = store.NewDeadlineStore(db)
	if err := storeDeadlineDefaults(ctx, a.deadlineStore, now(), log); err != nil {
		return nil, err
	}
	// Explanations of due times are worded from the message catalogue.
	cat, err := messageCatalog()
	if err != nil {
		return nil, err
	}
	deadlines, err := deadline.NewService(ctx, a.deadlineStore, cfg.Location, now, 30*time.Second, cat)
	if err != nil {
		return nil, fmt.Errorf("deadline engine: %w", err)
	}
	a.deadlines = deadlines

	// Citizen intake: the petition service over its store, attachments on
	// disk under the data directory, first due times from the engine.
	petitions := store.NewPetitionStore(db)
	files := filestore.NewDisk(filepath.Join(cfg.DataDir, "attachments"), now)
	noticeKey := noticeKey(cfg.Notify.LinkKey, cfg.Intake.FormKey)
	if noticeKey == nil {
		if noticeKey, err = db.StoredSecret(ctx, noticeLinksSecret, 32, now()); err != nil {
			return nil, err
		}
	}
	a.intake = &intake{store: petitions, files: files, formKey: formKey(cfg.Intake.FormKey),
		service: petition.NewService(petition.Config{
			Store: petitions, Files: files, Now: now, Log: log, NoticeKey: noticeKey,
			Agency: cfg.Agency, Location: cfg.Location, Limits: intakeLimits(cfg.Intake),
			Due: petition.FirstClocks{Deadlines: a.deadlines},
		})}

	// Staff access: accounts, sessions, tokens; the staff view of cases
	// with the denouncer secrecy; the audit trail's read side.
	a.accounts = access.NewService(store.NewAccountStore(db), now, log, access.Config{
		MinPasswordLength: cfg.Auth.PasswordMinLength, MaxFailures: cfg.Auth.LockoutFailures, LockoutFor: cfg.Auth.LockoutDuration,
		IdleTimeout: cfg.Auth.SessionIdle, AbsoluteTimeout: cfg.Auth.SessionMax,
		IPFailures: cfg.Auth.LoginIPFailures, Limiter: store.NewLimiter(db), Hashing: passwordHashing(cfg.Auth),
	})
	a.cases = access.NewCases(store.NewCaseAccessStore(db), files, now, log)
	a.trail = audit.NewTrail(store.NewAuditStore(db))

	// The KPI reports, read from the replica when one is configured and fit.
	a.reportStore = store.NewReportStore(db)
	if cfg.Database.ReadURL != "" {
		a.replica = store.NewReadReplica(db, store.Options{Dialect: store.Postgres, URL: cfg.Database.ReadURL,
			MaxOpenConns: cfg.DB.MaxOpenConns, MaxIdleConns: cfg.DB.MaxIdleConns}, cfg.Database.MaxLag, log)
		a.reportStore = a.reportStore.WithReplica(a.replica)
	}
	// "Due soon" is one horizon everywhere: the earliest due-soon reminder.
	soonDays := 0
	if len(cfg.Alerts.DueSoonLeads) > 0 {
		soonDays = slices.Max(cfg.Alerts.DueSoonLeads)
	}
	if a.reports, err = report.NewService(report.Config{
		Store: a.reportStore, Location: cfg.Location, Now: now, Calendar: a.deadlines.Calendar, DueSoonDays: soonDays,
		ChaseDays: cfg.Workflow.ChaseDays,
	}); err != nil {
		return nil, err
	}

	// Alerts and the scheduled jobs. The scheduler exists on every
	// replica (manual runs and the jobs page need it); Start starts it only
	// where jobs are enabled.
	a.alertStore = store.NewAlertStore(db)
	ladder, err := alertLadder(cfg)
	if err != nil {
		return nil, err
	}
	// E-mails and exports word due times as the pages do.
	dueText := func(lang string, due time.Time) string { return present.TimeIn(due, cfg.Location, lang, cat) }
	ac := alert.Config{
		Store: a.alertStore, Calendar: a.deadlines.Calendar, Location: cfg.Location, Ladder: ladder, Log: log,
		Webhooks: cfg.Webhook.URLs, Lang: cfg.Alerts.Lang, BaseURL: strings.TrimRight(cfg.BaseURL, "/"), TrackPath: web.PathTrack,
		AgencyName: cfg.AgencyName, BatchSize: cfg.Alerts.BatchSize,
		Retry:       alert.RetryPolicy{MaxAttempts: cfg.Alerts.MaxAttempts, Base: cfg.Alerts.RetryBase, Max: cfg.Alerts.RetryMax},
		SendTimeout: max(cfg.SMTP.Timeout, cfg.Webhook.Timeout),
		DueText:     dueText,
		Texts:       cat,
		// The visitor's rating link after a reception session.
		RatingLink: func(id int64) string {
			return strings.TrimRight(cfg.BaseURL, "/") + web.VisitRatingPath(id, reception.RatingSig(noticeKey, id))
		},
		// The citizen's link that cancels a reception booking.
		BookingCancelLink: func(id int64, lang string) string {
			return strings.TrimRight(cfg.BaseURL, "/") + web.BookingCancelPath(id, reception.BookingSig(noticeKey, id)) + "?lang=" + lang
		},
	}
	// The channels are configured or not: without SMTP or webhooks the
	// alerts stay in-app.
	if cfg.SMTP.Host != "" {
		if ac.Mailer, err = alert.NewSMTPMailer(alert.SMTPConfig{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, TLS: cfg.SMTP.TLS, Auth: cfg.SMTP.Auth,
			Username: cfg.SMTP.Username, Password: cfg.SMTP.Password, From: cfg.SMTP.From, FromName: cfg.SMTP.FromName, Timeout: cfg.SMTP.Timeout}); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}
	if len(cfg.Webhook.URLs) > 0 {
		ac.Hooks = &alert.HTTPWebhook{Secret: cfg.Webhook.Secret, Client: &http.Client{Timeout: cfg.Webhook.Timeout}}
	}
	// The citizen's SMS and Zalo messages: one signed POST to the
	// province's gateway, when configured; the e-mails carry a signed link
	// that turns the case's notifications off.
	if n := cfg.Notify; n.GatewayURL != "" {
		ac.Gateway = &alert.HTTPWebhook{Secret: n.GatewaySecret, Client: &http.Client{Timeout: n.Timeout}}
		ac.GatewayURL, ac.GatewayChannels = n.GatewayURL, n.Channels
		ac.SendTimeout = max(ac.SendTimeout, n.Timeout)
	}
	if base := strings.TrimRight(cfg.BaseURL, "/"); base != "" {
		ac.UnsubscribeLink = func(code, lang string) string {
			return base + web.PathNoticesOff + "?" + url.Values{"code": {code}, "sig": {petition.NoticeSig(noticeKey, code)}, "lang": {lang}}.Encode()
		}
	}
	if a.alerts, err = alert.NewService(ac); err != nil {
		return nil, err
	}

	// The case workflow. Its first clocks come from petition.FirstClock,
	// as intake's do; a chase tells the unit through the alerts.
	if a.workflow, err = petition.NewWorkflow(petition.WorkflowConfig{
		Store: store.NewWorkflowStore(db), Topics: petitions, Units: a.units, Deadlines: a.deadlines,
		Now: now, Log: log, Agency: cfg.Agency, Location: cfg.Location,
		DisputeWindow:        time.Duration(cfg.Intake.DisputeDays) * 24 * time.Hour,
		ContributionLeadDays: cfg.Workflow.ContributionLeadDays,
		Scrubber:             a.cases.Scrubber,
		Chaser:               a.alerts,
		Texts:                cat,
	}); err != nil {
		return nil, err
	}
	receptionStore := store.NewReceptionStore(db)
	if a.reception, err = reception.NewService(reception.Config{Store: receptionStore, Bookings: receptionStore, Cancels: receptionStore, Sessions: receptionStore,
		Cases: receptionCases{workflow: a.workflow, documents: cat.T(i18n.VI, "reception.documents", nil)}, Reports: a.reports, Now: now,
		Location: cfg.Location, Calendar: a.deadlines.Calendar,
		// The booking form is bound as the petition form is, in its own
		// counters.
		Limiter: store.NewLimiter(db), Limits: reception.Limits{PerIPHour: cfg.Intake.PerIPHour, PerIPDay: cfg.Intake.PerIPDay,
			PerPhoneHour: cfg.Intake.PerPhoneHour, PerPhoneDay: cfg.Intake.PerPhoneDay},
		Ratings: receptionStore, LinkKey: noticeKey,
		Confirm: reception.Channels{Email: ac.Mailer != nil, Phone: ac.Gateway != nil}}); err != nil {
		return nil, err
	}
	if a.scheduler, err = jobs.New(jobs.Config{
		Runs: store.NewJobRunStore(db), Now: now, Location: cfg.Location, Replica: cfg.Jobs.Replica, Log: log, Lease: cfg.Jobs.Lease,
		Overrides: jobOverrides(cfg),
		WorkingDay: func(ctx context.Context, t time.Time) bool {
			return deadlines.Calendar(ctx).IsWorkingDay(calendar.DateOf(t, cfg.Location))
		},
	}, registry(a.alerts, kpiSnapshot(a.reports, a.reportStore), recomputeClocks(store.NewRecomputeStore(db), a.deadlines),
		receptionMissed(a.reception, a.alerts), searchIndex(store.NewCaseAccessStore(db)))); err != nil {
		return nil, err
	}

	// The HTTP edge.
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewDBStatsCollector(db.SQL, "phucdap"))
	var readyDetails func() map[string]any
	if a.replica != nil {
		readyDetails = replicaMetrics(reg, a.replica, cfg.Database.MaxLag)
	}
	prod := cfg.Env == "production"
	// Sessions and tokens become an actor on every request; routes guard
	// themselves with access.Can (see internal/access/accesshttp).
	auth, err := accesshttp.NewAuth(accesshttp.Auth{Service: a.accounts, Log: log, Secure: prod, Cases: a.cases})
	if err != nil {
		return nil, err
	}
	tp := cfg.Transparency
	pages, err := web.NewPages(web.Pages{Plans: a.plans, Units: a.units, Catalog: cat, AgencyName: cfg.AgencyName, BaseURL: strings.TrimRight(cfg.BaseURL, "/"),
		Contact: web.Contact{Hotline: tp.Hotline, HotlineNote: tp.HotlineNote, Address: tp.Address, Email: tp.Email, Hours: tp.Hours, HoursEN: tp.HoursEN},
		Logger:  log, Production: prod,
		Deadlines: a.deadlines, Tables: a.deadlineStore, Require: auth.Require, Bell: web.Bell(a.alertStore), Approvals: web.Approvals(a.cases),
		Intake: &web.Intake{Service: a.intake.service, Files: files, Now: now, Location: cfg.Location,
			FormKey: a.intake.formKey, MinFillTime: cfg.Intake.MinFillTime}})
	if err != nil {
		return nil, err
	}
	e := server.New(server.Options{
		Logger: log, Catalog: cat, BodyLimit: cfg.HTTP.BodyLimit, Production: prod,
		Registry: reg, HTMLErrors: pages.RenderError, ReadyDetails: readyDetails,
		TrustedProxies: cfg.HTTP.TrustedNets, MetricsToken: cfg.Metrics.Token, MetricsElsewhere: cfg.Metrics.Listen != "",
		Ready: ready(db),
	})
	a.metrics = server.MetricsHandler(reg, cfg.Metrics.Token)
	e.Use(auth.Middleware())
	schemas, err := apiSchemas()
	if err != nil {
		return nil, err
	}
	e.Use(httpapi.ClientIP, httpapi.JSONGuard(schemas))
	jsonAPI, err := httpapi.New(httpapi.API{
		Plans: a.plans, Units: a.units, Directory: a.directory, Reception: a.reception,
		Deadlines: httpapi.Deadlines{Service: a.deadlines, Tables: a.deadlineStore, Overrides: a.deadlineStore, Rules: a.deadlineStore},
		Accounts:  a.accounts, Cases: a.cases, Trail: a.trail, Now: now, SoonUntil: a.reports.SoonUntil,
		ChaseUntil: a.reports.ChaseUntil,
		Petitions:  &httpapi.Intake{Service: a.intake.service, Files: files, Catalog: cat, Location: cfg.Location},
		Jobs:       httpapi.Jobs{Scheduler: a.scheduler, Alerts: a.alertStore, Now: now},
		Workflow:   a.workflow,
		Reports:    &httpapi.Reports{Service: a.reports, Catalog: cat, AgencyName: cfg.AgencyName},
	})
	if err != nil {
		return nil, err
	}
	httpapi.Mount(e, jsonAPI, api.Spec)
	pages.Mount(e)
	// Exports are written in Vietnamese by default (the office reports in
	// it), in English for whoever starts one in English.
	vi := func(id string) string { return cat.T(i18n.VI, id, nil) }
	exporter := &report.Exporter{Service: a.reports, Store: a.reportStore, T: vi, Log: log, Timeout: time.Hour,
		Due: func(due time.Time) string { return dueText(i18n.VI, due) },
		// In the language of whoever starts it, Vietnamese by default.
		In: func(lang string) report.Language {
			return report.Language{T: func(id string) string { return cat.T(lang, id, nil) },
				Wording: func(id string, args map[string]any) string { return cat.T(lang, id, args) },
				Due:     func(due time.Time) string { return dueText(lang, due) }}
		},
		Meta: report.XLSXMeta{Agency: cfg.AgencyName, Place: "Lạng Sơn"},
		Reception: func(ctx context.Context, by access.Actor, p report.Period) (report.ReceptionFigures, error) {
			f, err := a.reception.Figures(ctx, by, p.From, p.To)
			return f.Report(), err
		}}
	staff, err := web.NewStaff(web.Staff{Pages: pages, Auth: auth, Accounts: a.accounts, Cases: a.cases, Trail: a.trail, Units: a.units,
		Directory: a.directory, Views: access.NewViews(store.NewViewStore(db), now), Now: now, Location: cfg.Location, SoonUntil: a.reports.SoonUntil, Workflow: a.workflow,
		ChaseUntil: a.reports.ChaseUntil, ChaseDays: a.reports.ChaseDays(), Exporter: exporter, ExportInlineRows: cfg.HTTP.ExportInlineRows})
	if err != nil {
		return nil, err
	}
	staff.Mount(e)
	alertPages, err := web.NewAlerts(web.Alerts{Staff: staff, Scheduler: a.scheduler, Store: a.alertStore, Location: cfg.Location,
		RetryDead: retryDead(a.alertStore, now)})
	if err != nil {
		return nil, err
	}
	alertPages.Mount(e)
	reportPages, err := web.NewReports(web.Reports{
		Staff: staff, Service: a.reports, Publications: a.reportStore, Snapshots: a.reportStore, Exporter: exporter, Reception: a.reception,
	})
	if err != nil {
		return nil, err
	}
	reportPages.Mount(e)
	receptionPages, err := web.NewReception(web.Reception{Staff: staff, Service: a.reception, BaseURL: strings.TrimRight(cfg.BaseURL, "/")})
	if err != nil {
		return nil, err
	}
	receptionPages.Mount(e)
	a.handler = e
	return a, nil
}

// Start starts the background work: the read replica's health checks and,
// where jobs are enabled, the scheduler.
func (a *app) Start(ctx context.Context) error {
	if a.replica != nil {
		// The checks outlive ctx (a signal ends it) until Close, so that
		// reports keep their database while requests drain.
		rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		a.stopReplica = cancel
		go a.replica.Run(rctx, min(time.Second, a.cfg.Database.MaxLag/3))
	}
	if a.cfg.Jobs.Enabled {
		if err := a.scheduler.Start(ctx); err != nil {
			return fmt.Errorf("scheduler: %w", err)
		}
	}
	return nil
}

// Close stops what Start started, in reverse order, and closes the
// databases: running jobs finish, or are cancelled at the shutdown
// timeout, before the database closes under them.
func (a *app) Close() error {
	jctx, cancel := context.WithTimeout(context.Background(), a.cfg.HTTP.ShutdownTimeout)
	defer cancel()
	a.scheduler.Stop(jctx)
	if a.stopReplica != nil {
		a.stopReplica()
	}
	if a.replica != nil {
		a.replica.Close()
	}
	return a.db.Close()
}

// storeDeadlineDefaults stores the built-in calendar years and statutory
// rules that are not stored yet, never overwriting an admin's edits.
func storeDeadlineDefaults(ctx context.Context, ds *store.DeadlineStore, now time.Time, log *slog.Logger) error {
	years, rules, err := ds.EnsureDefaults(ctx, calendar.Builtin(), deadline.DefaultRules(), now)
	if err != nil {
		return fmt.Errorf("store default calendar and rules: %w", err)
	}
	if years > 0 || rules > 0 {
		log.Info("stored default calendar and deadline rules", "years", years, "rules", rules)
	}
	changes, err := ds.BuiltinRuleChanges(ctx)
	if err != nil {
		return fmt.Errorf("built-in rule corrections: %w", err)
	}
	for _, c := range changes {
		log.Warn("the built-in rule changed in this release: review it on /admin/rules or with phucdap rules diff",
			"rule", c.Builtin.Key(), "fields", len(c.Fields), "edited", c.Edited)
	}
	return nil
}

// knownUnits is the office's directory as the plan parser sees it.
func knownUnits(units *store.UnitStore) plan.UnitSource {
	return func(ctx context.Context) ([]plan.KnownUnit, error) {
		list, err := units.ListUnits(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]plan.KnownUnit, 0, len(list))
		for _, u := range list {
			out = append(out, plan.KnownUnit{Code: u.Code, Name: u.Name, Kind: plan.UnitKind(u.Kind), Example: u.Example,
				Aliases: u.Aliases, Retired: !u.Active, MergedInto: u.MergedInto})
		}
		return out, nil
	}
}

// alertLadder reads who is alerted when (alerts.*_to) from the
// configuration.
func alertLadder(cfg *config.Config) (alert.Ladder, error) {
	ladder := alert.Ladder{DueSoonDays: cfg.Alerts.DueSoonLeads, EscalateAfter: cfg.Alerts.EscalateAfter}
	var err error
	for _, l := range []struct {
		dst *[]alert.Audience
		v   string
	}{{&ladder.DueSoon, cfg.Alerts.DueSoonTo}, {&ladder.Late, cfg.Alerts.LateTo}, {&ladder.Escalate, cfg.Alerts.EscalateTo}} {
		if *l.dst, err = alert.ParseAudiences(l.v); err != nil {
			return alert.Ladder{}, fmt.Errorf("config: alerts: %w", err)
		}
	}
	return ladder, nil
}

// jobOverrides is the per-job configuration (jobs.NAME.*).
func jobOverrides(cfg *config.Config) map[string]jobs.Override {
	overrides := map[string]jobs.Override{}
	for name, j := range cfg.Jobs.Jobs() {
		o := jobs.Override{Schedule: j.Schedule, Enabled: boolFlag(j.Enabled), WorkingDaysOnly: boolFlag(j.WorkingDaysOnly), RunAtStart: boolFlag(j.RunAtStart)}
		if o != (jobs.Override{}) {
			overrides[name] = o
		}
	}
	return overrides
}

func boolFlag(s string) *bool {
	if s == "" {
		return nil
	}
	v := strings.EqualFold(s, "true")
	return &v
}

// retryDead puts a dead delivery back in the queue, audited as by's act.
func retryDead(alerts *store.AlertStore, now func() time.Time) func(ctx context.Context, id int64, by access.Actor) error {
	return func(ctx context.Context, id int64, by access.Actor) error {
		e := audit.Entry{ActorLabel: by.Label()}
		if by.AccountID != 0 {
			id := by.AccountID
			e.ActorID = &id
		}
		err := alerts.RetryDeadBy(ctx, id, now(), e)
		if errors.Is(err, store.ErrNotDead) {
			return web.ErrNotDead
		}
		if errors.Is(err, store.ErrBookingCancelled) {
			return web.ErrBookingCancelled
		}
		return err
	}
}

// ready is the readiness check: the database answers and has no pending
// migration.
func ready(db *store.DB) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if err := db.Ping(ctx); err != nil {
			return fmt.Errorf("database unreachable: %w", err)
		}
		pending, err := db.Pending(ctx)
		if err != nil {
			return err
		}
		if pending {
			return errors.New("migrations pending")
		}
		return nil
	}
}

// replicaMetrics registers the read replica's gauges and counters and
// returns its part of /readyz.
func replicaMetrics(reg *prometheus.Registry, r *store.ReadReplica, maxLag time.Duration) func() map[string]any {
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
	return func() map[string]any {
		lag, in := r.Status()
		return map[string]any{"read_replica": map[string]any{"in_use": in, "lag_seconds": lag, "max_lag_seconds": maxLag.Seconds()}}
	}
}

// receptionCases opens the case of a reception session through the case
// workflow: registered in person with the answer-to-the-visitor clock, and
// refused at once when reception was refused, which opens the notice's
// duty clock as on the case page.
type receptionCases struct {
	workflow *petition.Workflow
	// documents labels the documents handed over, appended to the case's
	// content in the office's language.
	documents string
}

func (rc receptionCases) OpenFromReception(ctx context.Context, by access.Actor, c reception.OpenCase) (reception.Opened, error) {
	content := c.Content
	if c.Documents != "" {
		content += "\n\n" + rc.documents + ": " + c.Documents
	}
	in := petition.RegisterInput{Kind: c.Kind, Channel: petition.ChannelInPerson, ReceivedAt: c.ReceivedAt,
		TopicID: c.TopicID, Title: c.Title, Content: content, Name: c.Name, Phone: c.Phone, KeepSecret: true, AtReception: true,
		Linked: c.Session}
	if c.Refusal != "" {
		in.Then = petition.RefuseReceptionInput{Reason: c.Refusal, DecidedOn: c.RefusedOn}
	}
	res, err := rc.workflow.Register(ctx, by, in)
	return reception.Opened{CaseID: res.CaseID, Code: res.Code, SessionID: res.LinkedID}, err
}
