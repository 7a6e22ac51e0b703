package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/access/accesshttp"
	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/httpapi"
)

func TestLoginAndLogout(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "an@sxd.test", "PQLXD", access.UnitOfficer)
		b := ta.browser(t)

		// Anonymous: the staff pages send to the login page and come back.
		res, _ := b.get("/staff/inbox")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fstaff%2Finbox" {
			t.Fatalf("anonymous inbox: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		_, body := b.get("/login?next=%2Fstaff%2Finbox")
		if !strings.Contains(body, `name="next" value="/staff/inbox"`) {
			t.Errorf("next not carried: %s", body)
		}
		m := csrfField.FindStringSubmatch(body)
		res, _ = b.do(http.MethodPost, "/login", url.Values{"csrf": {m[1]}, "email": {"AN@sxd.test"}, "password": {testPassword}, "next": {"/staff/inbox"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/inbox" {
			t.Fatalf("login: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		ck := res.Cookies()
		if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteLaxMode || ck[0].Secure || ck[0].Path != "/" {
			t.Errorf("session cookie attributes: %+v", ck)
		}
		res, body = b.get("/staff/inbox")
		if res.StatusCode != 200 || !strings.Contains(body, "Cán bộ an") || !strings.Contains(body, "Phòng Quản lý xây dựng") || !strings.Contains(body, "chuyên viên") {
			t.Fatalf("inbox after login: %d\n%s", res.StatusCode, body)
		}
		var me httpapi.Me
		res, body = b.get("/api/v1/me")
		if err := json.Unmarshal([]byte(body), &me); err != nil || me.Email != "an@sxd.test" || me.Unit == nil || me.Unit.Code != "PQLXD" ||
			len(me.Roles) != 1 || me.Roles[0] != "unit_officer" || me.Via != "session" || me.IdentityRead {
			t.Errorf("GET /me: %d %s", res.StatusCode, body)
		}
		// An open redirect through next is refused.
		b2 := ta.browser(t)
		_, body = b2.get("/login?next=https://evil.example/")
		m = csrfField.FindStringSubmatch(body)
		res, _ = b2.do(http.MethodPost, "/login", url.Values{"csrf": {m[1]}, "email": {"an@sxd.test"}, "password": {testPassword}, "next": {"//evil.example/x"}})
		if loc := res.Header.Get("Location"); loc != "/staff" {
			t.Errorf("next=//evil: redirected to %q", loc)
		}

		// Logout ends the session in the database, not just in the browser.
		secret := b.session()
		res, _ = b.post("/logout", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?out=1" {
			t.Fatalf("logout: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		replay := ta.browser(t)
		replay.setSession(secret)
		if res, _ := replay.get("/staff/inbox"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the old cookie still works after logout: %d", res.StatusCode)
		}
		if res, _ := replay.get("/api/v1/me"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET /me with the old cookie: %d", res.StatusCode)
		}
		var n int64
		ta.db.Gorm.Table("sessions").Where("id_hash = ?", access.HashSecret(secret)).Count(&n)
		if n != 0 {
			t.Error("the session row survived logout")
		}
	})
}

func TestSessionIdleAndAbsoluteTimeout(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "an@sxd.test", "PQLXD", access.UnitOfficer)
		b := ta.browser(t)
		b.mustLogin("an@sxd.test")
		// Activity keeps the session alive: 25 minutes, then 25 more.
		for i := 0; i < 2; i++ {
			ta.Clock.Advance(25 * time.Minute)
			if res, _ := b.get("/staff/inbox"); res.StatusCode != 200 {
				t.Fatalf("after %d×25 min of activity: %d", i+1, res.StatusCode)
			}
		}
		// 31 idle minutes end it, and the row is deleted.
		ta.Clock.Advance(31 * time.Minute)
		res, _ := b.get("/staff/inbox")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Fatalf("after 31 idle minutes: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		var n int64
		ta.db.Gorm.Table("sessions").Where("account_id IS NOT NULL").Count(&n)
		if n != 0 {
			t.Errorf("%d expired sessions left", n)
		}

		// The absolute timeout ends even a busy session after 12 hours.
		b.mustLogin("an@sxd.test")
		for elapsed := time.Duration(0); elapsed < 12*time.Hour-20*time.Minute; elapsed += 20 * time.Minute {
			ta.Clock.Advance(20 * time.Minute)
			if res, _ := b.get("/staff/inbox"); res.StatusCode != 200 {
				t.Fatalf("busy session ended early, after %s: %d", elapsed+20*time.Minute, res.StatusCode)
			}
		}
		ta.Clock.Advance(25 * time.Minute)
		if res, _ := b.get("/staff/inbox"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("session alive past the absolute timeout: %d", res.StatusCode)
		}
	})
}

// A session id planted before login (session fixation) is replaced at
// login, and the planted value never becomes authenticated.
func TestSessionIDRotatedAtLogin(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "an@sxd.test", "PQLXD", access.UnitOfficer)
		victim := ta.browser(t)
		// The attacker fetches the login page, gets a real pre-login session
		// and plants its id in the victim's browser.
		attacker := ta.browser(t)
		attacker.get("/login")
		planted := attacker.session()
		if planted == "" {
			t.Fatal("no pre-login session")
		}
		victim.setSession(planted)
		_, body := victim.get("/login")
		if victim.session() != planted {
			t.Fatal("the test did not manage to plant the session")
		}
		m := csrfField.FindStringSubmatch(body)
		res, _ := victim.do(http.MethodPost, "/login", url.Values{"csrf": {m[1]}, "email": {"an@sxd.test"}, "password": {testPassword}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", res.StatusCode)
		}
		if got := victim.session(); got == "" || got == planted {
			t.Fatalf("session id not rotated at login: %q", got)
		}
		if res, _ := victim.get("/api/v1/me"); res.StatusCode != 200 {
			t.Errorf("victim not signed in: %d", res.StatusCode)
		}
		if res, body := attacker.get("/api/v1/me"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("the planted id is signed in: %d %s", res.StatusCode, body)
		}
		var n int64
		ta.db.Gorm.Table("sessions").Where("id_hash = ?", access.HashSecret(planted)).Count(&n)
		if n != 0 {
			t.Error("the pre-login session survived the login")
		}
		// An invented id is not adopted either.
		forged := ta.browser(t)
		forged.setSession("attacker-chosen-value")
		forged.get("/login")
		if forged.session() == "attacker-chosen-value" {
			t.Error("an unknown session id was kept")
		}
	})
}

func TestCSRFRequired(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "admin@sxd.test", "", access.Admin)
		b := ta.browser(t)
		b.mustLogin("admin@sxd.test")
		create := url.Values{"email": {"moi@sxd.test"}, "name": {"Người mới"}, "role": {"office"}}
		for _, tc := range []struct {
			name  string
			token string
		}{{"no token", ""}, {"wrong token", "AAAA"}, {"token of another session", access.CSRFToken("another-session")}} {
			f := url.Values{}
			for k, v := range create {
				f[k] = v
			}
			if tc.token != "" {
				f.Set("csrf", tc.token)
			}
			res, body := b.do(http.MethodPost, "/staff/admin/users", f)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Biểu mẫu đã hết hạn") {
				t.Errorf("%s: %d", tc.name, res.StatusCode)
			}
		}
		if n := len(ta.mustAccounts(t)); n != 1 {
			t.Fatalf("an account was created without a valid CSRF token (%d accounts)", n)
		}
		// The same post with the token goes through.
		res, body := b.post("/staff/admin/users", create)
		if res.StatusCode != 200 || !strings.Contains(body, "moi@sxd.test") || !strings.Contains(body, "secret-value") {
			t.Fatalf("with token: %d", res.StatusCode)
		}
		// The JSON API with a session cookie needs the header too; with a
		// bearer token it does not (a browser never sends one by itself).
		res, _ = b.do(http.MethodPost, "/api/v1/staff/cases/1/identity", nil)
		if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusBadRequest {
			t.Errorf("API POST with cookie, no CSRF: %d", res.StatusCode)
		}
		// Logout needs it too: a cross-site form cannot log a user out.
		res, _ = b.do(http.MethodPost, "/logout", url.Values{})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("logout without token: %d", res.StatusCode)
		}
		// The login form itself is protected (login CSRF).
		fresh := ta.browser(t)
		fresh.get("/login")
		res, _ = fresh.do(http.MethodPost, "/login", url.Values{"email": {"admin@sxd.test"}, "password": {testPassword}})
		if res.StatusCode != http.StatusForbidden || fresh.csrf() == "" {
			t.Errorf("login without token: %d", res.StatusCode)
		}
		if res, _ := fresh.get("/api/v1/me"); res.StatusCode != http.StatusUnauthorized {
			t.Error("login without CSRF token signed in")
		}
	})
}

func TestLockoutAfterRepeatedFailures(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		acc := ta.addStaff(t, "an@sxd.test", "PQLXD", access.UnitOfficer)
		b := ta.browser(t)
		for i := 1; i <= 4; i++ {
			if res := b.login("an@sxd.test", "sai mật khẩu "+string(rune('0'+i))); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i, res.StatusCode)
			}
		}
		// A success in between would reset the count; here the fifth
		// failure locks.
		b.login("an@sxd.test", "sai lần năm")
		res := b.login("an@sxd.test", testPassword)
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("the right password during the lock: %d", res.StatusCode)
		}
		_, body := b.get("/login")
		_ = body
		ta.Clock.Advance(14 * time.Minute)
		if res := b.login("an@sxd.test", testPassword); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("still locked after 14 min: %d", res.StatusCode)
		}
		ta.Clock.Advance(2 * time.Minute)
		if res := b.login("an@sxd.test", testPassword); res.StatusCode != http.StatusSeeOther {
			t.Errorf("not unlocked after 16 min: %d", res.StatusCode)
		}
		// The lock is in the application log, without the password…
		logs := ta.Logs.String()
		if !strings.Contains(logs, "account locked after repeated login failures") {
			t.Error("the lock was not logged")
		}
		for _, pw := range []string{"sai mật khẩu", "sai lần năm", testPassword} {
			if strings.Contains(logs, pw) {
				t.Errorf("a password is in the log: %q", pw)
			}
		}
		// …and in the audit trail.
		rows, err := ta.trail.List(context.Background(), access.Actor{AccountID: -1, Roles: []access.Role{access.Auditor}},
			audit.Filter{Action: "account.locked"})
		if err != nil || len(rows) != 1 || rows[0].EntityID != itoa(acc.ID) {
			t.Errorf("lock audit rows: %+v %v", rows, err)
		}
	})
}

func TestLockedMessageShown(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "an@sxd.test", "PQLXD", access.UnitOfficer)
		b := ta.browser(t)
		for i := 0; i < 5; i++ {
			b.login("an@sxd.test", "sai mật khẩu")
		}
		_, body := b.get("/login")
		m := csrfField.FindStringSubmatch(body)
		res, body := b.do(http.MethodPost, "/login", url.Values{"csrf": {m[1]}, "email": {"an@sxd.test"}, "password": {testPassword}})
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "tạm khóa") {
			t.Errorf("locked page: %d", res.StatusCode)
		}
	})
}

func TestOneTimePasswordMustBeChanged(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		_, pw, err := ta.accounts.CreateAccount(context.Background(), access.System("test"),
			access.NewAccount{Email: "moi@sxd.test", Name: "Người mới", UnitCode: "PQLXD", Roles: []access.Role{access.UnitOfficer}})
		if err != nil || pw == "" {
			t.Fatal(err)
		}
		b := ta.browser(t)
		res := b.login("moi@sxd.test", pw)
		if res.Header.Get("Location") != "/staff/password" {
			t.Fatalf("first login went to %q", res.Header.Get("Location"))
		}
		if res, _ := b.get("/staff/inbox"); res.Header.Get("Location") != "/staff/password" {
			t.Errorf("inbox before the change: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ := b.get("/api/v1/staff/cases"); res.StatusCode != http.StatusForbidden {
			t.Errorf("API before the change: %d", res.StatusCode)
		}
		res, body := b.post("/staff/password", url.Values{"current": {pw}, "password": {"matkhau2026!"}, "confirm": {"matkhau2026!"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "quá phổ biến") {
			t.Errorf("common password: %d", res.StatusCode)
		}
		old := b.session()
		res, _ = b.post("/staff/password", url.Values{"current": {pw}, "password": {testPassword}, "confirm": {testPassword}})
		if res.StatusCode != http.StatusSeeOther || b.session() == old {
			t.Fatalf("change: %d", res.StatusCode)
		}
		if res, _ := b.get("/staff/inbox"); res.StatusCode != 200 {
			t.Errorf("inbox after the change: %d", res.StatusCode)
		}
		if res := ta.browser(t).login("moi@sxd.test", pw); res.StatusCode != http.StatusUnauthorized {
			t.Error("the one-time password still works")
		}
	})
}

func TestAPITokens(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		acc := ta.addStaff(t, "vp@sxd.test", "VP", access.Office, access.Leadership)
		tok, secret, err := ta.accounts.CreateToken(ctx, access.System("test"), "vp@sxd.test", "sync", []access.Role{access.Leadership})
		if err != nil || !strings.HasPrefix(secret, access.TokenPrefix) {
			t.Fatal(err)
		}
		var me httpapi.Me
		ta.getJSON(t, "/api/v1/me", 200, &me, "Authorization", "Bearer "+secret)
		if me.Via != "token" || len(me.Roles) != 1 || me.Roles[0] != "leadership" {
			t.Errorf("token /me: %+v", me)
		}
		// Only the hash is stored.
		var stored string
		ta.db.Gorm.Raw("SELECT token_hash FROM api_tokens WHERE id = ?", tok.ID).Scan(&stored)
		if stored != access.HashSecret(secret) || strings.Contains(stored, secret) {
			t.Errorf("stored %q", stored)
		}
		// Roles beyond the account's are refused.
		if _, _, err := ta.accounts.CreateToken(ctx, access.System("test"), "vp@sxd.test", "x", []access.Role{access.Admin}); err == nil {
			t.Error("a token with a role the account lacks")
		}
		// A token POST needs no CSRF token.
		res, _ := ta.do(t, http.MethodPost, "/api/v1/staff/cases/999/identity", strings.NewReader(`{"reason":"kiểm tra"}`),
			"Content-Type", "application/json", "Authorization", "Bearer "+secret)
		if res.StatusCode != http.StatusForbidden { // leadership without the grant
			t.Errorf("token POST: %d", res.StatusCode)
		}
		// A bad token is refused outright, not treated as anonymous.
		res, _ = ta.do(t, http.MethodGet, "/api/v1/plans", nil, "Authorization", "Bearer pdt_nope")
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("bad token on a public route: %d", res.StatusCode)
		}
		// A token of a person holding the identity grant still cannot
		// reveal: that is a person's act.
		officer := ta.addStaff(t, "an@sxd.test", "PQLXD", access.UnitOfficer)
		ta.grantIdentity(t, officer)
		caseID, _ := ta.submitCase(t, "to_cao", "Bùi Văn Kín", "0977123123", "Tôi tố cáo cán bộ Y có hành vi nhũng nhiễu người dân khi làm thủ tục.", true)
		ta.assign(t, caseID, "PQLXD")
		_, osecret, err := ta.accounts.CreateToken(ctx, access.System("test"), "an@sxd.test", "officer", nil)
		if err != nil {
			t.Fatal(err)
		}
		res, b := ta.do(t, http.MethodPost, "/api/v1/staff/cases/"+itoa(caseID)+"/identity", strings.NewReader(`{"reason":"đồng bộ dữ liệu"}`),
			"Content-Type", "application/json", "Authorization", "Bearer "+osecret)
		if res.StatusCode != http.StatusForbidden || strings.Contains(string(b), "Bùi Văn Kín") {
			t.Errorf("reveal with a token: %d %s", res.StatusCode, b)
		}
		ob := ta.browser(t)
		ob.mustLogin("an@sxd.test")
		res, _ = ob.post("/staff/cases/"+itoa(caseID)+"/identity", url.Values{"reason": {"Xác minh theo yêu cầu"}})
		if res.StatusCode != 200 {
			t.Errorf("the same person in a browser session: %d", res.StatusCode)
		}
		// Revoked: refused at once.
		if err := ta.accounts.RevokeToken(ctx, access.System("test"), tok.ID); err != nil {
			t.Fatal(err)
		}
		ta.getJSON(t, "/api/v1/me", 401, nil, "Authorization", "Bearer "+secret)
		// A token of a disabled account is refused.
		_, s2, _ := ta.accounts.CreateToken(ctx, access.System("test"), "vp@sxd.test", "two", nil)
		ta.getJSON(t, "/api/v1/me", 200, nil, "Authorization", "Bearer "+s2)
		f := false
		if _, err := ta.accounts.UpdateAccount(ctx, access.System("test"), acc.ID, access.AccountUpdate{Active: &f}); err != nil {
			t.Fatal(err)
		}
		ta.getJSON(t, "/api/v1/me", 401, nil, "Authorization", "Bearer "+s2)
		if !strings.Contains(ta.Logs.String(), `"route":"/api/v1/me"`) || strings.Contains(ta.Logs.String(), secret) {
			t.Error("token in the log, or no access log")
		}
	})
}

// Disabling an account ends its open sessions at once.
func TestDisableEndsSessions(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		acc := ta.addStaff(t, "an@sxd.test", "PQLXD", access.UnitOfficer)
		ta.addStaff(t, "admin@sxd.test", "", access.Admin)
		user := ta.browser(t)
		user.mustLogin("an@sxd.test")
		admin := ta.browser(t)
		admin.mustLogin("admin@sxd.test")
		res, body := admin.post("/staff/admin/users/"+itoa(acc.ID), url.Values{"unit": {"PQLXD"}, "role": {"unit_officer"}})
		if res.StatusCode != 200 || !strings.Contains(body, "Đã lưu") {
			t.Fatalf("disable: %d", res.StatusCode)
		}
		if res, _ := user.get("/staff/inbox"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("a disabled account's session still works: %d", res.StatusCode)
		}
		if res := user.login("an@sxd.test", testPassword); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a disabled account logs in: %d", res.StatusCode)
		}
		_ = accesshttp.CookieName
	})
}
