package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/server"
)

// trustLoopback makes httptest's client (on 127.0.0.1) a trusted proxy, so
// a test can play several client addresses through X-Forwarded-For.
func trustLoopback(t *testing.T) []*net.IPNet {
	t.Helper()
	n, err := config.ParseCIDR("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return []*net.IPNet{n}
}

// checkRetryAfter fails unless a 429 says when to come back.
func checkRetryAfter(t *testing.T, res *http.Response) {
	t.Helper()
	if res.StatusCode != http.StatusTooManyRequests {
		return
	}
	if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("429 without a usable Retry-After: %q", res.Header.Get("Retry-After"))
	}
}

// By default no proxy is trusted: X-Forwarded-For from a loopback or
// private peer does not change the client, so rotating the header does not
// sidestep the per-IP limit. Trusting the proxy explicitly makes it count.
func TestTrustedProxies(t *testing.T) {
	perIP := func(c *config.Config) { c.Intake.PerIPHour = 2 }
	post := func(t *testing.T, ta *testApp, n int) *http.Response {
		body := validPetition(ta, t)
		body["phone"] = "09110000" + strconv.Itoa(10+n)
		body["content"] = "Nội dung khác nhau số " + strconv.Itoa(n) + " để không bị coi là trùng lặp."
		res, _ := ta.postJSON(t, "/api/v1/petitions", body, "X-Forwarded-For", "203.0.113."+strconv.Itoa(n))
		checkRetryAfter(t, res)
		return res
	}
	t.Run("default trusts none", func(t *testing.T) {
		eachIntakeApp(t, func(t *testing.T, ta *testApp) {
			var got []int
			for i := 1; i <= 3; i++ {
				got = append(got, post(t, ta, i).StatusCode)
			}
			if got[2] != http.StatusTooManyRequests {
				t.Errorf("rotating X-Forwarded-For sidestepped the per-IP limit: %v", got)
			}
		}, perIP)
	})
	t.Run("configured proxy", func(t *testing.T) {
		eachIntakeApp(t, func(t *testing.T, ta *testApp) {
			for i := 1; i <= 3; i++ {
				if res := post(t, ta, i); res.StatusCode != http.StatusCreated {
					t.Errorf("client %d behind the trusted proxy: %d", i, res.StatusCode)
				}
			}
		}, perIP, func(c *config.Config) { c.HTTP.TrustedNets = trustLoopback(t) })
	})
}

// /metrics can require a bearer token, or move to its own listener.
func TestMetricsRestricted(t *testing.T) {
	const token = "metrics-token-0123456789"
	eachApp(t, func(t *testing.T, ta *testApp) {
		res, _ := ta.do(t, http.MethodGet, "/metrics", nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("open /metrics by default: %d", res.StatusCode)
		}
	})
	t.Run("token", func(t *testing.T) {
		eachIntakeApp(t, func(t *testing.T, ta *testApp) {
			for _, h := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", token}} {
				if res, _ := ta.do(t, http.MethodGet, "/metrics", nil, h...); res.StatusCode != http.StatusUnauthorized {
					t.Errorf("/metrics with %v: %d, want 401", h, res.StatusCode)
				}
			}
			res, b := ta.do(t, http.MethodGet, "/metrics", nil, "Authorization", "Bearer "+token)
			if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "phucdap_http_requests_total") {
				t.Errorf("/metrics with the token: %d", res.StatusCode)
			}
		}, func(c *config.Config) { c.Metrics.Token = token })
	})
	t.Run("own listener", func(t *testing.T) {
		eachIntakeApp(t, func(t *testing.T, ta *testApp) {
			if res, _ := ta.do(t, http.MethodGet, "/metrics", nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("/metrics on the public listener: %d, want 404", res.StatusCode)
			}
			rec := newRecorder()
			metricsMux(ta.metrics).ServeHTTP(rec, mustRequest(t, "/metrics"))
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "phucdap_http_requests_total") {
				t.Errorf("metrics listener: %d", rec.Code)
			}
		}, func(c *config.Config) { c.Metrics.Listen = "127.0.0.1:0" })
	})
}

// A long or strange X-Request-ID is replaced; a sane one is kept.
func TestRequestIDCapped(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		for in, keep := range map[string]bool{
			"abc-123":                 true,
			strings.Repeat("a", 64):   true,
			strings.Repeat("a", 65):   false,
			strings.Repeat("x", 5000): false,
			"a b<script>":             false,
		} {
			res, _ := ta.do(t, http.MethodGet, "/healthz", nil, "X-Request-ID", in)
			got := res.Header.Get("X-Request-ID")
			if keep != (got == in) || got == "" || len(got) > server.MaxRequestIDLength {
				t.Errorf("X-Request-ID %.20q (%d): got %.20q", in, len(in), got)
			}
		}
	})
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func mustRequest(t *testing.T, path string) *http.Request {
	t.Helper()
	return httptest.NewRequest(http.MethodGet, path, nil)
}
