// Package server owns the HTTP edge: the echo instance, its middleware
// (request id, recover, access log, metrics, body limit, security headers,
// language), the health and metrics endpoints, and the mounting of the JSON
// API and the HTML pages. main wires it; tests start it through main.
package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/i18n"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/present"
)

// Options configure the edge.
type Options struct {
	Logger     *slog.Logger
	Catalog    *i18n.Catalog
	BodyLimit  string
	Production bool
	// Ready reports whether the service can take traffic (database
	// reachable, migrations current).
	Ready func(ctx context.Context) error
	// ReadyDetails, when set, adds what /readyz reports beside the status
	// (e.g. the read replica's lag).
	ReadyDetails func() map[string]any
	// Registry receives the HTTP metrics; DB pool stats are registered by
	// the caller.
	Registry *prometheus.Registry
	// ErrorRenderers draw an error for a path prefix (e.g. the HTML pages);
	// the JSON renderer is the default.
	HTMLErrors func(c echo.Context, status int, code, message string) error
	// TrustedProxies are the networks whose X-Forwarded-For is believed.
	// Empty: none; the client is the connection's address.
	TrustedProxies []*net.IPNet
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	MetricsToken string
	// MetricsElsewhere: /metrics is served on its own listener (see
	// MetricsHandler), not on this one.
	MetricsElsewhere bool
}

// MaxRequestIDLength bounds a client's X-Request-ID. A longer one, or one
// with other characters than letters, digits and "-_.:", is replaced by a
// generated id: it ends up in every log line and audit row of the request.
const MaxRequestIDLength = 64

// DefaultRetryAfter is the Retry-After of a 429 whose limit did not say
// when it opens again.
const DefaultRetryAfter = 60 * time.Second

// ClientIPExtractor returns echo's extractor for the trusted proxies: the
// connection's address when there are none, else the nearest address in
// X-Forwarded-For that is not a trusted proxy. Loopback and private
// addresses are not trusted unless configured.
func ClientIPExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// MetricsHandler serves the registry, behind the bearer token when one is
// set.
func MetricsHandler(reg *prometheus.Registry, token string) http.Handler {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func validRequestID(id string) bool {
	if len(id) > MaxRequestIDLength {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
			return false
		}
	}
	return true
}

// New builds the echo instance with phucdap's middleware and the
// operational endpoints. Callers mount their routes on it.
func New(o Options) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(o)
	e.IPExtractor = ClientIPExtractor(o.TrustedProxies)

	httpReqs := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "phucdap_http_requests_total", Help: "HTTP requests by route, method and status.",
	}, []string{"method", "route", "status"})
	httpDur := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "phucdap_http_request_duration_seconds", Help: "HTTP request latency by route, method and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"method", "route", "status"})
	o.Registry.MustRegister(httpReqs, httpDur,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	var metrics routeMetrics
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		Skipper: func(c echo.Context) bool { return c.Request().URL.Path == "/" },
	}))
	e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Request().Header
			if id := h.Get(echo.HeaderXRequestID); id != "" && !validRequestID(id) {
				h.Del(echo.HeaderXRequestID)
			}
			// Every 429 says when to come back; a limit that knows sets
			// its own value first.
			res := c.Response()
			res.Before(func() {
				if res.Status == http.StatusTooManyRequests && res.Header().Get("Retry-After") == "" {
					res.Header().Set("Retry-After", strconv.Itoa(int(DefaultRetryAfter.Seconds())))
				}
			})
			return next(c)
		}
	})
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		RequestIDHandler: func(c echo.Context, id string) {
			r := c.Request()
			c.SetRequest(r.WithContext(platform.WithRequestID(r.Context(), id)))
		},
	}))
	e.Use(language())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			o.Logger.ErrorContext(c.Request().Context(), "panic", "err", err, "stack", string(stack))
			return err
		},
	}))
	// The access log names the route pattern, never the query string or the
	// body: both can carry personal data.
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			// Every 503, from the API, a page or /readyz, tells the client
			// when to come back.
			res := c.Response()
			res.Before(func() {
				if res.Status == http.StatusServiceUnavailable && res.Header().Get("Retry-After") == "" {
					res.Header().Set("Retry-After", RetryAfter)
				}
			})
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			m := metrics.of(httpReqs, httpDur, c.Request().Method, route, status)
			m.count.Inc()
			m.dur.Observe(d.Seconds())
			// A 503 is an outage the store has already reported once
			// (one WARN when the database went away); a line per request
			// at ERROR would drown it.
			lvl := slog.LevelInfo
			if status >= 500 && status != http.StatusServiceUnavailable {
				lvl = slog.LevelError
			}
			// The line's attributes are built only when its level is
			// logged: with the log at warn, a request pays nothing for it.
			if route != "/healthz" && route != "/metrics" && o.Logger.Enabled(c.Request().Context(), lvl) {
				o.Logger.Log(c.Request().Context(), lvl, "http",
					"method", c.Request().Method, "route", route, "status", status,
					"duration_ms", float64(d.Microseconds())/1000, "bytes", c.Response().Size)
			}
			return nil
		}
	})
	e.Use(middleware.BodyLimit(o.BodyLimit))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            hsts(o.Production),
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
		ReferrerPolicy:        "same-origin",
	}))

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
		defer cancel()
		if err := o.Ready(ctx); err != nil {
			// The cause (a host name, a driver message) stays in the log:
			// /readyz answers anyone.
			o.Logger.WarnContext(ctx, "not ready", "err", err)
			return c.JSON(http.StatusServiceUnavailable, readyBody(o, "unavailable"))
		}
		return c.JSON(http.StatusOK, readyBody(o, "ready"))
	})
	if !o.MetricsElsewhere {
		e.GET("/metrics", echo.WrapHandler(MetricsHandler(o.Registry, o.MetricsToken)))
	}
	return e
}

// routeMetrics keeps each (method, route, status)'s counter and histogram
// once looked up: With builds a label map and hashes it on every call.
type routeMetrics struct{ m sync.Map }

type routeKey struct {
	method, route string
	status        int
}

type routeObservers struct {
	count prometheus.Counter
	dur   prometheus.Observer
}

func (r *routeMetrics) of(reqs *prometheus.CounterVec, dur *prometheus.HistogramVec, method, route string, status int) routeObservers {
	k := routeKey{method, route, status}
	if v, ok := r.m.Load(k); ok {
		return v.(routeObservers)
	}
	labels := prometheus.Labels{"method": method, "route": route, "status": strconv.Itoa(status)}
	v, _ := r.m.LoadOrStore(k, routeObservers{count: reqs.With(labels), dur: dur.With(labels)})
	return v.(routeObservers)
}

// humanBytes writes a body limit such as "60M" as "60 MB".
func humanBytes(limit string) string {
	l := strings.ToUpper(strings.TrimSpace(limit))
	for _, u := range []string{"K", "M", "G"} {
		if n, ok := strings.CutSuffix(l, u); ok {
			return n + " " + u + "B"
		}
	}
	return l + " B"
}

func readyBody(o Options, status string) map[string]any {
	body := map[string]any{"status": status}
	if o.ReadyDetails != nil {
		for k, v := range o.ReadyDetails() {
			body[k] = v
		}
	}
	return body
}

func hsts(prod bool) int {
	if prod {
		return 31536000
	}
	return 0
}

// RetryAfter is the Retry-After of every 503, in seconds: long enough for a
// database restart, short enough that clients come back soon after.
const RetryAfter = "5"

// LangCookie remembers the visitor's language choice.
const LangCookie = "lang"

// language picks each request's language: ?lang=, then the cookie that
// remembers the choice. The pages are Vietnamese unless the visitor chose
// English through the language link, whatever the browser's language (a
// phone set up in English in a Vietnamese office is not a choice); the
// JSON API also reads Accept-Language, which is how a program asks.
func language() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			cookie := ""
			if ck, err := r.Cookie(LangCookie); err == nil {
				cookie = ck.Value
			}
			accept := ""
			if IsAPI(c) {
				accept = r.Header.Get("Accept-Language")
			}
			// Most requests have no query string: parsing one allocates.
			query := ""
			if r.URL.RawQuery != "" {
				query = r.URL.Query().Get("lang")
			}
			lang := i18n.Negotiate(query, cookie, accept)
			c.SetRequest(r.WithContext(i18n.WithLang(r.Context(), lang)))
			c.Response().Header().Set("Content-Language", lang)
			return next(c)
		}
	}
}

// IsAPI says whether a request is for the JSON API, whose errors are JSON.
func IsAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz"
}

// StatusClientClosedRequest is the status logged for a request whose client
// closed the connection before the answer was ready (nginx's 499).
const StatusClientClosedRequest = 499

func errorHandler(o Options) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		ctx := c.Request().Context()
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			// The client went away (a closed tab, a phone that lost its
			// signal) and took the request's context with it: nobody reads
			// an answer, and a 500 at ERROR would call the operator for a
			// failure that is not ours. The access log records 499, as
			// nginx does.
			c.Response().WriteHeader(StatusClientClosedRequest)
			return
		}
		lang := i18n.LangFrom(ctx)
		body := httpapi.Describe(err, lang, o.Catalog)
		if body.Status >= 500 && body.Status != http.StatusServiceUnavailable {
			o.Logger.ErrorContext(ctx, "request failed", "route", c.Path(), "err", err)
		} else if fe, ok := fault.As(err); ok && fe.Err != nil && body.Status < 500 {
			// The user reads the catalogued message; the cause it wraps
			// (a parser's or the engine's own words) is for the operator.
			o.Logger.InfoContext(ctx, "request refused", "route", c.Path(), "code", string(fe.Code), "message", fe.MessageID, "cause", fe.Err.Error())
		}
		body.RequestID = platform.RequestID(ctx)
		var he *echo.HTTPError
		if body.Status == http.StatusRequestEntityTooLarge && errors.As(err, &he) {
			// The body limit: say what it is.
			body.Message = o.Catalog.T(lang, "error.body_too_large", map[string]any{"Limit": humanBytes(o.BodyLimit)})
		}
		if body.Status == http.StatusTooManyRequests {
			present.SetRetryAfter(c.Response().Header(), err)
		}
		if body.Code == "internal" {
			body.Message = o.Catalog.T(lang, "error.internal", map[string]any{"RequestID": body.RequestID})
		}
		var rerr error
		if o.HTMLErrors != nil && !IsAPI(c) {
			rerr = o.HTMLErrors(c, body.Status, body.Code, body.Message)
		} else if c.Request().Method == http.MethodHead {
			rerr = c.NoContent(body.Status)
		} else {
			rerr = c.JSON(body.Status, body)
		}
		if rerr != nil && !errors.Is(rerr, context.Canceled) {
			o.Logger.ErrorContext(ctx, "write error response", "err", rerr)
		}
	}
}
