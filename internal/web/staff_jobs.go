package web

import (
	"context"
	"github.com/phucdap/phucdap/internal/present"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/platform"
)

// Alerts serves the in-app side of alerts and jobs: each staff member's alert
// inbox (the bell in the top bar links there) and the admins' jobs page
// with its "run now" buttons and the dead deliveries.
type Alerts struct {
	Staff     *Staff
	Scheduler *jobs.Scheduler
	Store     alert.Store
	// RetryDead puts a dead delivery back in the queue, recorded in the
	// audit trail as by's act.
	RetryDead func(ctx context.Context, id int64, by access.Actor) error
	Location  *time.Location
}

// NewAlerts returns the alert inbox and the jobs page over deps, every one
// of which is needed.
func NewAlerts(deps Alerts) (*Alerts, error) {
	a := &deps
	if err := platform.Needs("web alert pages",
		platform.Dep{Name: "Staff", Absent: a.Staff == nil}, platform.Dep{Name: "Scheduler", Absent: a.Scheduler == nil},
		platform.Dep{Name: "Store", Absent: a.Store == nil}, platform.Dep{Name: "RetryDead", Absent: a.RetryDead == nil},
		platform.Dep{Name: "Location", Absent: a.Location == nil},
	); err != nil {
		return nil, err
	}
	return a, nil
}

// ErrNotDead is what RetryDead returns for a delivery that is not dead.
var ErrNotDead = fault.New(fault.Conflict, "jobs.not_dead")

// ErrBookingCancelled is what RetryDead returns for a dead message of a
// reception booking the citizen has cancelled: it is not sent again.
var ErrBookingCancelled = fault.New(fault.Conflict, "jobs.retry_booking_cancelled")

// Mount registers the routes.
func (a *Alerts) Mount(e *echo.Echo) {
	req := a.Staff.Auth.Require
	e.GET("/staff/alerts", a.inbox, req(access.ActSelf))
	e.POST("/staff/alerts/read", a.markRead, req(access.ActSelf))
	e.GET("/staff/admin/jobs", a.jobsPage, req(access.ActJobManage))
	e.POST("/staff/admin/jobs/:name/run", a.runJob, req(access.ActJobManage))
	e.GET("/staff/admin/jobs/runs/:id", a.runPage, req(access.ActJobManage))
	e.POST("/staff/admin/outbox/:id/retry", a.retry, req(access.ActJobManage))
}

// Bell is the unread count of the top bar's bell, read from store.
func Bell(store alert.Store) func(ctx context.Context, accountID int64) int {
	return func(ctx context.Context, accountID int64) int {
		n, err := store.Unread(ctx, accountID)
		if err != nil {
			return 0 // the bell is a hint; a page must not fail for it
		}
		return n
	}
}

type alertItem struct {
	alert.Alert
	KindKey  string
	Base     string // "late", "due_soon"…: the row's style
	Unread   bool
	When     string
	Due      string
	Topic    string
	Unit     string
	CaseKind string
	// ReceptionDay words a reception alert's day (Payload.Day).
	ReceptionDay string
}

type alertInboxData struct {
	Rows []alertItem
	// Unread counts every unread alert, not only this page's.
	Unread int
	Notice string
	Pager  Pager
}

// alertsPageSize is a page of the alert inbox.
const alertsPageSize = 200

// deadPageSize is a page of the jobs page's dead deliveries.
const deadPageSize = 50

// caseKind names a case kind in lang ("Khiếu nại"), or gives the kind as
// stored when the catalogue has no name for it.
func (a *Alerts) caseKind(lang, k string) string {
	if k == "" {
		return ""
	}
	id := "staff.kind." + k
	if s := a.Staff.Pages.Catalog.T(lang, id, nil); s != id {
		return s
	}
	return k
}

// when is the moment an alert was raised.
func (a *Alerts) when(lang string, t time.Time) string { return present.Moment(t, a.Location, lang) }

// due is the due time an alert is about, in the words of the inbox.
func (a *Alerts) due(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	return present.TimeIn(t, a.Location, lang, a.Staff.Pages.Catalog)
}

func kindKey(kind string) string {
	if i := strings.IndexByte(kind, '.'); i > 0 {
		kind = kind[:i]
	}
	return "alerts.kind." + kind
}

func (a *Alerts) inbox(c echo.Context) error {
	ctx := c.Request().Context()
	who := accesshttp.Actor(c)
	lang := i18n.LangFrom(ctx)
	page := pageParam(c, "page")
	list, total, err := pageOrLast(&page, alertsPageSize, func(offset int) ([]alert.Alert, int64, error) {
		list, err := a.Store.Inbox(ctx, who.AccountID, false, alertsPageSize, offset)
		if err != nil || (offset == 0 && len(list) < alertsPageSize) {
			return list, int64(len(list)), err
		}
		n, err := a.Store.InboxCount(ctx, who.AccountID, false)
		return list, n, err
	})
	if err != nil {
		return err
	}
	unread, err := a.Store.Unread(ctx, who.AccountID)
	if err != nil {
		return err
	}
	d := alertInboxData{Unread: unread, Pager: pagerFor(lang, "alerts.showing", "/staff/alerts", nil, "page", "", page, alertsPageSize, len(list), total)}
	for _, al := range list {
		r := alertItem{Alert: al, KindKey: kindKey(al.Kind), Base: strings.TrimPrefix(kindKey(al.Kind), "alerts.kind."), Unread: al.ReadAt == nil, When: a.when(lang, al.CreatedAt), Due: a.due(al.Payload.DueAt, lang),
			Topic: al.Payload.Topic(lang), Unit: al.Payload.Unit(lang), CaseKind: a.caseKind(lang, al.Payload.CaseKind)}
		if day, err := calendar.ParseDate(al.Payload.Day); err == nil {
			r.ReceptionDay = day.In(lang)
		}
		d.Rows = append(d.Rows, r)
	}
	if c.QueryParam("read") != "" {
		d.Notice = "alerts.marked"
	}
	return a.Staff.render(c, http.StatusOK, "alerts", "alerts.title", d)
}

func (a *Alerts) markRead(c echo.Context) error {
	ctx := c.Request().Context()
	who := accesshttp.Actor(c)
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range form["id"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 && form.Get("all") != "1" {
		return c.Redirect(http.StatusSeeOther, "/staff/alerts")
	}
	// Only the caller's own alerts: the store matches the account too.
	if _, err := a.Store.MarkRead(ctx, who.AccountID, ids, a.Staff.Now()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/alerts?read=1")
}

type jobRow struct {
	jobs.Status
	DescKey  string
	Next     string
	LastAt   string
	LastDur  string
	LastCnt  string
	Failures []failureRow
	Ran      bool
}

type failureRow struct {
	When  string
	Error string
}

type jobsData struct {
	Jobs      []jobRow
	Dead      []deadRow
	DeadPager Pager
	Replica   string
	Ran       string
	RanRun    string
	Notice    string
	Errors    []string
	Scheduled bool
}

type deadRow struct {
	alert.DeadMessage
	When string
}

func (a *Alerts) jobsData(c echo.Context) (jobsData, error) {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	st, err := a.Scheduler.Status(ctx)
	if err != nil {
		return jobsData{}, err
	}
	d := jobsData{Replica: a.Scheduler.Replica(), Ran: c.QueryParam("ran"), RanRun: c.QueryParam("run")}
	for _, s := range st {
		r := jobRow{Status: s, DescKey: "jobs.desc." + s.Name, Ran: s.Name == d.Ran}
		if s.Scheduled {
			d.Scheduled = true
		}
		if !s.Next.IsZero() {
			r.Next = a.fmtSec(lang, s.Next)
		}
		if s.Last != nil {
			r.LastAt = a.fmtSec(lang, s.Last.StartedAt)
			r.LastDur = s.Last.Duration.Round(time.Millisecond).String()
			r.LastCnt = s.Last.Counts.String()
		}
		for _, f := range s.Failures {
			r.Failures = append(r.Failures, failureRow{When: a.fmtSec(lang, f.StartedAt), Error: f.Error})
		}
		d.Jobs = append(d.Jobs, r)
	}
	page := pageParam(c, "dead_page")
	dead, total, err := pageOrLast(&page, deadPageSize, func(offset int) ([]alert.DeadMessage, int64, error) {
		dead, err := a.Store.DeadMessages(ctx, deadPageSize, offset)
		if err != nil || (offset == 0 && len(dead) < deadPageSize) {
			return dead, int64(len(dead)), err
		}
		n, err := a.Store.DeadCount(ctx)
		return dead, n, err
	})
	if err != nil {
		return d, err
	}
	d.DeadPager = pagerFor(lang, "jobs.dead_showing", "/staff/admin/jobs", nil, "dead_page", "dead", page, deadPageSize, len(dead), total)
	for _, m := range dead {
		d.Dead = append(d.Dead, deadRow{DeadMessage: m, When: a.fmtSec(lang, m.UpdatedAt)})
	}
	return d, nil
}

func (a *Alerts) fmtSec(lang string, t time.Time) string {
	return present.MomentSeconds(t, a.Location, lang)
}

func (a *Alerts) jobsPage(c echo.Context) error {
	d, err := a.jobsData(c)
	if err != nil {
		return err
	}
	switch c.QueryParam("done") {
	case "retry":
		d.Notice = "jobs.retried"
	}
	return a.Staff.render(c, http.StatusOK, "jobs", "jobs.title", d)
}

// runJob starts the job in the background, owned by the server rather
// than the request (a closed browser must not cancel a sweep half-way),
// and goes at once to the run's page, which shows its progress
// (Post/Redirect/Get, so a reload does not run it again). A second click
// while the job's manual run is going lands on that run's page.
func (a *Alerts) runJob(c echo.Context) error {
	name := c.Param("name")
	who := accesshttp.Actor(c)
	res, err := a.Scheduler.StartManual(c.Request().Context(), name, jobs.Manual{By: who.Label(), ByAccount: who.AccountID})
	if err == nil && !res.Claimed && res.Run.ID == 0 {
		err = jobs.ErrRunning // the other run ended in between: press again
	}
	if err != nil {
		msgs, unknown := a.Staff.messages(c, err)
		if unknown != nil {
			return unknown
		}
		d, derr := a.jobsData(c)
		if derr != nil {
			return derr
		}
		d.Errors = msgs
		return a.Staff.render(c, http.StatusUnprocessableEntity, "jobs", "jobs.title", d)
	}
	to := "/staff/admin/jobs/runs/" + strconv.FormatInt(res.Run.ID, 10)
	if !res.Claimed {
		to += "?again=1"
	}
	return c.Redirect(http.StatusSeeOther, to)
}

type jobRunData struct {
	Run      jobs.Run
	DescKey  string
	Percent  int
	Done     string
	Total    string
	Started  string
	Duration string
	Counts   string
	Refresh  bool
	Again    bool
}

// runPage shows a run: its progress while it runs, as the export page
// does (the page refreshes itself, no JavaScript needed), then its
// outcome. The progress is read from the run's row, so the page works on
// any replica, whichever one runs the job.
func (a *Alerts) runPage(c echo.Context) error {
	ctx := c.Request().Context()
	lang := i18n.LangFrom(ctx)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	var run *jobs.Run
	if err == nil && id > 0 {
		if run, err = a.Scheduler.RunByID(ctx, id); err != nil {
			return err
		}
	}
	if run == nil {
		return fault.New(fault.NotFound, "page.not_found")
	}
	d := jobRunData{Run: *run, DescKey: "jobs.desc." + run.Job, Percent: run.Percent(), Done: fmtInt(run.Progress.Done, lang),
		Total: fmtInt(run.Progress.Total, lang), Started: a.fmtSec(lang, run.StartedAt), Counts: run.Counts.String(), Again: c.QueryParam("again") != "",
		Refresh: run.Outcome == jobs.Running}
	if run.FinishedAt != nil {
		d.Duration = run.Duration.Round(time.Millisecond).String()
	}
	if d.Refresh {
		c.Response().Header().Set("Refresh", "2")
	}
	return a.Staff.render(c, http.StatusOK, "job_run", "jobs.run.title", d)
}

func (a *Alerts) retry(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return ErrNotDead
	}
	if err := a.RetryDead(c.Request().Context(), id, accesshttp.Actor(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/staff/admin/jobs?done=retry")
}
