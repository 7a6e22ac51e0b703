package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/config"
)

// loginFrom posts the login form from a client address and returns the
// status and the page.
func (b *browser) loginFrom(ip, email, password string) (*http.Response, string) {
	b.t.Helper()
	_, body := b.do(http.MethodGet, "/login", nil, "X-Forwarded-For", ip)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token in the login form")
	}
	req := url.Values{"csrf": {m[1]}, "email": {email}, "password": {password}}
	return b.do(http.MethodPost, "/login", req, "X-Forwarded-For", ip)
}

// A locked account answers exactly as an unknown one and a wrong
// password, so the form cannot tell which e-mails have accounts.
func TestLockedAccountLooksUnknown(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "khoa@sxd.test", "PQLXD", access.UnitOfficer)
		b := ta.browser(t)
		for i := 0; i < 5; i++ {
			b.login("khoa@sxd.test", "sai mật khẩu")
		}
		message := func(email, pw string) (int, string) {
			_, body := b.get("/login")
			m := csrfField.FindStringSubmatch(body)
			res, body := b.do(http.MethodPost, "/login", url.Values{"csrf": {m[1]}, "email": {email}, "password": {pw}})
			i := strings.Index(body, `role="alert"`)
			if i < 0 {
				return res.StatusCode, ""
			}
			end := strings.Index(body[i:], "</")
			return res.StatusCode, body[i : i+end]
		}
		lockedStatus, locked := message("khoa@sxd.test", testPassword)
		unknownStatus, unknown := message("khong-co@sxd.test", testPassword)
		if locked == "" || locked != unknown || lockedStatus != unknownStatus {
			t.Errorf("locked %d %q\nunknown %d %q", lockedStatus, locked, unknownStatus, unknown)
		}
	})
}

// Login failures are limited per client address too: guessing across
// many accounts from one address stops, with Retry-After, while another
// address still signs in.
func TestLoginLimitedPerAddress(t *testing.T) {
	opts := func(c *config.Config) {
		c.Auth.LoginIPFailures = 3
		c.HTTP.TrustedNets = trustLoopback(t)
	}
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "dung@sxd.test", "PQLXD", access.UnitOfficer)
		b := ta.browser(t)
		for i, email := range []string{"a@sxd.test", "b@sxd.test", "c@sxd.test"} {
			if res, _ := b.loginFrom("198.51.100.9", email, "đoán mò "+email); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i, res.StatusCode)
			}
		}
		res, body := b.loginFrom("198.51.100.9", "dung@sxd.test", testPassword)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "quá nhiều lần đăng nhập sai") {
			t.Errorf("4th try from the address: %d Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
		if res, _ := ta.browser(t).loginFrom("198.51.100.10", "dung@sxd.test", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Errorf("another address: %d", res.StatusCode)
		}
		ta.Clock.Advance(15 * time.Minute)
		if res, _ := ta.browser(t).loginFrom("198.51.100.9", "dung@sxd.test", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Errorf("after the window: %d", res.StatusCode)
		}
	}, opts)
}
