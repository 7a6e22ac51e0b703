package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/org"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/present"
	"github.com/phucdap/phucdap/internal/report"
)

// Staff serves the staff pages: login and logout, the inbox, the case page
// with the denouncer secrecy, password change, the admin pages and the
// auditor's page. Every route but the login page is guarded by
// accesshttp.Require with one access.Action.
type Staff struct {
	Pages    *Pages
	Auth     *accesshttp.Auth
	Accounts *access.Service
	Cases    *access.Cases
	Trail    *audit.Trail
	Units    org.UnitStore
	// Directory is the office's edit of the unit directory.
	Directory *org.Service
	// Exporter runs a list export too long for one request in the
	// background (the report exports' progress page), for who may read
	// reports, when the list has more than ExportInlineRows rows.
	Exporter         *report.Exporter
	ExportInlineRows int
	// Views are the users' saved filters of the lists.
	Views    *access.Views
	Now      func() time.Time
	Location *time.Location
	// SoonUntil ends the due-soon horizon now (report.Service.SoonUntil).
	SoonUntil func(ctx context.Context) time.Time
	// ChaseUntil ends the chase horizon now (report.Service.ChaseUntil),
	// ChaseDays working days from today.
	ChaseUntil func(ctx context.Context) time.Time
	ChaseDays  int
	// Workflow serves the case workflow's forms.
	Workflow *petition.Workflow
}

// NewStaff returns the staff pages over deps, every one of which is needed.
func NewStaff(deps Staff) (*Staff, error) {
	s := &deps
	if err := platform.Needs("web staff pages",
		platform.Dep{Name: "Pages", Absent: s.Pages == nil}, platform.Dep{Name: "Auth", Absent: s.Auth == nil},
		platform.Dep{Name: "Accounts", Absent: s.Accounts == nil}, platform.Dep{Name: "Cases", Absent: s.Cases == nil},
		platform.Dep{Name: "Trail", Absent: s.Trail == nil}, platform.Dep{Name: "Units", Absent: s.Units == nil},
		platform.Dep{Name: "Views", Absent: s.Views == nil}, platform.Dep{Name: "Exporter", Absent: s.Exporter == nil},
		platform.Dep{Name: "Now", Absent: s.Now == nil}, platform.Dep{Name: "Location", Absent: s.Location == nil},
		platform.Dep{Name: "SoonUntil", Absent: s.SoonUntil == nil}, platform.Dep{Name: "ChaseUntil", Absent: s.ChaseUntil == nil},
		platform.Dep{Name: "Workflow", Absent: s.Workflow == nil}, platform.Dep{Name: "Directory", Absent: s.Directory == nil},
	); err != nil {
		return nil, err
	}
	return s, nil
}

// Mount registers the staff routes on e.
func (s *Staff) Mount(e *echo.Echo) {
	req := s.Auth.Require
	e.GET("/login", s.loginForm)
	e.POST("/login", s.login)
	e.POST("/logout", s.logout, req(access.ActSelf))
	e.GET("/staff", s.landing, req(access.ActSelf))
	e.GET("/staff/inbox", s.inbox, req(access.ActInboxRead))
	for _, f := range exportFormats {
		e.GET("/staff/inbox."+f, s.inboxExport(f), req(access.ActInboxRead))
	}
	e.POST("/staff/views", s.saveView, req(access.ActSelf))
	e.POST("/staff/views/:id/delete", s.deleteView, req(access.ActSelf))
	e.GET("/staff/cases/:id", s.caseFile, req(access.ActCaseRead))
	e.GET("/staff/cases/:id/attachments/:att", s.attachment, req(access.ActCaseRead))
	e.POST("/staff/cases/:id/identity", s.revealIdentity, req(access.ActIdentityRead))
	e.GET("/staff/password", s.passwordForm, req(access.ActSelf))
	e.POST("/staff/password", s.changePassword, req(access.ActSelf))
	e.GET("/staff/admin/users", s.adminUsers, req(access.ActAccountManage))
	e.POST("/staff/admin/users", s.createUser, req(access.ActAccountManage))
	e.POST("/staff/admin/users/:id", s.updateUser, req(access.ActAccountManage))
	e.POST("/staff/admin/users/:id/password", s.resetPassword, req(access.ActAccountManage))
	e.POST("/staff/admin/tokens", s.createToken, req(access.ActTokenManage))
	e.POST("/staff/admin/tokens/:id/revoke", s.revokeToken, req(access.ActTokenManage))
	e.GET("/staff/grants", s.grants, req(access.ActIdentityGrant))
	e.POST("/staff/grants/:id", s.setGrant, req(access.ActIdentityGrant))
	e.GET("/staff/audit", s.auditPage, req(access.ActAuditRead))
	s.mountTopics(e)
	s.mountUnits(e)
	s.mountWorkflow(e)
}

// noStore keeps staff pages out of shared and browser caches: they carry
// case data, and a revealed identity above all.
func noStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "no-store")
}

func (s *Staff) render(c echo.Context, status int, name, titleID string, data any) error {
	noStore(c)
	return s.Pages.render(c, status, name, titleID, data)
}

// messages turns a domain error into lines in the user's language, worded
// as the API words them. Errors that are not ours are returned for the 500
// page.
func (s *Staff) messages(c echo.Context, err error) ([]string, error) {
	if lines, ok := s.Pages.refusals(c.Request().Context(), err); ok {
		return lines, nil
	}
	return nil, err
}

// safeNext accepts only a local staff path as the place to return to after
// login, so /login cannot be used as an open redirect.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/staff") || strings.HasPrefix(next, "//") {
		return "/staff"
	}
	return u.RequestURI()
}

type loginData struct {
	Email  string
	Next   string
	Errors []string
	Notice string
}

func (s *Staff) loginForm(c echo.Context) error {
	if accesshttp.Actor(c).Authenticated() {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	if _, err := s.Auth.EnsurePreLogin(c); err != nil {
		return err
	}
	d := loginData{Next: safeNext(c.QueryParam("next"))}
	if c.QueryParam("out") == "1" {
		d.Notice = "login.logged_out"
	}
	return s.render(c, http.StatusOK, "login", "login.title", d)
}

func (s *Staff) login(c echo.Context) error {
	d := loginData{Email: strings.TrimSpace(c.FormValue("email")), Next: safeNext(c.FormValue("next"))}
	old := accesshttp.SessionSecret(c)
	if old == "" || accesshttp.CSRFFailed(c) {
		// No pre-login session or a forged form: start over with a fresh
		// form rather than trust the post.
		if _, err := s.Auth.EnsurePreLogin(c); err != nil {
			return err
		}
		d.Errors, _ = s.messages(c, accesshttp.ErrCSRF)
		return s.render(c, http.StatusForbidden, "login", "login.title", d)
	}
	res, err := s.Accounts.Login(c.Request().Context(), d.Email, c.FormValue("password"), old)
	if err != nil {
		msgs, ierr := s.messages(c, err)
		if ierr != nil {
			return ierr
		}
		d.Errors = msgs
		status := http.StatusUnauthorized
		if present.SetRetryAfter(c.Response().Header(), err) {
			status = http.StatusTooManyRequests
		}
		return s.render(c, status, "login", "login.title", d)
	}
	// The pre-login session is gone (Login deleted it); the browser gets a
	// new id, so a planted cookie never becomes a signed-in one.
	s.Auth.SetSession(c, res.Secret)
	if res.Account.MustChangePassword {
		return c.Redirect(http.StatusSeeOther, "/staff/password")
	}
	return c.Redirect(http.StatusSeeOther, d.Next)
}

func (s *Staff) logout(c echo.Context) error {
	if err := s.Accounts.Logout(c.Request().Context(), accesshttp.SessionSecret(c), accesshttp.Actor(c)); err != nil {
		return err
	}
	s.Auth.ClearSession(c)
	return c.Redirect(http.StatusSeeOther, "/login?out=1")
}

// landing sends each account to the first page its roles open.
func (s *Staff) landing(c echo.Context) error {
	a := accesshttp.Actor(c)
	to := "/staff/password"
	switch {
	case access.Can(a, access.ActInboxRead, nil):
		to = "/staff/inbox"
	case access.Can(a, access.ActAccountManage, nil):
		to = "/staff/admin/users"
	case access.Can(a, access.ActAuditRead, nil):
		to = "/staff/audit"
	case access.Can(a, access.ActIdentityGrant, nil):
		to = "/staff/grants"
	}
	return c.Redirect(http.StatusSeeOther, to)
}

type passwordData struct {
	MustChange bool
	MinLength  int
	Errors     []string
}

func (s *Staff) passwordForm(c echo.Context) error {
	d := passwordData{MinLength: s.Accounts.Config().MinPasswordLength}
	if acc := accesshttp.Account(c); acc != nil {
		d.MustChange = acc.MustChangePassword
	}
	return s.render(c, http.StatusOK, "staff_password", "password.title", d)
}

func (s *Staff) changePassword(c echo.Context) error {
	ctx := c.Request().Context()
	a := accesshttp.Actor(c)
	d := passwordData{MinLength: s.Accounts.Config().MinPasswordLength}
	if acc := accesshttp.Account(c); acc != nil {
		d.MustChange = acc.MustChangePassword
	}
	next := c.FormValue("password")
	var err error
	if next != c.FormValue("confirm") {
		err = fault.FieldError("confirm", "password.mismatch", nil)
	} else {
		err = s.Accounts.ChangePassword(ctx, a, c.FormValue("current"), next)
	}
	if err != nil {
		if d.Errors, err = s.messages(c, err); err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "staff_password", "password.title", d)
	}
	// Every session of the account ended with the change; open a fresh one
	// for this browser.
	res, err := s.Accounts.Login(ctx, a.Email, next, "")
	if err != nil {
		s.Auth.ClearSession(c)
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	s.Auth.SetSession(c, res.Secret)
	return c.Redirect(http.StatusSeeOther, "/staff")
}
