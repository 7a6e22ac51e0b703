package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/audit"
)

// testPassword passes the password policy; every test account uses it.
const testPassword = "đèo Mẫu Sơn mùa đông"

// addStaff creates an account through the service, as the CLI does, with
// testPassword (so no forced change).
func (ta *testApp) addStaff(t *testing.T, email, unit string, roles ...access.Role) access.Account {
	t.Helper()
	acc, _, err := ta.accounts.CreateAccount(context.Background(), access.System("test"),
		access.NewAccount{Email: email, Name: "Cán bộ " + strings.Split(email, "@")[0], UnitCode: unit, Roles: roles, Password: testPassword})
	if err != nil {
		t.Fatalf("add %s: %v", email, err)
	}
	return acc
}

// staffToken creates an account with roles and an API token for it, and
// returns the Authorization header value.
func (ta *testApp) staffToken(t *testing.T, unit string, roles ...access.Role) string {
	t.Helper()
	email := fmt.Sprintf("token-%s-%d@sxd.test", strings.ToLower(strings.ReplaceAll(access.JoinRoles(roles), ",", "-")), len(ta.mustAccounts(t)))
	ta.addStaff(t, email, unit, roles...)
	_, secret, err := ta.accounts.CreateToken(context.Background(), access.System("test"), email, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + secret
}

func (ta *testApp) mustAccounts(t *testing.T) []access.Account {
	t.Helper()
	l, err := ta.accounts.ListAccounts(context.Background(), access.System("test"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// browser is a cookie-keeping client that does not follow redirects, so a
// test sees each 303.
type browser struct {
	t   *testing.T
	ta  *testApp
	c   *http.Client
	url *url.URL
}

func (ta *testApp) browser(t *testing.T) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(ta.Server.URL)
	return &browser{t: t, ta: ta, url: u, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) do(method, path string, form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.ta.Server.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res, string(data)
}

func (b *browser) get(path string) (*http.Response, string) { return b.do(http.MethodGet, path, nil) }

// page gets path and fails the test unless it answers 200.
func (b *browser) page(path string) string {
	b.t.Helper()
	res, page := b.get(path)
	if res.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	return page
}

// pageHas fails the test for each text of want that page, called name in
// the failure, lacks.
func pageHas(t *testing.T, name, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", name, w)
		}
	}
}

// post sends a form with the session's CSRF token added.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf())
	}
	return b.do(http.MethodPost, path, form)
}

// session returns the session cookie's value, "" when there is none.
func (b *browser) session() string {
	for _, c := range b.c.Jar.Cookies(b.url) {
		if c.Name == accesshttp.CookieName {
			return c.Value
		}
	}
	return ""
}

func (b *browser) setSession(v string) {
	b.c.Jar.SetCookies(b.url, []*http.Cookie{{Name: accesshttp.CookieName, Value: v, Path: "/"}})
}

func (b *browser) csrf() string {
	if s := b.session(); s != "" {
		return access.CSRFToken(s)
	}
	return ""
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs in through the login form as a person would: GET the form,
// take its CSRF token, POST the credentials.
func (b *browser) login(email, password string) *http.Response {
	b.t.Helper()
	res, body := b.get("/login")
	if res.StatusCode != http.StatusOK {
		b.t.Fatalf("GET /login: %d", res.StatusCode)
	}
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token in the login form")
	}
	res, _ = b.do(http.MethodPost, "/login", url.Values{"csrf": {m[1]}, "email": {email}, "password": {password}})
	return res
}

// mustLogin logs in and checks it worked.
func (b *browser) mustLogin(email string) {
	b.t.Helper()
	res := b.login(email, testPassword)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") == "/staff/password" {
		b.t.Fatalf("login %s: %d → %s", email, res.StatusCode, res.Header.Get("Location"))
	}
}

// submitCase files a case through the public intake API, as a citizen
// would, and returns its id and tracking code.
func (ta *testApp) submitCase(t *testing.T, kind, name, phone, content string, keepSecret bool) (int64, string) {
	t.Helper()
	var topics struct {
		Topics []struct{ Id int64 }
	}
	ta.getJSON(t, "/api/v1/topics", 200, &topics)
	if len(topics.Topics) == 0 {
		t.Fatal("no topics")
	}
	body, _ := json.Marshal(map[string]any{"kind": kind, "topic_id": topics.Topics[0].Id, "title": "Cán bộ X nhận tiền",
		"content": content, "name": name, "phone": phone, "address": "Số 7 đường Bà Triệu, Lạng Sơn",
		"consent": true, "keep_identity_secret": keepSecret})
	res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", bytes.NewReader(body), "Content-Type", "application/json")
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %s", res.StatusCode, b)
	}
	var rec struct{ Code string }
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := ta.db.Gorm.Raw("SELECT id FROM cases WHERE code = ?", rec.Code).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("case %s: %v", rec.Code, err)
	}
	return id, rec.Code
}

// assign sets a case's lead and coordinating units directly: the
// assignment workflow is a later issue.
func (ta *testApp) assign(t *testing.T, caseID int64, lead string, coordinating ...string) {
	t.Helper()
	unit := func(code string) int64 {
		u, err := ta.units.UnitByCode(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	if err := ta.db.Gorm.Exec("UPDATE cases SET lead_unit_id = ? WHERE id = ?", unit(lead), caseID).Error; err != nil {
		t.Fatal(err)
	}
	for _, c := range coordinating {
		if err := ta.db.Gorm.Exec("INSERT INTO case_units (case_id, unit_id, role) VALUES (?, ?, 'coordinate')", caseID, unit(c)).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// grantIdentity gives an account identity.read as the office's head does.
func (ta *testApp) grantIdentity(t *testing.T, to access.Account) {
	t.Helper()
	head := ta.addStaff(t, fmt.Sprintf("chanh-vp-%d@sxd.test", to.ID), "VP", access.UnitHead)
	if err := ta.accounts.SetIdentityGrant(context.Background(), head.Actor("session"), to.ID, true); err != nil {
		t.Fatal(err)
	}
}

func auditFilterAction(action string) audit.Filter { return audit.Filter{Action: action} }

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// randomRun matches what a run makes at random and a page, message or row
// may carry: a test server's address with its port, and a token (a CSRF
// token, a secret, a request id, a signature), taken as a run of 16 or
// more letters, digits, '-' and '_'.
var randomRun = regexp.MustCompile(`127\.0\.0\.1:\d+|[A-Za-z0-9_-]{16,}`)

// carries reports whether text carries leak. A leak of digits only (a
// phone number's first four, say) is looked for outside randomRun's
// matches: "0913" is in port 40913, or in one random token of some
// thousands, and a check for it failed now and then on a page that
// showed no phone. Any other leak is looked for in the whole text.
func carries(text, leak string) bool {
	if strings.Trim(leak, "0123456789 ") == "" {
		text = randomRun.ReplaceAllString(text, "…")
	}
	return strings.Contains(text, leak)
}

// TestCarriesLooksPastRandomRuns: the leak checks still find a phone's
// digits wherever a page or message shows them, and not in a port or a
// token that holds them by chance.
func TestCarriesLooksPastRandomRuns(t *testing.T) {
	for _, c := range []struct {
		text, leak string
		want       bool
	}{
		{"ĐT: 0913 777 888", "0913", true},
		{"ĐT: 0913777888.", "0913", true},
		{"/lookup?phone=0913777888&x=1", "0913", true},
		{"<td>0913 *** ***</td>", "0913", true},
		{"số 777 888", "777 888", true},
		{"http://127.0.0.1:40913/lich-tiep-cong-dan/danh-gia/2/rh2p7g4rxoe65qhf", "0913", false},
		{`<meta name="csrf-token" content="HbaTBzY5RHOu0913YbLd6uu9YwfecWzJPTWe83NTjc">`, "0913", false},
		{"request 3f0913ab-77c1-4d2e-9a0b-1c2d3e4f5a6b", "0913", false},
		// Other leaks are looked for everywhere, tokens included.
		{"unit-PQLXD-officers-of-the-month", "PQLXD", true},
		{"Lý Văn Mật", "Mật", true},
	} {
		if got := carries(c.text, c.leak); got != c.want {
			t.Errorf("carries(%q, %q) = %v, want %v", c.text, c.leak, got, c.want)
		}
	}
}
