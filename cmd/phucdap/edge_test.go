package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/fault"
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

// The per-contact limit counts the e-mail address too, so submissions
// with an e-mail and no phone are limited like those with a phone.
func TestPerContactLimitEmailOnly(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		var got []int
		for i := 1; i <= 3; i++ {
			body := validPetition(ta, t)
			body["phone"], body["email"] = "", "chi-email@example.vn"
			body["content"] = "Nội dung khác nhau số " + strconv.Itoa(i) + " để không bị coi là trùng lặp."
			res, _ := ta.postJSON(t, "/api/v1/petitions", body, "X-Forwarded-For", "203.0.113."+strconv.Itoa(i))
			checkRetryAfter(t, res)
			got = append(got, res.StatusCode)
		}
		if got[0] != 201 || got[1] != 201 || got[2] != http.StatusTooManyRequests {
			t.Errorf("e-mail-only submissions: %v, want 201 201 429", got)
		}
	}, func(c *config.Config) {
		c.Intake.PerPhoneHour = 2
		c.HTTP.TrustedNets = trustLoopback(t)
	})
}

// Names of accounts and tokens and the reason for a reveal are capped.
func TestLengthCaps(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		long := strings.Repeat("Ữ", access.MaxNameLength+1)
		_, _, err := ta.accounts.CreateAccount(ctx, access.System("test"), access.NewAccount{Email: "dai@sxd.test", Name: long,
			UnitCode: "PQLXD", Roles: []access.Role{access.UnitOfficer}, Password: testPassword})
		if !namesField(err, "name") {
			t.Errorf("account name of %d characters: %v", access.MaxNameLength+1, err)
		}
		ta.addStaff(t, "ngan@sxd.test", "PQLXD", access.UnitOfficer)
		if _, _, err := ta.accounts.CreateToken(ctx, access.System("test"), "ngan@sxd.test", long, nil); !namesField(err, "name") {
			t.Errorf("token name of %d characters: %v", access.MaxNameLength+1, err)
		}

		caseID, _ := ta.submitCase(t, "to_cao", "Hoàng Văn Kín", "0966 123 458", "Tôi tố cáo cán bộ X nhận tiền khi làm thủ tục cấp phép xây dựng.", true)
		ta.assign(t, caseID, "PQLXD")
		officer := ta.addStaff(t, "duoc-xem@sxd.test", "PQLXD", access.UnitOfficer)
		ta.grantIdentity(t, officer)
		b := ta.browser(t)
		b.mustLogin("duoc-xem@sxd.test")
		reveal := func(reason string) (*http.Response, string) {
			req, _ := http.NewRequest(http.MethodPost, ta.Server.URL+"/api/v1/staff/cases/"+itoa(caseID)+"/identity",
				strings.NewReader(`{"reason":"`+reason+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", b.csrf())
			res, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var sb strings.Builder
			_, _ = io.Copy(&sb, res.Body)
			return res, sb.String()
		}
		res, out := reveal(strings.Repeat("lý do ", 200))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(out, `"field":"reason"`) {
			t.Errorf("reveal reason of 1200 characters: %d %s", res.StatusCode, out)
		}
		var logged int64
		ta.db.Gorm.Raw("SELECT COUNT(*) FROM identity_access_log").Scan(&logged)
		if logged != 0 {
			t.Errorf("%d access log rows for a refused reveal", logged)
		}
		res, out = reveal("Xác minh theo yêu cầu của thanh tra")
		if res.StatusCode != http.StatusOK {
			t.Errorf("a normal reveal: %d %s", res.StatusCode, out)
		}
	})
}

// The Idempotency-Key is at most 200 characters, as the spec says.
func TestIdempotencyKeyCapped(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		res, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t), "Idempotency-Key", strings.Repeat("k", 201))
		if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(string(b), "Idempotency-Key") {
			t.Errorf("a 201-character key: %d %s", res.StatusCode, b)
		}
		if n := ta.countCases(t); n != 0 {
			t.Errorf("%d cases stored", n)
		}
		if res, b := ta.postJSON(t, "/api/v1/petitions", validPetition(ta, t), "Idempotency-Key", strings.Repeat("k", 200)); res.StatusCode != http.StatusCreated {
			t.Errorf("a 200-character key: %d %s", res.StatusCode, b)
		}
	})
}

func namesField(err error, field string) bool {
	var list fault.List
	if errors.As(err, &list) {
		for _, fe := range list {
			if fe.Field == field {
				return true
			}
		}
		return false
	}
	fe, ok := fault.As(err)
	return ok && fe.Field == field
}

// Limit messages state the real limit: the body limit, a text field over
// the multipart reader's cap, and the number of fields.
func TestLimitMessagesStateTheLimit(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		res, b := ta.postJSON(t, "/api/v1/petitions", map[string]any{"content": strings.Repeat("x", 3000)})
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "tối đa 2 KB") {
			t.Errorf("body limit: %d %s", res.StatusCode, b)
		}
	}, func(c *config.Config) { c.HTTP.BodyLimit = "2K" })
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		fields := validPetition(ta, t)
		fields["title"] = strings.Repeat("x", 70<<10)
		body, ct := multipartBody(t, fields)
		res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", body, "Content-Type", ct)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), `"field":"title"`) || !strings.Contains(string(b), "Tối đa 200 ký tự") {
			t.Errorf("a 70 KB title: %d %s", res.StatusCode, b)
		}
		many := validPetition(ta, t)
		for i := 0; i < 70; i++ {
			many[fmt.Sprintf("x%d", i)] = "1"
		}
		body, ct = multipartBody(t, many)
		res, b = ta.do(t, http.MethodPost, "/api/v1/petitions?lang=en", body, "Content-Type", ct)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "at most 64") {
			t.Errorf("70 fields: %d %s", res.StatusCode, b)
		}
		if n := ta.countCases(t); n != 0 {
			t.Errorf("%d cases stored", n)
		}
	})
}
