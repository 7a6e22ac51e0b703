package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
)

// sealedPerson is a denouncer whose identity is planted in the secrecy
// tests below.
const (
	sealName  = "Lê Thị Mật"
	sealPhone = "0915 123 456"
)

// sealLeaks lists the forms of sealPerson's identity found in body.
func sealLeaks(body string) []string {
	var out []string
	for _, s := range []string{sealName, "Thị Mật", "0915123456", "915123456", "915 123 456", "Số 7 đường Bà Triệu"} {
		if strings.Contains(body, s) {
			out = append(out, s)
		}
	}
	return out
}

// caseAsStaff reads a case through both staff APIs and fails on any form of
// the identity, or a petitioner marked shown.
func (ta *testApp) caseAsStaff(t *testing.T, who, tok string, id int64, code string) {
	t.Helper()
	var cd httpapi.CaseDetail
	b := ta.callJSON(t, "GET", "/api/v1/cases/"+code, tok, nil, 200, &cd)
	if cd.Petitioner.Shown || cd.Petitioner.Identity != nil || !cd.Petitioner.Secret {
		t.Errorf("%s: GET /cases/%s shows the petitioner: %+v", who, code, cd.Petitioner)
	}
	if l := sealLeaks(string(b)); len(l) > 0 {
		t.Errorf("%s: GET /cases/%s leaks %v", who, code, l)
	}
	b = ta.callJSON(t, "GET", "/api/v1/staff/cases/"+itoa(id), tok, nil, 200, nil)
	if l := sealLeaks(string(b)); len(l) > 0 || strings.Contains(string(b), `"shown":true`) {
		t.Errorf("%s: GET /staff/cases/%d leaks %v: %s", who, id, l, b)
	}
}

func (ta *testApp) sealed(t *testing.T, id int64) bool {
	t.Helper()
	var s []bool
	if err := ta.db.Gorm.Raw("SELECT identity_sealed FROM cases WHERE id = ?", id).Scan(&s).Error; err != nil || len(s) != 1 {
		t.Fatalf("identity_sealed of %d: %v", id, err)
	}
	return s[0]
}

func (ta *testApp) caseCode(t *testing.T, id int64) string {
	t.Helper()
	var code string
	ta.db.Gorm.Raw("SELECT code FROM cases WHERE id = ?", id).Scan(&code)
	return code
}

// Reclassifying a denunciation as a complaint must not let an office
// account without the grant read the identity. The seal follows the
// case's history: it stays secret under any kind, and the kind change is
// audited with the old kind.
func TestSealSurvivesReclassify(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		id, code := ta.submitCase(t, "to_cao", sealName, sealPhone, "Tôi tố cáo cán bộ X nhận tiền khi làm thủ tục cấp phép xây dựng.", true)
		if !ta.sealed(t, id) {
			t.Fatal("a denunciation under secrecy is not sealed at intake")
		}
		ta.assign(t, id, "PQLXD")
		for _, kind := range []string{"khieu_nai", "phan_anh", "kien_nghi"} {
			ta.callJSON(t, "POST", "/api/v1/cases/"+code+"/classify", office,
				map[string]any{"kind": kind, "eligible": true, "within_competence": true, "complexity": "none"}, 200, nil)
			if !ta.sealed(t, id) {
				t.Fatalf("classified as %s: the seal was cleared", kind)
			}
			ta.caseAsStaff(t, "office after classify as "+kind, office, id, code)
			ta.caseAsStaff(t, "unit officer after classify as "+kind, officer, id, code)
		}
		// The kind change is audited with the old and the new kind.
		var rows []struct{ BeforeJSON, AfterJSON string }
		ta.db.Gorm.Raw("SELECT before_json, after_json FROM audit_log WHERE action = 'case.classify' AND entity_id = ? ORDER BY id",
			itoa(id)).Scan(&rows)
		if len(rows) != 3 {
			t.Fatalf("%d classify audit rows", len(rows))
		}
		var before, after map[string]any
		json.Unmarshal([]byte(rows[0].BeforeJSON), &before)
		json.Unmarshal([]byte(rows[0].AfterJSON), &after)
		if before["kind"] != "to_cao" || after["kind"] != "khieu_nai" {
			t.Errorf("classify audit: before %v after %v", before, after)
		}
		if l := sealLeaks(rows[0].BeforeJSON + rows[0].AfterJSON); len(l) > 0 {
			t.Errorf("audit row leaks %v", l)
		}
		// A reveal is still possible, with the grant and a reason, and logged.
		permitted := ta.addStaff(t, "seal-permitted@sxd.test", "PQLXD", access.UnitOfficer)
		ta.grantIdentity(t, permitted)
		ident, err := ta.cases.RevealIdentity(context.Background(), ta.actorNow(t, permitted), id, "Xác minh theo Điều 30")
		if err != nil || ident.Name != sealName {
			t.Fatalf("permitted reveal after reclassification: %v %+v", err, ident)
		}
		var n int64
		ta.db.Gorm.Table("identity_access_log").Where("case_id = ?", id).Count(&n)
		if n != 1 {
			t.Errorf("%d access-log rows", n)
		}
		// A denouncer who waived secrecy is not sealed.
		wid, _ := ta.submitCase(t, "to_cao", "Đinh Văn Công Khai", "0977000333", "Tôi tố cáo và đồng ý công khai danh tính của mình.", false)
		if ta.sealed(t, wid) {
			t.Error("a waived denunciation is sealed")
		}
		// A complaint reclassified as a denunciation becomes sealed.
		cid, ccode := ta.submitCase(t, "khieu_nai", "Phạm Văn Khiếu", "0977000444", "Tôi khiếu nại quyết định xử phạt hành chính số 12.", true)
		if ta.sealed(t, cid) {
			t.Error("a complaint is sealed at intake")
		}
		ta.callJSON(t, "POST", "/api/v1/cases/"+ccode+"/classify", office,
			map[string]any{"kind": "to_cao", "eligible": true, "within_competence": true, "complexity": "none"}, 200, nil)
		if !ta.sealed(t, cid) {
			t.Error("a case classified as a denunciation is not sealed")
		}
	})
}

// A sealed case that turns out to be a second complaint still has its
// dialogue, and what the office types about it (place, participants, the
// minutes' result) is shown without the sealed identity, on the API and
// on the staff API, as every other free text of the case.
func TestSealedDialogueScrubbed(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		id, code := ta.submitCase(t, "to_cao", sealName, sealPhone, "Tôi tố cáo cán bộ X nhận tiền khi làm thủ tục cấp phép xây dựng.", true)
		ta.callJSON(t, "POST", "/api/v1/cases/"+code+"/classify", office,
			map[string]any{"kind": "khieu_nai", "round": 2, "eligible": true, "within_competence": true, "complexity": "none"}, 200, nil)
		ta.callJSON(t, "POST", "/api/v1/cases/"+code+"/accept", office, map[string]any{"decision_no": "50/QĐ-SXD"}, 200, nil)
		on := calendar.DateOf(ta.Clock.Now(), deadline.VietnamLocation()).AddDays(10).String()
		ta.callJSON(t, "POST", "/api/v1/cases/"+code+"/schedule_dialogue", office, map[string]any{"dialogue_on": on,
			"place": "Nhà ông " + sealName, "participants": "Phó Giám đốc Sở; ông " + sealName + " (điện thoại " + sealPhone + ")"}, 200, nil)
		if !ta.sealed(t, id) {
			t.Fatal("the case is not sealed")
		}
		ta.caseAsStaff(t, "office with a dialogue", office, id, code)
		var audit []string
		ta.db.Gorm.Raw("SELECT after_json FROM audit_log WHERE action = 'case.schedule_dialogue' AND entity_id = ?", itoa(id)).Scan(&audit)
		if len(audit) != 1 || len(sealLeaks(audit[0])) > 0 {
			t.Errorf("the scheduling's audit row: %v", audit)
		}
	})
}

// Splitting a denunciation must not copy the identity into children that
// show it: every child inherits the seal.
func TestSealSurvivesSplit(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		id, code := ta.submitCase(t, "to_cao", sealName, sealPhone, "Tôi tố cáo cán bộ X, đồng thời khiếu nại quyết định xử phạt số 12.", true)
		var res httpapi.CaseDetail
		ta.callJSON(t, "POST", "/api/v1/cases/"+code+"/split", office, map[string]any{"parts": []map[string]any{
			{"kind": "khieu_nai", "title": "Khiếu nại quyết định xử phạt", "content": "Khiếu nại quyết định xử phạt hành chính số 12 của Sở."},
			{"kind": "phan_anh", "title": "Phản ánh thủ tục", "content": "Phản ánh thủ tục cấp phép xây dựng còn rườm rà, kéo dài."},
		}}, 200, &res)
		var kids []int64
		ta.db.Gorm.Raw("SELECT case_id FROM case_links WHERE parent_id = ? ORDER BY case_id", id).Scan(&kids)
		if len(kids) != 2 {
			t.Fatalf("%d children", len(kids))
		}
		for _, k := range kids {
			if !ta.sealed(t, k) {
				t.Errorf("child %d is not sealed", k)
			}
			ta.assign(t, k, "PQLXD")
			ta.caseAsStaff(t, "office on a split child", office, k, ta.caseCode(t, k))
			ta.caseAsStaff(t, "unit officer on a split child", ta.staffToken(t, "PQLXD", access.UnitOfficer), k, ta.caseCode(t, k))
		}
	})
}

// Forward, guide and the follow-up of a disputed answer keep the seal.
func TestSealSurvivesForwardGuideFollowUp(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		// Forward: not within competence.
		fid, fcode := ta.submitCase(t, "to_cao", sealName, sealPhone, "Tôi tố cáo cán bộ Y của huyện nhận tiền khi làm thủ tục.", true)
		ta.callJSON(t, "POST", "/api/v1/cases/"+fcode+"/classify", office,
			map[string]any{"kind": "phan_anh", "eligible": true, "within_competence": false, "complexity": "none"}, 200, nil)
		ta.callJSON(t, "POST", "/api/v1/cases/"+fcode+"/forward", office, map[string]any{"to": "UBND huyện Cao Lộc"}, 200, nil)
		ta.caseAsStaff(t, "office after forward", office, fid, fcode)
		// Guide.
		gid, gcode := ta.submitCase(t, "to_cao", sealName, sealPhone, "Tôi tố cáo việc cấp phép sai cho công trình ở ngõ 3.", true)
		ta.callJSON(t, "POST", "/api/v1/cases/"+gcode+"/classify", office,
			map[string]any{"kind": "kien_nghi", "eligible": true, "within_competence": true, "complexity": "none"}, 200, nil)
		ta.callJSON(t, "POST", "/api/v1/cases/"+gcode+"/guide", office, map[string]any{"note": "Đề nghị gửi đến UBND huyện."}, 200, nil)
		ta.caseAsStaff(t, "office after guide", office, gid, gcode)
		// Follow-up: reclassified, answered, disputed by the citizen.
		topic := firstTopic(t, ta)
		_, b := ta.postJSON(t, "/api/v1/petitions", map[string]any{"kind": "to_cao", "topic_id": topic, "title": "Cán bộ Z kéo dài thủ tục",
			"content": "Tôi tố cáo cán bộ Z cố tình kéo dài thủ tục cấp phép.", "name": sealName, "phone": sealPhone,
			"address": "Số 7 đường Bà Triệu, Lạng Sơn", "consent": true, "keep_identity_secret": true})
		rec := decode[httpapi.PetitionReceipt](t, b)
		uid := ta.mustCaseIDInt(t, rec.Code)
		ta.callJSON(t, "POST", "/api/v1/cases/"+rec.Code+"/classify", office,
			map[string]any{"kind": "phan_anh", "eligible": true, "within_competence": true, "complexity": "none"}, 200, nil)
		ta.assign(t, uid, "PQLXD")
		if _, err := ta.intake.store.PublishAnswer(context.Background(), uid, "Đã kiểm tra và nhắc nhở cán bộ.", "Phòng QLXD", ta.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		ta.Clock.Advance(time.Hour)
		res, b := ta.postJSON(t, "/api/v1/petitions/"+rec.Code+"/dispute", map[string]any{"reason": "Cán bộ vẫn kéo dài thủ tục."},
			"X-Tracking-Secret", rec.Secret)
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("dispute: %d %s", res.StatusCode, b)
		}
		var follow []int64
		ta.db.Gorm.Raw("SELECT case_id FROM case_links WHERE parent_id = ? AND relation = 'follow_up'", uid).Scan(&follow)
		if len(follow) != 1 {
			t.Fatalf("%d follow-up cases", len(follow))
		}
		if !ta.sealed(t, follow[0]) {
			t.Error("the follow-up of a sealed case is not sealed")
		}
		ta.caseAsStaff(t, "office on the follow-up", office, follow[0], ta.caseCode(t, follow[0]))
		ta.caseAsStaff(t, "unit officer on the follow-up", ta.staffToken(t, "PQLXD", access.UnitOfficer), follow[0], ta.caseCode(t, follow[0]))
	})
}

// A refused reveal is recorded in the audit trail (who, which case, why),
// by the route guard (no grant) and by the per-case check (a grant, but
// not this case).
func TestRefusedRevealIsAudited(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		id, _ := ta.submitCase(t, "to_cao", sealName, sealPhone, "Tôi tố cáo cán bộ X nhận tiền khi làm thủ tục cấp phép xây dựng.", true)
		ta.assign(t, id, "PQLXD")
		plain, _ := ta.submitCase(t, "phan_anh", "Lê Văn Thường", "0912000111", "Đèn đường ở ngõ 5 phố Bà Triệu đã hỏng hơn một tuần nay.", true)
		refusals := func() []struct {
			ActorID  int64
			EntityID string
			After    string
		} {
			var rows []struct {
				ActorID  int64
				EntityID string
				After    string
			}
			ta.db.Gorm.Raw("SELECT actor_id, entity_id, after_json AS after FROM audit_log WHERE action = 'identity.reveal_refused' ORDER BY id").Scan(&rows)
			return rows
		}
		office := ta.addStaff(t, "refused-office@sxd.test", "VP", access.Office)
		_, secret, err := ta.accounts.CreateToken(context.Background(), access.System("test"), office.Email, "t", nil)
		if err != nil {
			t.Fatal(err)
		}
		ta.callJSON(t, "POST", "/api/v1/staff/cases/"+itoa(id)+"/identity", "Bearer "+secret, map[string]any{"reason": "tò mò quá"}, 403, nil)
		b := ta.browser(t)
		b.mustLogin(office.Email)
		if res, _ := b.post("/staff/cases/"+itoa(id)+"/identity", map[string][]string{"reason": {"tò mò quá"}}); res.StatusCode != 403 {
			t.Errorf("page reveal without grant: %d", res.StatusCode)
		}
		rows := refusals()
		if len(rows) != 2 {
			t.Fatalf("%d refusals recorded by the route guard: %+v", len(rows), rows)
		}
		for _, r := range rows {
			if r.ActorID != office.ID || r.EntityID != itoa(id) || !strings.Contains(r.After, "no_grant") {
				t.Errorf("route-guard refusal: %+v", r)
			}
		}
		// A granted officer of an unrelated unit, and a granted office clerk
		// on a case that is not sealed: the per-case check refuses both.
		other := ta.addStaff(t, "refused-other@sxd.test", "TTRA", access.UnitOfficer)
		ta.grantIdentity(t, other)
		if _, err := ta.cases.RevealIdentity(context.Background(), ta.actorNow(t, other), id, "Xác minh nội dung"); err == nil {
			t.Fatal("an unrelated unit revealed")
		}
		clerk := ta.addStaff(t, "refused-clerk@sxd.test", "VP", access.Office)
		ta.grantIdentity(t, clerk)
		if _, err := ta.cases.RevealIdentity(context.Background(), ta.actorNow(t, clerk), plain, "Xác minh nội dung"); err == nil {
			t.Fatal("a reveal of a case that is not sealed")
		}
		rows = refusals()
		if len(rows) != 4 || rows[2].ActorID != other.ID || !strings.Contains(rows[2].After, "case_not_visible") ||
			rows[3].ActorID != clerk.ID || rows[3].EntityID != itoa(plain) || !strings.Contains(rows[3].After, "not_sealed") {
			t.Errorf("per-case refusals: %+v", rows)
		}
	})
}

// actorNow reloads an account (after a grant) and returns it as an actor.
func (ta *testApp) actorNow(t *testing.T, acc access.Account) access.Actor {
	t.Helper()
	a, err := ta.accounts.Account(context.Background(), access.System("test"), acc.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a.Actor("session")
}

// pageTokens are a page's random tokens: the CSRF token in its meta tag
// and forms, and a form's one-time key.
var pageTokens = regexp.MustCompile(`<meta name="csrf-token" content="[^"]*">|name="(csrf|key)" value="[^"]*"`)

// A sealed case's title, content and place are
// scrubbed of the identity in every form people write it, for everyone
// without the grant: inbox, case pages, the case API, lists.
func TestSealedTitleAndVariantsRedacted(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		topic := firstTopic(t, ta)
		_, b := ta.postJSON(t, "/api/v1/petitions", map[string]any{"kind": "to_cao", "topic_id": topic,
			"title":   "Tố cáo của LE THI MAT 84-915-123-456",
			"content": "Tôi là Lê Thị Mật (le thi mat), ĐT +84915123456 hoặc 0915.123.456, nhà số 7 Bà Triệu. Tôi tố cáo cán bộ X nhận tiền.",
			"place":   "Trước nhà số 7 đường Ba Trieu", "name": sealName, "phone": sealPhone,
			"address": "Số 7 đường Bà Triệu, Lạng Sơn", "consent": true, "keep_identity_secret": true})
		rec := decode[httpapi.PetitionReceipt](t, b)
		id := ta.mustCaseIDInt(t, rec.Code)
		ta.assign(t, id, "PQLXD")
		variants := []string{"LE THI MAT", "le thi mat", "Lê Thị Mật", "84-915-123-456", "+84915123456", "0915.123.456", "915",
			"số 7 Bà Triệu", "7 Bà Triệu", "7 đường Ba Trieu", "Ba Trieu"}
		check := func(who, where, body string) {
			t.Helper()
			// The page's random tokens (the CSRF token, a form's key) are
			// not text about anyone, and a short variant such as "915"
			// turns up in one now and then.
			body = pageTokens.ReplaceAllString(body, "")
			for _, v := range variants {
				if strings.Contains(body, v) {
					t.Errorf("%s: %q in %s", who, v, where)
				}
			}
		}
		for _, who := range []struct {
			name, unit string
			roles      []access.Role
		}{
			{"office", "VP", []access.Role{access.Office}},
			{"unit officer", "PQLXD", []access.Role{access.UnitOfficer}},
			{"leadership", "", []access.Role{access.Leadership}},
		} {
			acc := ta.addStaff(t, "title-"+strings.ReplaceAll(who.name, " ", "-")+"@sxd.test", who.unit, who.roles...)
			br := ta.browser(t)
			br.mustLogin(acc.Email)
			for _, p := range []string{"/staff/inbox", "/staff/inbox?all=1", "/staff/cases/" + itoa(id), "/api/v1/cases/" + rec.Code,
				"/api/v1/cases", "/api/v1/staff/cases", "/api/v1/staff/cases/" + itoa(id)} {
				res, body := br.get(p)
				if res.StatusCode != 200 {
					t.Errorf("%s GET %s: %d", who.name, p, res.StatusCode)
				}
				check(who.name, p, body)
			}
			_, body := br.get("/staff/cases/" + itoa(id))
			if !strings.Contains(body, "Tố cáo của") || !strings.Contains(body, "cán bộ X nhận tiền") {
				t.Errorf("%s: the case page lost what is not the identity", who.name)
			}
		}
	})
}

// No one grants themselves the identity: grants need two people; a role change
// that removes the basis of a grant revokes it; both are audited.
func TestGrantsNeedTwoPeople(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		grantRows := func(account int64) (live int64) {
			ta.db.Gorm.Raw("SELECT count(*) FROM identity_grants WHERE account_id = ? AND revoked_at IS NULL", account).Scan(&live)
			return live
		}
		// The office's head cannot grant themselves.
		head := ta.addStaff(t, "grant-head@sxd.test", "VP", access.UnitHead, access.Office)
		if err := ta.accounts.SetIdentityGrant(ctx, head.Actor("session"), head.ID, true); err != access.ErrSelfGrant {
			t.Errorf("office head self-grant: %v", err)
		}
		// Nor through the page.
		b := ta.browser(t)
		b.mustLogin(head.Email)
		b.post("/staff/grants/"+itoa(head.ID), map[string][]string{"grant": {"1"}})
		if n := grantRows(head.ID); n != 0 {
			t.Errorf("office head granted themselves through the page: %d", n)
		}
		// An admin who makes themselves the office's head cannot either.
		admin := ta.addStaff(t, "grant-admin@sxd.test", "", access.Admin)
		roles := []access.Role{access.Admin, access.Office, access.UnitHead}
		vp := "VP"
		if _, err := ta.accounts.UpdateAccount(ctx, admin.Actor("session"), admin.ID, access.AccountUpdate{Roles: &roles, UnitCode: &vp}); err != nil {
			t.Fatal(err)
		}
		if err := ta.accounts.SetIdentityGrant(ctx, ta.actorNow(t, admin), admin.ID, true); err != access.ErrSelfGrant {
			t.Errorf("admin self-grant: %v", err)
		}
		if n := grantRows(admin.ID); n != 0 {
			t.Errorf("admin holds %d grants", n)
		}
		// An account that works on no case cannot be granted.
		auditor := ta.addStaff(t, "grant-auditor@sxd.test", "", access.Auditor)
		if err := ta.accounts.SetIdentityGrant(ctx, head.Actor("session"), auditor.ID, true); err != access.ErrGrantBasis {
			t.Errorf("grant to an auditor: %v", err)
		}
		// A grant by the head to an officer, audited; a role change that
		// removes its basis revokes it, audited.
		officer := ta.addStaff(t, "grant-officer@sxd.test", "PQLXD", access.UnitOfficer)
		if err := ta.accounts.SetIdentityGrant(ctx, head.Actor("session"), officer.ID, true); err != nil {
			t.Fatal(err)
		}
		if !ta.actorNow(t, officer).IdentityGrant {
			t.Fatal("grant not in force")
		}
		only := []access.Role{access.Auditor}
		if _, err := ta.accounts.UpdateAccount(ctx, ta.actorNow(t, admin), officer.ID, access.AccountUpdate{Roles: &only}); err != nil {
			t.Fatal(err)
		}
		if ta.actorNow(t, officer).IdentityGrant || grantRows(officer.ID) != 0 {
			t.Error("a role change that removed the basis left the grant")
		}
		var acts []string
		ta.db.Gorm.Raw("SELECT action FROM audit_log WHERE entity = 'account' AND entity_id = ? AND action LIKE 'identity.%' ORDER BY id",
			itoa(officer.ID)).Scan(&acts)
		if strings.Join(acts, ",") != "identity.grant,identity.revoke" {
			t.Errorf("grant audit: %v", acts)
		}
	})
}

// Published answers must not name the petitioner on the transparency page,
// not even as an unaccented full name, "bà Ngọc" or a street address. The office's
// review shows what redaction removes, highlighted; the public page has
// none of it; a text that still names the petitioner is refused.
func TestPublishRedactsAndRefuses(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		topic := firstTopic(t, ta)
		_, b := ta.postJSON(t, "/api/v1/petitions", map[string]any{"kind": "phan_anh", "topic_id": topic, "title": "Đèn hỏng trước nhà bà Ngọc",
			"content": "Đèn đường trước nhà số 12 phố Tam Thanh hỏng đã hai tuần, gia đình TRAN THI NGOC đi lại khó khăn.",
			"name":    "Trần Thị Ngọc", "phone": "0912 345 678", "address": "Số 12 phố Tam Thanh, Lạng Sơn", "consent": true})
		rec := decode[httpapi.PetitionReceipt](t, b)
		id := ta.mustCaseIDInt(t, rec.Code)
		if _, err := ta.intake.store.PublishAnswer(ctx, id, "Kính gửi bà Ngọc (tran thi ngoc), nhà số 12 Tam Thanh, ĐT +84 912 345 678: Sở đã thay bóng đèn.",
			"Phòng QLHT", ta.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		var answerID int64
		ta.db.Gorm.Raw("SELECT id FROM answers WHERE case_id = ?", id).Scan(&answerID)
		office := ta.addStaff(t, "publish-office@sxd.test", "VP", access.Office)
		br := ta.browser(t)
		br.mustLogin(office.Email)
		_, page := br.get("/staff/reports/answers?thang=2026-11")
		for _, want := range []string{`<mark class="redacted">Ngọc</mark>`, `<mark class="redacted">tran thi ngoc</mark>`,
			`<mark class="redacted">+84 912 345 678</mark>`, "Sở đã thay bóng đèn"} {
			if !strings.Contains(page, want) {
				t.Errorf("the office's preview lacks %s", want)
			}
		}
		res, body := br.post("/staff/reports/answers/"+itoa(answerID), map[string][]string{"publishable": {"1"}, "thang": {"2026-11"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark publishable: %d %s", res.StatusCode, body)
		}
		_, pub := ta.do(t, "GET", "/minh-bach", nil)
		if !strings.Contains(string(pub), "Sở đã thay bóng đèn") {
			t.Fatal("the answer is not on the public page")
		}
		for _, v := range []string{"Ngọc", "NGOC", "ngoc", "12 Tam Thanh", "12 phố Tam Thanh", "912", "345 678"} {
			if strings.Contains(string(pub), v) {
				t.Errorf("the public page shows %q", v)
			}
		}
		// A text that still names the petitioner is refused.
		_, b = ta.postJSON(t, "/api/v1/petitions", map[string]any{"kind": "kien_nghi", "topic_id": topic, "title": "Kiến nghị sửa vỉa hè",
			"content": "Đề nghị sửa vỉa hè phố Lê Lợi bị vỡ nhiều chỗ, rất nguy hiểm.", "name": "Hoàng Văn Thịnh", "phone": "0912 000 999",
			"consent": true})
		rec2 := decode[httpapi.PetitionReceipt](t, b)
		id2 := ta.mustCaseIDInt(t, rec2.Code)
		if _, err := ta.intake.store.PublishAnswer(ctx, id2, "Gửi Thịnh: Sở đã giao đơn vị sửa vỉa hè.", "", ta.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		var a2 int64
		ta.db.Gorm.Raw("SELECT id FROM answers WHERE case_id = ?", id2).Scan(&a2)
		res, body = br.post("/staff/reports/answers/"+itoa(a2), map[string][]string{"publishable": {"1"}, "thang": {"2026-11"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "vẫn còn nhắc đến người gửi") {
			t.Errorf("a text naming the petitioner: %d", res.StatusCode)
		}
		var on bool
		ta.db.Gorm.Raw("SELECT publishable FROM answers WHERE id = ?", a2).Scan(&on)
		if on {
			t.Error("marked publishable anyway")
		}
	})
}

// attach stores a small PDF in the file store and attaches it to the case,
// as intake does, and returns the attachment's id.
func (ta *testApp) attach(t *testing.T, caseID int64, name string) int64 {
	t.Helper()
	st, err := ta.intake.files.Put(context.Background(), bytes.NewReader(pdfOfSize(1500)), petition.MaxFileSize, petition.DetectType)
	if err != nil {
		t.Fatal(err)
	}
	ta.intake.files.Release(st)
	var ids []int64
	if err := ta.db.Gorm.Raw("INSERT INTO attachments (case_id, name, media_type, size, sha256, storage_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		caseID, name, st.MediaType, st.Size, st.SHA256, st.Key, ta.Clock.Now()).Scan(&ids).Error; err != nil || len(ids) != 1 {
		t.Fatalf("attach: %v", err)
	}
	return ids[0]
}

// sealedFile is a denunciation whose denouncer keeps secrecy, submitted
// through the public API with one PDF whose name carries the denouncer's
// name and phone, and assigned to PQLXD.
type sealedFile struct {
	id     int64
	rec    httpapi.PetitionReceipt
	pdf    []byte
	office string                 // the office's API token
	file   httpapi.CaseAttachment // the PDF as the office reads it
}

func (ta *testApp) submitSealedFile(t *testing.T) sealedFile {
	t.Helper()
	sf := sealedFile{pdf: pdfOfSize(3000)}
	body, ct := multipartBody(t, map[string]any{"kind": "to_cao", "topic_id": firstTopic(t, ta), "title": "Cán bộ X nhận tiền",
		"content": "Tôi tố cáo cán bộ X nhận tiền khi làm thủ tục cấp phép xây dựng.", "name": sealName, "phone": sealPhone,
		"address": "Số 7 đường Bà Triệu, Lạng Sơn", "consent": true, "keep_identity_secret": true}, mpFile{"Don cua Le Thi Mat 0915123456.pdf", sf.pdf})
	res, b := ta.do(t, http.MethodPost, "/api/v1/petitions", body, "Content-Type", ct)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("submit: %d %s", res.StatusCode, b)
	}
	sf.rec = decode[httpapi.PetitionReceipt](t, b)
	sf.id = ta.mustCaseIDInt(t, sf.rec.Code)
	ta.assign(t, sf.id, "PQLXD")
	sf.office = ta.staffToken(t, "VP", access.Office)
	var sc httpapi.StaffCaseFile
	ta.callJSON(t, "GET", "/api/v1/staff/cases/"+itoa(sf.id), sf.office, nil, 200, &sc)
	if len(sc.Attachments) != 1 {
		t.Fatalf("attachments: %+v", sc.Attachments)
	}
	sf.file = sc.Attachments[0]
	return sf
}

// Attachments: staff who may read a case download its files,
// as attachments with the stored type and nosniff; a sealed case's file
// names are scrubbed and its files need what reading the case needs.
func TestCaseAttachmentsDownload(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		sf := ta.submitSealedFile(t)
		id, pdf, office, a := sf.id, sf.pdf, sf.office, sf.file
		if l := sealLeaks(a.Name); len(l) > 0 || strings.Contains(a.Name, "Le Thi Mat") || !strings.HasSuffix(a.Name, ".pdf") {
			t.Errorf("a sealed case's file name: %q", a.Name)
		}
		for _, p := range []string{a.Download, "/staff/cases/" + itoa(id) + "/attachments/" + itoa(a.Id)} {
			var res *http.Response
			var got []byte
			if strings.HasPrefix(p, "/api/") {
				res, got = ta.do(t, "GET", p, nil, "Authorization", office)
			} else {
				br := ta.browser(t)
				acc := ta.addStaff(t, "att-office@sxd.test", "VP", access.Office)
				br.mustLogin(acc.Email)
				_, page := br.get("/staff/cases/" + itoa(id))
				if !strings.Contains(page, `href="`+p+`"`) || strings.Contains(page, "Le Thi Mat") {
					t.Errorf("the case page does not link the file %s (or shows its raw name)", p)
				}
				var s string
				res, s = br.get(p)
				got = []byte(s)
			}
			cd := res.Header.Get("Content-Disposition")
			if res.StatusCode != 200 || !bytes.Equal(got, pdf) || res.Header.Get("Content-Type") != "application/pdf" ||
				!strings.HasPrefix(cd, "attachment;") || res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("GET %s: %d %q %q %q", p, res.StatusCode, res.Header.Get("Content-Type"), cd, res.Header.Get("X-Content-Type-Options"))
			}
			if l := sealLeaks(cd); len(l) > 0 || strings.Contains(strings.ToLower(cd), "le%20thi%20mat") || strings.Contains(cd, "Le Thi Mat") {
				t.Errorf("GET %s: the file name leaks: %q", p, cd)
			}
		}
		// Who may not read the case may not read its files.
		other := ta.staffToken(t, "TTRA", access.UnitOfficer)
		auditor := ta.staffToken(t, "", access.Auditor)
		if res, _ := ta.do(t, "GET", a.Download, nil, "Authorization", other); res.StatusCode != 404 {
			t.Errorf("another unit: %d", res.StatusCode)
		}
		if res, _ := ta.do(t, "GET", a.Download, nil, "Authorization", auditor); res.StatusCode != 403 {
			t.Errorf("auditor: %d", res.StatusCode)
		}
		if res, _ := ta.do(t, "GET", a.Download, nil); res.StatusCode != 401 {
			t.Errorf("anonymous: %d", res.StatusCode)
		}
		if res, _ := ta.do(t, "GET", "/api/v1/staff/cases/"+itoa(id)+"/attachments/999999", nil, "Authorization", office); res.StatusCode != 404 {
			t.Errorf("unknown attachment: %d", res.StatusCode)
		}
	})
}
