package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/present"
)

// The denouncer's identity must not leak to anyone without the explicit
// grant: not in a page, an API response, an error, or a log line. A
// permitted officer reads it only by giving a reason, and that read is
// logged.
func TestDenouncerIdentityNeverLeaks(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		const (
			name      = "Hoàng Thị Bí Mật Lạc"
			phone     = "0966 123 457"
			phoneNorm = "0966123457"
		)
		secrets := []string{name, strings.ToLower(name), phone, phoneNorm, "966123457", "Bí Mật Lạc", "Số 7 đường Bà Triệu"}
		content := "Tôi là " + name + ", điện thoại " + phone + ". Tôi tố cáo cán bộ X nhận tiền khi làm thủ tục cấp phép."
		caseID, code := ta.submitCase(t, "to_cao", name, phone, content, true)
		ta.assign(t, caseID, "PQLXD", "PQHKT")
		// A second, ordinary case, so lists are not trivially empty.
		otherID, _ := ta.submitCase(t, "phan_anh", "Lê Văn Thường", "0912000111", "Đèn đường ở ngõ 5 phố Bà Triệu đã hỏng hơn một tuần nay.", true)
		ta.assign(t, otherID, "PQLXD")

		unpermitted := []struct {
			name  string
			unit  string
			roles []access.Role
		}{
			{"officer of the lead unit", "PQLXD", []access.Role{access.UnitOfficer}},
			{"head of the lead unit", "PQLXD", []access.Role{access.UnitHead}},
			{"officer of the coordinating unit", "PQHKT", []access.Role{access.UnitOfficer}},
			{"officer of an unrelated unit", "TTRA", []access.Role{access.UnitOfficer}},
			{"office", "VP", []access.Role{access.Office}},
			{"office head", "VP", []access.Role{access.UnitHead, access.Office}},
			{"leadership", "", []access.Role{access.Leadership}},
			{"admin", "", []access.Role{access.Admin}},
			{"auditor", "", []access.Role{access.Auditor}},
			{"every role at once, no grant", "VP", access.AllRoles()},
		}
		id := itoa(caseID)
		pages := []string{"/staff", "/staff/inbox", "/staff/cases/" + id, "/staff/audit", "/staff/admin/users", "/staff/grants",
			"/staff/password", "/api/v1/me", "/api/v1/staff/cases", "/api/v1/staff/cases/" + id, "/api/v1/audit",
			"/api/v1/audit?entity=case", "/api/v1/audit/identity-access", "/api/v1/staff/cases/" + id + "?lang=en", "/staff/cases/" + id + "?lang=en",
			// The workflow: the filtered list, the full case with its trail.
			"/api/v1/cases", "/api/v1/cases?kind=to_cao", "/api/v1/cases/" + code, "/staff/inbox?all=1&kind=to_cao"}
		check := func(who, where, body string) {
			t.Helper()
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("%s: %q appears in %s", who, s, where)
				}
			}
		}
		sawCase := 0
		for i, u := range unpermitted {
			acc := ta.addStaff(t, "leak"+itoa(int64(i))+"@sxd.test", u.unit, u.roles...)
			b := ta.browser(t)
			b.mustLogin(acc.Email)
			for _, p := range pages {
				res, body := b.get(p)
				if res.StatusCode >= 500 {
					t.Errorf("%s GET %s: %d", u.name, p, res.StatusCode)
				}
				if res.StatusCode == 200 && strings.HasPrefix(p, "/staff/cases/") && strings.Contains(body, code) {
					sawCase++
					if !strings.Contains(body, "giữ bí mật") && !strings.Contains(body, "kept secret") {
						t.Errorf("%s: the case page does not say the identity is secret", u.name)
					}
				}
				check(u.name, "GET "+p, body)
			}
			// Trying to reveal without the grant: refused, and the refusal
			// says nothing either.
			res, body := b.post("/staff/cases/"+id+"/identity", url.Values{"reason": {"tò mò"}})
			if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
				t.Errorf("%s reveal: %d", u.name, res.StatusCode)
			}
			check(u.name, "POST reveal", body)
			req, _ := http.NewRequest(http.MethodPost, ta.Server.URL+"/api/v1/staff/cases/"+id+"/identity", strings.NewReader(`{"reason":"tò mò quá"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", b.csrf())
			res2, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var eb present.ErrorBody
			json.NewDecoder(res2.Body).Decode(&eb)
			res2.Body.Close()
			if res2.StatusCode != http.StatusForbidden && res2.StatusCode != http.StatusNotFound {
				t.Errorf("%s API reveal: %d", u.name, res2.StatusCode)
			}
			check(u.name, "API reveal error", eb.Message)
		}
		// The lead and coordinating units, the office and leadership saw the
		// case page (HTML and English HTML) without the identity.
		if sawCase < 2*7 {
			t.Errorf("the case page was seen %d times; the test did not exercise it", sawCase)
		}
		var n int64
		ta.db.Gorm.Table("identity_access_log").Count(&n)
		if n != 0 {
			t.Fatalf("%d identity reads logged before any permitted reveal", n)
		}

		// A permitted officer of the lead unit.
		permitted := ta.addStaff(t, "permitted@sxd.test", "PQLXD", access.UnitOfficer)
		ta.grantIdentity(t, permitted)
		b := ta.browser(t)
		b.mustLogin("permitted@sxd.test")
		_, body := b.get("/staff/cases/" + id)
		check("permitted, before revealing", "GET case", body)
		if !strings.Contains(body, `action="/staff/cases/`+id+`/identity"`) {
			t.Error("no reveal form for the permitted officer")
		}
		// A reason is required.
		res, _ := b.post("/staff/cases/"+id+"/identity", url.Values{"reason": {"  "}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("reveal without reason: %d", res.StatusCode)
		}
		ta.db.Gorm.Table("identity_access_log").Count(&n)
		if n != 0 {
			t.Fatal("a reveal without a reason was logged as a read")
		}
		res, body = b.post("/staff/cases/"+id+"/identity", url.Values{"reason": {"Xác minh nội dung tố cáo theo Điều 30"}})
		if res.StatusCode != 200 || !strings.Contains(body, name) || !strings.Contains(body, phoneNorm) {
			t.Fatalf("permitted reveal: %d, name shown %v", res.StatusCode, strings.Contains(body, name))
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("revealed page Cache-Control %q", cc)
		}
		var rows []struct {
			AccountID int64
			CaseID    int64
			Reason    string
			RequestID string
		}
		ta.db.Gorm.Raw("SELECT account_id, case_id, reason, request_id FROM identity_access_log").Scan(&rows)
		if len(rows) != 1 || rows[0].AccountID != permitted.ID || rows[0].CaseID != caseID ||
			rows[0].Reason != "Xác minh nội dung tố cáo theo Điều 30" || rows[0].RequestID == "" {
			t.Errorf("access log: %+v", rows)
		}
		// The API reveal logs another row.
		req, _ := http.NewRequest(http.MethodPost, ta.Server.URL+"/api/v1/staff/cases/"+id+"/identity", strings.NewReader(`{"reason":"Đối chiếu chữ ký"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", b.csrf())
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var ident httpapi.Identity
		json.NewDecoder(res.Body).Decode(&ident)
		res.Body.Close()
		if res.StatusCode != 200 || ident.Name != name || ident.Phone != phoneNorm {
			t.Errorf("API reveal: %d %+v", res.StatusCode, ident)
		}
		ta.db.Gorm.Table("identity_access_log").Count(&n)
		if n != 2 {
			t.Errorf("%d access-log rows after two reveals", n)
		}
		// The auditor sees who read it and why, never what.
		aud := ta.addStaff(t, "auditor2@sxd.test", "", access.Auditor)
		ab := ta.browser(t)
		ab.mustLogin(aud.Email)
		_, body = ab.get("/staff/audit")
		if !strings.Contains(body, "Xác minh nội dung tố cáo") || !strings.Contains(body, "permitted@sxd.test") {
			t.Error("the auditor's page does not show the access log")
		}
		check("auditor after reveals", "/staff/audit", body)

		// No log line, from intake to reveal, carries the identity.
		for _, line := range strings.Split(ta.Logs.String(), "\n") {
			check("log", "a log line", line)
		}
		if !strings.Contains(ta.Logs.String(), "identity revealed") {
			t.Error("the reveal is not in the application log")
		}
	})
}

// Petitioners of other kinds: contact only for the staff working on the
// case (NĐ 154/2026 Art. 12(2)); a denouncer who waived secrecy is one of
// them, with the waiver shown.
func TestContactDataOnlyForCaseStaff(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		paknID, _ := ta.submitCase(t, "phan_anh", "Vũ Thị Phản Ánh", "0977000222", "Đèn đường ở ngõ 9 phố Tam Thanh đã hỏng hơn một tuần nay.", true)
		ta.assign(t, paknID, "PQLXD")
		waivedID, _ := ta.submitCase(t, "to_cao", "Đinh Văn Công Khai", "0977000333", "Tôi tố cáo và đồng ý công khai danh tính của mình với cơ quan.", false)
		ta.assign(t, waivedID, "PQLXD")
		for _, tc := range []struct {
			who       string
			unit      string
			role      access.Role
			status    int
			seesPhone bool
		}{
			{"officer of the unit", "PQLXD", access.UnitOfficer, 200, true},
			{"office", "VP", access.Office, 200, true},
			{"leadership", "", access.Leadership, 200, false},
			{"officer of another unit", "TTRA", access.UnitOfficer, 404, false},
		} {
			acc := ta.addStaff(t, strings.ReplaceAll(tc.who, " ", "-")+"@sxd.test", tc.unit, tc.role)
			b := ta.browser(t)
			b.mustLogin(acc.Email)
			for _, c := range []struct {
				id    int64
				phone string
			}{{paknID, "0977000222"}, {waivedID, "0977000333"}} {
				res, body := b.get("/api/v1/staff/cases/" + itoa(c.id))
				if res.StatusCode != tc.status {
					t.Errorf("%s case %d: %d", tc.who, c.id, res.StatusCode)
					continue
				}
				if got := strings.Contains(body, c.phone); got != tc.seesPhone {
					t.Errorf("%s case %d: sees phone %v, want %v", tc.who, c.id, got, tc.seesPhone)
				}
				if c.id == waivedID && res.StatusCode == 200 && !strings.Contains(body, `"waived":true`) {
					t.Errorf("%s: waiver not flagged: %s", tc.who, body)
				}
			}
		}
	})
}
