// Package accesshttp puts staff access on the HTTP edge: it turns a session
// cookie or a bearer token into an access.Actor on each request, checks the
// CSRF token of browser POSTs, and guards routes with access.Can. main
// registers Middleware on the echo instance; page and API packages use
// Require and the helpers here, so there is one way to authenticate.
package accesshttp

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/platform"
)

// CookieName is the session cookie.
const CookieName = "phucdap_session"

// CSRFField is the form field, and CSRFHeader the header, that carry the
// CSRF token.
const (
	CSRFField  = "csrf"
	CSRFHeader = "X-CSRF-Token"
)

// context keys in echo.Context
const (
	keyAuth       = "phucdap.auth"
	keySecret     = "phucdap.session_secret"
	keyCSRFFailed = "phucdap.csrf_failed"
	keyBearer     = "phucdap.bearer"
	keySelf       = "phucdap.auth_layer"
)

// Errors the guard returns.
var (
	ErrCSRF          = fault.New(fault.Forbidden, "error.csrf")
	errUnauth        = fault.New(fault.Unauthenticated, "error.unauthenticated")
	errForbidden     = fault.New(fault.Forbidden, "error.forbidden")
	errBadBearer     = fault.New(fault.Unauthenticated, "error.bad_token")
	errMustChangePwd = fault.New(fault.Forbidden, "account.must_change_password")
)

// Auth is the access layer's HTTP side.
type Auth struct {
	Service *access.Service
	Log     *slog.Logger
	// Secure sets the cookie's Secure flag: everywhere but development and
	// test, where the server runs on plain http://localhost.
	Secure bool
	// Cases records a refused reveal of a case's identity (the route
	// guard's refusal of identity.read) in the audit trail.
	Cases *access.Cases
}

// NewAuth returns the middleware and guards over deps; the account service,
// the log and the cases are needed.
func NewAuth(deps Auth) (*Auth, error) {
	a := &deps
	if err := platform.Needs("accesshttp",
		platform.Dep{Name: "Service", Absent: a.Service == nil}, platform.Dep{Name: "Log", Absent: a.Log == nil},
		platform.Dep{Name: "Cases", Absent: a.Cases == nil},
	); err != nil {
		return nil, err
	}
	return a, nil
}

func unsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// skipAuth: static files and probes never need an actor; skipping them
// saves a database read per asset.
func skipAuth(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// Middleware authenticates every request that carries credentials.
//
// A bearer token authenticates API calls and is exempt from CSRF (a browser
// never sends it by itself). A session cookie authenticates a browser; on a
// state-changing request it counts only with the session's CSRF token, in
// the form field or the X-CSRF-Token header. Without it the request goes on
// as anonymous and is marked, so that a guarded route answers 403 and a
// public one (the citizen form) still works for a signed-in clerk.
func (a *Auth) Middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			c.Set(keySelf, a)
			if skipAuth(r.URL.Path) {
				return next(c)
			}
			ctx := r.Context()
			if h := r.Header.Get("Authorization"); h != "" {
				scheme, tok, _ := strings.Cut(h, " ")
				if !strings.EqualFold(scheme, "Bearer") {
					return errBadBearer
				}
				actor, err := a.Service.AuthenticateToken(ctx, strings.TrimSpace(tok))
				if err != nil {
					if fault.CodeOf(err) == fault.Unauthenticated {
						return errBadBearer
					}
					return err
				}
				c.Set(keyBearer, true)
				c.SetRequest(r.WithContext(access.WithActor(ctx, actor)))
				return next(c)
			}
			ck, err := r.Cookie(CookieName)
			if err != nil || ck.Value == "" {
				return next(c)
			}
			auth, err := a.Service.Authenticate(ctx, ck.Value)
			if err != nil {
				if fault.CodeOf(err) != fault.Unauthenticated {
					return err
				}
				// Dead or unknown session: forget the cookie.
				a.clearCookie(c)
				return next(c)
			}
			c.Set(keySecret, ck.Value)
			if unsafe(r.Method) && !access.CheckCSRF(ck.Value, submittedCSRF(c)) {
				c.Set(keyCSRFFailed, true)
				return next(c)
			}
			c.Set(keyAuth, auth)
			if auth.Account != nil {
				c.SetRequest(r.WithContext(access.WithActor(ctx, auth.Actor)))
			}
			return next(c)
		}
	}
}

func submittedCSRF(c echo.Context) string {
	if v := c.Request().Header.Get(CSRFHeader); v != "" {
		return v
	}
	ct := c.Request().Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data") {
		return c.FormValue(CSRFField)
	}
	return ""
}

// Actor returns the request's actor (anonymous when none).
func Actor(c echo.Context) access.Actor { return access.ActorFrom(c.Request().Context()) }

// Account returns the signed-in account of a browser session, or nil.
func Account(c echo.Context) *access.Account {
	if a, ok := c.Get(keyAuth).(access.Authenticated); ok {
		return a.Account
	}
	return nil
}

// CSRF returns the CSRF token to embed in the page's forms: derived from
// the session cookie, empty when there is no session.
func CSRF(c echo.Context) string {
	if s, ok := c.Get(keySecret).(string); ok && s != "" {
		return access.CSRFToken(s)
	}
	return ""
}

// SessionSecret returns the cookie value of a valid session (pre-login
// included), or "".
func SessionSecret(c echo.Context) string {
	s, _ := c.Get(keySecret).(string)
	return s
}

// CSRFFailed says whether a state-changing request came with a session but
// without its CSRF token.
func CSRFFailed(c echo.Context) bool { v, _ := c.Get(keyCSRFFailed).(bool); return v }

// IsBearer says whether the request authenticated with an API token.
func IsBearer(c echo.Context) bool { v, _ := c.Get(keyBearer).(bool); return v }

// Check answers the route-level question for the request: nil when the
// actor may do act on some case, else the error to return.
func Check(c echo.Context, act access.Action) error {
	if CSRFFailed(c) {
		return ErrCSRF
	}
	actor := Actor(c)
	if !actor.Authenticated() {
		return errUnauth
	}
	if acc := Account(c); acc != nil && acc.MustChangePassword && act != access.ActSelf {
		return errMustChangePwd
	}
	if !access.Can(actor, act, nil) {
		if act == access.ActIdentityRead {
			// A refused reveal is on the record, not only in the log: who,
			// which case, why.
			if a, ok := c.Get(keySelf).(*Auth); ok {
				id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
				if err := a.Cases.RefuseReveal(c.Request().Context(), actor, id, access.RefusedNoGrant); err != nil {
					return err
				}
			}
		}
		if act == access.ActCaseRead && strings.Contains(c.Path(), "/attachments/:") {
			// So is a refused download of a case's file, page or API.
			if a, ok := c.Get(keySelf).(*Auth); ok {
				id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
				att, _ := strconv.ParseInt(c.Param("att")+c.Param("attachment_id"), 10, 64)
				if err := a.Cases.RefuseDownload(c.Request().Context(), actor, id, att, access.RefusedNoRole); err != nil {
					return err
				}
			}
		}
		return errForbidden
	}
	return nil
}

// Require guards a page route. An anonymous browser is sent to the login
// page (GET) and comes back after; an account that must change its one-time
// password is sent to do so; anyone else without the permission gets 403.
func (a *Auth) Require(act access.Action) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			err := Check(c, act)
			switch {
			case err == nil:
				return next(c)
			case errors.Is(err, errUnauth) && c.Request().Method == http.MethodGet:
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			case err == errMustChangePwd:
				return c.Redirect(http.StatusSeeOther, "/staff/password")
			}
			if err == errForbidden {
				a.Log.InfoContext(c.Request().Context(), "access denied", "route", c.Path(), "account_id", Actor(c).AccountID, "action", string(act))
			}
			return err
		}
	}
}

// SetSession writes the session cookie.
func (a *Auth) SetSession(c echo.Context, secret string) {
	c.SetCookie(&http.Cookie{Name: CookieName, Value: secret, Path: "/", HttpOnly: true, Secure: a.Secure, SameSite: http.SameSiteLaxMode})
	c.Set(keySecret, secret)
}

func (a *Auth) clearCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.Secure, SameSite: http.SameSiteLaxMode})
}

// ClearSession removes the cookie from the browser.
func (a *Auth) ClearSession(c echo.Context) {
	a.clearCookie(c)
	c.Set(keySecret, "")
}

// EnsurePreLogin makes sure the browser has a session (a pre-login one if
// needed) so the login form can carry a CSRF token. It returns the token.
func (a *Auth) EnsurePreLogin(c echo.Context) (string, error) {
	if s := SessionSecret(c); s != "" {
		return access.CSRFToken(s), nil
	}
	secret, err := a.Service.StartPreLogin(c.Request().Context())
	if err != nil {
		return "", err
	}
	a.SetSession(c, secret)
	return access.CSRFToken(secret), nil
}
