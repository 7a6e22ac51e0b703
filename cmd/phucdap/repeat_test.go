package main

import (
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/petition"
)

var formKeyInPage = regexp.MustCompile(`name="key" value="([0-9a-f]+)"`)

// A double submit acts once, on both databases, through the one request
// key the chase uses (the page's one-time form key, the API's
// Idempotency-Key): scheduling a dialogue twice moves it once (one trail
// entry, one audit row, one notice clock), the same dialogue scheduled
// again as it is changes nothing, and an answer drafted twice with its
// files saves one draft with one set of files, the repeat's files
// discarded from the file store.
func TestRepeatedRequestsActOnce(t *testing.T) {
	eachIntakeApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "vp-repeat@sxd.test", "VP", access.Office)
		ta.addStaff(t, "cv-repeat@sxd.test", "PQLXD", access.UnitOfficer)
		tok := ta.staffToken(t, "VP", access.Office)
		officerTok := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		count := func(q string, args ...any) int64 { t.Helper(); return ta.count(t, q, args...) }
		pageKey := func(b *browser, id int64) string {
			t.Helper()
			_, page := b.get("/staff/cases/" + itoa(id))
			m := formKeyInPage.FindStringSubmatch(page)
			if m == nil {
				t.Fatal("the case page has no form key")
			}
			return m[1]
		}

		// A second complaint, received Mon 02/11/2026.
		ta.setLocal(t, "2026-11-02 09:00")
		reg := ta.register(t, office, petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost,
			ReceivedAt: ta.Clock.Now(), Title: "Khiếu nại lần hai về cấp phép xây dựng", Content: "Tôi không đồng ý với quyết định giải quyết khiếu nại lần đầu.",
			Name: "Người Khiếu Nại", Address: "Phường Đông Kinh"})
		c := reg.CaseID
		ta.act(t, office, c, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 2})
		ta.act(t, office, c, petition.AcceptInput{DecisionNo: "40/QĐ-SXD"})
		ta.act(t, office, c, petition.AssignInput{Lead: "PQLXD"})
		scheduled := func() (events, rows, audits, notices, cancelled int64) {
			t.Helper()
			return count("SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = 'dialogue_scheduled'", c),
				count("SELECT COUNT(*) FROM case_decisions WHERE case_id = ? AND kind = 'schedule_dialogue'", c),
				count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.schedule_dialogue' AND entity_id = ?", itoa(c)),
				count("SELECT COUNT(*) FROM case_clocks WHERE case_id = ? AND rule_id = ?", c, deadline.DialogueNotice),
				count("SELECT COUNT(*) FROM case_clocks WHERE case_id = ? AND rule_id = ? AND state = ?", c, deadline.DialogueNotice, string(caseclock.Cancelled))
		}

		// The API, twice with one Idempotency-Key.
		for range 2 {
			body := strings.NewReader(`{"dialogue_on": "2026-11-16", "time": "09:00", "place": "Phòng họp Sở", "participants": "Phó Giám đốc Sở, người khiếu nại"}`)
			if res, b := ta.do(t, http.MethodPost, "/api/v1/cases/"+reg.Code+"/schedule_dialogue", body, "Authorization", tok,
				"Content-Type", "application/json", "Idempotency-Key", "api-schedule-1"); res.StatusCode != http.StatusOK {
				t.Fatalf("schedule API: %d %s", res.StatusCode, b)
			}
		}
		if e, r, a, n, x := scheduled(); e != 1 || r != 1 || a != 1 || n != 1 || x != 0 {
			t.Errorf("scheduled twice with one key: %d trail entries, %d records, %d audit rows, %d notice clocks (%d cancelled), want 1 1 1 1 0", e, r, a, n, x)
		}
		// The same dialogue scheduled again as it is, without a key: done,
		// nothing written.
		before := ta.dbFingerprint(t)
		if res := ta.act(t, office, c, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-11-16"), Time: "09:00", Place: "Phòng họp Sở",
			Participants: "Phó Giám đốc Sở, người khiếu nại"}); !res.Repeated {
			t.Error("the same dialogue scheduled again is not reported as a repeat")
		}
		if after := ta.dbFingerprint(t); after != before {
			t.Errorf("the same dialogue scheduled again wrote:\nbefore:\n%s\nafter:\n%s", before, after)
		}
		// The staff form, moved to Fri 20/11 and submitted twice with the
		// page's key: moved once.
		ob := ta.browser(t)
		ob.mustLogin("vp-repeat@sxd.test")
		key := pageKey(ob, c)
		for range 2 {
			res, page := ob.post("/staff/cases/"+itoa(c)+"/schedule_dialogue", url.Values{"key": {key}, "dialogue_on": {"2026-11-20"},
				"time": {"14:00"}, "place": {"Phòng họp Sở"}, "participants": {"Phó Giám đốc Sở"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("schedule form: %d %s", res.StatusCode, page)
			}
		}
		if e, r, a, n, x := scheduled(); e != 2 || r != 2 || a != 2 || n != 2 || x != 1 {
			t.Errorf("moved twice with the page's key: %d trail entries, %d records, %d audit rows, %d notice clocks (%d cancelled), want 2 2 2 2 1", e, r, a, n, x)
		}

		// An answer with its file, on a petition assigned to PQLXD.
		reg2 := ta.register(t, office, petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelPost,
			ReceivedAt: ta.Clock.Now(), Title: "Kiến nghị", Content: "Kiến nghị công khai quy hoạch chi tiết khu dân cư phía Bắc.", Name: "Người Kiến Nghị"})
		p := reg2.CaseID
		ta.takeOn(t, office, p, "PQLXD")
		stored := func() int {
			n := 0
			filepath.WalkDir(ta.cfg.DataDir, func(_ string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					n++
				}
				return nil
			})
			return n
		}
		drafts := func() (answers, live, files, events, audits int64) {
			t.Helper()
			return count("SELECT COUNT(*) FROM answers WHERE case_id = ?", p),
				count("SELECT COUNT(*) FROM answers WHERE case_id = ? AND superseded_at IS NULL", p),
				count("SELECT COUNT(*) FROM attachments WHERE case_id = ? AND answer_id IS NOT NULL", p),
				count("SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = 'drafted'", p),
				count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.answer' AND entity_id = ?", itoa(p))
		}
		filesBefore := stored()
		// The staff form, submitted twice with the page's key.
		pb := ta.browser(t)
		pb.mustLogin("cv-repeat@sxd.test")
		key = pageKey(pb, p)
		for range 2 {
			ct, body := multipartForm(t, url.Values{"csrf": {pb.csrf()}, "key": {key}, "body": {"Sở Xây dựng trả lời: quy hoạch đã được công khai tại trụ sở UBND phường."},
				"letter_no": {"500/SXD-QLXD"}}, "cong-van-500.pdf", pdfOfSize(20<<10))
			req, _ := http.NewRequest(http.MethodPost, ta.Server.URL+"/staff/cases/"+itoa(p)+"/answer", body)
			req.Header.Set("Content-Type", ct)
			res, err := pb.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("answer form: %d %s", res.StatusCode, page)
			}
		}
		if a, l, f, e, au := drafts(); a != 1 || l != 1 || f != 1 || e != 1 || au != 1 {
			t.Errorf("answered twice with the page's key: %d drafts (%d live), %d files, %d trail entries, %d audit rows, want 1 1 1 1 1", a, l, f, e, au)
		}
		if n := stored(); n != filesBefore+1 {
			t.Errorf("%d files stored, want the first request's one", n-filesBefore)
		}
		// The API, multipart, twice with one Idempotency-Key: one more draft.
		for range 2 {
			body, ct := multipartBody(t, map[string]any{"body": "Sở Xây dựng trả lời: quy hoạch đã được công khai, kèm công văn sửa đổi.",
				"letter_no": "501/SXD-QLXD"}, mpFile{"cong-van-501.pdf", pdfOfSize(30 << 10)})
			if res, b := ta.do(t, http.MethodPost, "/api/v1/cases/"+reg2.Code+"/answer", body, "Content-Type", ct, "Authorization", officerTok,
				"Idempotency-Key", "api-answer-1"); res.StatusCode != http.StatusOK {
				t.Fatalf("answer API: %d %s", res.StatusCode, b)
			}
		}
		if a, l, f, e, au := drafts(); a != 2 || l != 1 || f != 2 || e != 2 || au != 2 {
			t.Errorf("answered twice with one Idempotency-Key: %d drafts (%d live), %d files, %d trail entries, %d audit rows, want 2 1 2 2 2", a, l, f, e, au)
		}
		if n := stored(); n != filesBefore+2 {
			t.Errorf("%d files stored, want one per draft (2)", n-filesBefore)
		}
	})
}
