package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/present"
)

// Every rule says which event decides its version, with the article, and
// an admin adds a version with its dates through the API: audited, used at
// once, never overlapping or replacing another.
func TestRuleVersionsAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		var list struct{ Rules []httpapi.DeadlineRule }
		ta.getJSON(t, "/api/v1/deadline/rules", 200, &list)
		by := map[string]string{}
		for _, r := range list.Rules {
			if r.VersionBy == nil || r.VersionBasis == nil || *r.VersionBasis == "" {
				t.Errorf("%s from %s: no version_by or version_basis", r.Id, r.EffectiveFrom)
				continue
			}
			by[r.Id+"@"+r.EffectiveFrom] = string(*r.VersionBy) + " " + *r.VersionBasis
		}
		for key, want := range map[string]string{
			"complaint.accept@1900-01-01":     "receipt Nghị định 155/2026/NĐ-CP, Điều 21(1)",
			"complaint.accept@2026-07-01":     "receipt ngày nhận khiếu nại",
			"complaint.resolve@1900-01-01":    "acceptance ngày thụ lý",
			"denunciation.resolve@1900-01-01": "acceptance ngày thụ lý tố cáo",
			"reception.answer@1900-01-01":     "receipt",
		} {
			if !strings.HasPrefix(by[key], want) {
				t.Errorf("%s: %q, want prefix %q", key, by[key], want)
			}
		}
		if !strings.Contains(by["complaint.resolve@1900-01-01"], "Điều 22(1)") {
			t.Errorf("complaint.resolve does not cite the transition: %s", by["complaint.resolve@1900-01-01"])
		}

		version := map[string]any{
			"id": "complaint.accept", "limit": 5, "unit": "working_days", "effective_from": "2027-01-01",
			"legal_basis": "Nghị định thử 1/2027/NĐ-CP, Điều 1", "legal_basis_en": "Test Decree 1/2027, Art. 1",
			"version_basis": "ngày nhận khiếu nại (Nghị định thử 1/2027/NĐ-CP, Điều 2)", "confidence": "A",
			"reason": "Nghị định mới rút ngắn thời hạn thụ lý",
		}
		officer := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		office := ta.staffToken(t, "VP", access.Office)
		admin := ta.staffToken(t, "VP", access.Admin)
		ta.callJSON(t, http.MethodPost, "/api/v1/deadline/rules", officer, version, http.StatusForbidden, nil)
		ta.callJSON(t, http.MethodPost, "/api/v1/deadline/rules", office, version, http.StatusForbidden, nil)
		res, _ := ta.postJSON(t, "/api/v1/deadline/rules", version)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous POST: %d", res.StatusCode)
		}

		var stored httpapi.DeadlineRule
		ta.callJSON(t, http.MethodPost, "/api/v1/deadline/rules", admin, version, http.StatusCreated, &stored)
		if stored.Kind != "complaint" || stored.Start != "receipt" || stored.Limit != 5 || stored.EffectiveFrom != "2027-01-01" {
			t.Errorf("stored version: %+v", stored)
		}
		// Used at once, on both sides of its start.
		for start, want := range map[string]int{"2026-12-30": 7, "2027-01-04": 5} {
			var ex httpapi.DeadlineExplanation
			ta.getJSON(t, "/api/v1/deadline/explain?rule=complaint.accept&start="+start, 200, &ex)
			if ex.Limit != want {
				t.Errorf("complaint.accept received %s: limit %d, want %d", start, ex.Limit, want)
			}
		}
		// The 2026 version is now closed by the 2027 one: its explanation
		// says why it applies.
		var ex httpapi.DeadlineExplanation
		ta.getJSON(t, "/api/v1/deadline/explain?rule=complaint.accept&start=2026-12-30", 200, &ex)
		if !strings.Contains(ex.TextVi, "Áp dụng quy định trước ngày 01/01/2027 vì ngày nhận (30/12/2026)") {
			t.Errorf("older version not explained: %s", ex.TextVi)
		}

		// Refusals name the problem; nothing is stored.
		var e present.ErrorBody
		ta.callJSON(t, http.MethodPost, "/api/v1/deadline/rules", admin, version, http.StatusConflict, &e)
		bad := map[string]any{}
		for k, v := range version {
			bad[k] = v
		}
		bad["effective_from"] = "01/02/2027"
		ta.callJSON(t, http.MethodPost, "/api/v1/deadline/rules", admin, bad, http.StatusUnprocessableEntity, &e)
		if len(e.Errors) != 1 || e.Errors[0].Field != "effective_from" {
			t.Errorf("bad date: %+v", e)
		}
		bad["effective_from"], bad["id"] = "2028-01-01", "no.such.rule"
		ta.callJSON(t, http.MethodPost, "/api/v1/deadline/rules", admin, bad, http.StatusUnprocessableEntity, &e)
		if len(e.Errors) != 1 || e.Errors[0].Field != "id" {
			t.Errorf("unknown rule: %+v", e)
		}
		// Overlap: from 2026-06-01 to 2026-08-01 reaches into the
		// 2026-07-01 version.
		bad["id"], bad["effective_from"], bad["effective_to"] = "complaint.accept", "2026-06-01", "2026-08-01"
		ta.callJSON(t, http.MethodPost, "/api/v1/deadline/rules", admin, bad, http.StatusUnprocessableEntity, &e)
		if !strings.Contains(e.Message, "chồng lên nhau") || strings.Contains(e.Message, "overlap") {
			t.Errorf("overlap, in Vietnamese: %+v", e)
		}

		var trail struct{ Entries []httpapi.AuditEntry }
		ta.getJSON(t, "/api/v1/audit?action=deadline.rule.add", 200, &trail, "Authorization", ta.staffToken(t, "VP", access.Auditor))
		if len(trail.Entries) != 1 || trail.Entries[0].EntityId != "complaint.accept@2027-01-01" || trail.Entries[0].ActorId == nil {
			t.Fatalf("audit of the rule version: %+v", trail.Entries)
		}
		if after := trail.Entries[0].After; after == nil || (*after)["reason"] != "Nghị định mới rút ngắn thời hạn thụ lý" {
			t.Errorf("audit lacks the reason: %+v", trail.Entries[0].After)
		}
		// Open clocks are recomputed against it (the recompute-clocks job).
		var asked int64
		ta.db.Gorm.Raw("SELECT count(*) FROM clock_recomputes WHERE reason LIKE ?", "%complaint.accept%01/01/2027%").Scan(&asked)
		if asked != 1 {
			t.Errorf("%d recompute requests for the new version, want 1", asked)
		}
		// A restart (another replica) sees it.
		again := newTestApp(t, ta.db)
		again.getJSON(t, "/api/v1/deadline/explain?rule=complaint.accept&start=2027-01-04", 200, &ex)
		if ex.Limit != 5 {
			t.Errorf("after restart: limit %d", ex.Limit)
		}
	})
}

// The restart after a suspension (Luật Khiếu nại Art. 11a, in force
// 01/07/2026) follows the date of the suspension decision: a complaint
// accepted before 01/07/2026 and suspended then only pauses; one accepted
// before but suspended after restarts in full (NĐ 155/2026 Art. 22(1)).
// Through the workflow, on both databases.
func TestSuspensionAcrossLawChange(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office-13s@sxd.test", "VP", access.Office)
		open := func(received, accepted string) int64 {
			ta.setLocal(t, received)
			reg := ta.register(t, office, petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost,
				ReceivedAt: ta.Clock.Now(), Title: "Khiếu nại", Content: "Khiếu nại quyết định thu hồi giấy phép xây dựng số 3/GPXD.", Name: "Người Khiếu Nại"})
			ta.act(t, office, reg.CaseID, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
			ta.setLocal(t, accepted)
			ta.act(t, office, reg.CaseID, petition.AcceptInput{DecisionNo: "50/QĐ-SXD"})
			ta.act(t, office, reg.CaseID, petition.AssignInput{Lead: "PQLXD"})
			return reg.CaseID
		}
		pause := func(id int64, suspend, resume string) petition.ClockState {
			ta.setLocal(t, suspend)
			ta.act(t, office, id, petition.SuspendInput{Reason: "Chờ kết quả giám định chất lượng công trình", DecisionNo: "60/QĐ-SXD"})
			ta.setLocal(t, resume)
			ta.act(t, office, id, petition.ResumeInput{Reason: "Đã có kết quả giám định", DecisionNo: "75/QĐ-SXD"})
			return clockOf(t, ta.caseState(t, id), caseclock.Answer, -1)
		}

		// Accepted 03/06, suspended 10/06, resumed 20/06/2026: 30 days + 10
		// paused from 03/06 end on Mon 13/07.
		before := pause(open("2026-06-01 09:00", "2026-06-03 09:00"), "2026-06-10 09:00", "2026-06-20 09:00")
		dueIs(t, "suspended before 01/07/2026", before.DueAt, ta.dateEnd(t, "2026-07-13"))
		if !strings.Contains(before.ExplanationVI, "trước ngày 01/07/2026 nên thời hạn không được tính lại từ đầu") {
			t.Errorf("explanation: %s", before.ExplanationVI)
		}
		// Accepted 15/06, suspended 02/07, resumed 10/07/2026: 30 days from
		// 10/07 end on Sun 09/08, so Mon 10/08.
		after := pause(open("2026-06-12 09:00", "2026-06-15 09:00"), "2026-07-02 09:00", "2026-07-10 09:00")
		dueIs(t, "accepted before, suspended after 01/07/2026", after.DueAt, ta.dateEnd(t, "2026-08-10"))
		if !strings.Contains(after.ExplanationVI, "Luật 136/2025/QH15") || !strings.Contains(after.ExplanationEN, "counts again from 10 July 2026") {
			t.Errorf("explanation: %s / %s", after.ExplanationVI, after.ExplanationEN)
		}
	})
}

// dateEnd is 24:00 of a Hà Nội date: the due instant of a period ending
// that day.
func (ta *testApp) dateEnd(t *testing.T, date string) time.Time {
	t.Helper()
	return calendar.MustDate(date).AddDays(1).Time(hanoi).UTC()
}

// The rules page: every version with the event that decides it, and the
// admin's form to add one (audited); a refusal says why and stores nothing.
func TestRulesPage(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ta.addStaff(t, "admin-rules@sxd.test", "VP", access.Admin)
		b := ta.browser(t)
		res, page := b.get("/admin/rules")
		if res.StatusCode != 200 || !strings.Contains(page, "Ngày thụ lý") || !strings.Contains(page, "Điều 22(1)") || strings.Contains(page, `id="rule-form"`) {
			t.Fatalf("public rules page: %d", res.StatusCode)
		}
		// Every rule's deciding event is named, the dialogue's notice
		// counted backwards says so, and no message id shows.
		if strings.Contains(page, "rules.event.") || !strings.Contains(page, "Ngày đối thoại") || !strings.Contains(page, "đếm lùi") {
			t.Error("rules page: an event without a name, or the backward count unsaid")
		}
		// A limit the law never changed reads "from always", not "from 01/01/1900".
		if !strings.Contains(page, "Từ trước đến nay") || strings.Contains(page, "01/01/1900") {
			t.Error("rules page: a version in force since always shows its marker date")
		}
		b.mustLogin("admin-rules@sxd.test")
		form := url.Values{"id": {"reception.answer"}, "effective_from": {"2027-07-01"}, "limit": {"7"}, "unit": {"working_days"},
			"legal_basis": {"Luật thử 2027, Điều 28"}, "version_basis": {"ngày nhận (Luật thử 2027, Điều 30)"}, "confidence": {"A"}, "reason": {"Luật mới"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("limit", "0")
		if res, body := b.post("/admin/rules", bad); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Số ngày phải từ 1") {
			t.Errorf("bad limit: %d", res.StatusCode)
		}
		if res, _ := b.post("/admin/rules", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", res.StatusCode)
		}
		_, page = b.get("/admin/rules?added=1")
		if !strings.Contains(page, "Từ 01/07/2027") || !strings.Contains(page, "Luật thử 2027, Điều 28") {
			t.Error("new version not listed")
		}
		var ex httpapi.DeadlineExplanation
		ta.getJSON(t, "/api/v1/deadline/explain?rule=reception.answer&start=2027-07-05", 200, &ex)
		if ex.Limit != 7 {
			t.Errorf("limit after the page's version: %d", ex.Limit)
		}
		var trail struct{ Entries []httpapi.AuditEntry }
		ta.getJSON(t, "/api/v1/audit?action=deadline.rule.add", 200, &trail, "Authorization", ta.staffToken(t, "VP", access.Auditor))
		if len(trail.Entries) != 1 || trail.Entries[0].EntityId != "reception.answer@2027-07-01" {
			t.Errorf("audit: %+v", trail.Entries)
		}
	})
}
