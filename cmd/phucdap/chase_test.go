package main

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/alert/alerttest"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// chaseWorld is a sealed denunciation assigned to PQLXD (lead) with PQHKT
// coordinating, and the people around it, each with addresses of the
// test's own (tests share mailpit).
type chaseWorld struct {
	office, leader, officer, head, coord access.Actor
	id                                   int64
	code, secret                         string
}

const (
	chaseDenouncer = "Hoàng Văn Tố Giác"
	chasePhone     = "0987654321"
)

func newChaseWorld(t *testing.T, ta *testApp, tok string) chaseWorld {
	t.Helper()
	w := chaseWorld{
		office:  ta.staffActor(t, "vp-"+tok+"@sxd.test", "VP", access.Office),
		leader:  ta.staffActor(t, "ld-"+tok+"@sxd.test", "", access.Leadership),
		officer: ta.staffActor(t, "cv-"+tok+"@sxd.test", "PQLXD", access.UnitOfficer),
		head:    ta.staffActor(t, "tp-"+tok+"@sxd.test", "PQLXD", access.UnitHead),
		coord:   ta.staffActor(t, "ph-"+tok+"@sxd.test", "PQHKT", access.UnitOfficer),
	}
	r := ta.register(t, w.office, petition.RegisterInput{Kind: petition.KindDenunciation, Channel: petition.ChannelPost,
		ReceivedAt: ta.Clock.Now(), Title: "Tố cáo cán bộ địa chính", Content: "Nội dung tố cáo cán bộ địa chính nhận tiền của dân.",
		Name: chaseDenouncer, Phone: chasePhone, Email: "togiac-" + tok + "@example.test", Address: "Số 99 ngõ Bí Mật", KeepSecret: true})
	w.id, w.code, w.secret = r.CaseID, r.Code, r.Secret
	ta.act(t, w.office, w.id, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
	ta.act(t, w.office, w.id, petition.AcceptInput{DecisionNo: "12/QĐ-SXD"})
	ta.act(t, w.office, w.id, petition.AssignInput{Lead: "PQLXD", Coordinating: []string{"PQHKT"}, Reason: "Giao theo nhiệm vụ"})
	return w
}

// The office chases the lead unit of a secret denunciation: the unit's
// officer and head find it in their in-app inbox and in their mailbox
// (read back from mailpit), the case's internal trail has it (never the
// citizen's), the report counts it for the unit, and nothing of the
// denouncer is in the e-mail, the notice or the trail, although the note
// named them. The same request again chases once; leadership chases the
// coordinating unit; a unit officer may not chase.
func TestChaseNotifiesTrailsAndCounts(t *testing.T) {
	mp := alerttest.SharedMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ta := newTestApp(t, db, withSMTP(mp))
		ctx := context.Background()
		tok := token()
		w := newChaseWorld(t, ta, tok)
		pqlxd, pqhkt := ta.unitID(t, "PQLXD"), ta.unitID(t, "PQHKT")

		note := "Đề nghị làm rõ với ông " + chaseDenouncer + " (" + chasePhone + ") trước thứ Sáu."
		res := ta.act(t, w.office, w.id, petition.ChaseInput{Note: note, Key: "form-" + tok})
		if res.Repeated {
			t.Fatal("a first chase reported as repeated")
		}
		// A double-clicked submit: the same key chases once.
		if again := ta.act(t, w.office, w.id, petition.ChaseInput{Note: note, Key: "form-" + tok}); !again.Repeated {
			t.Error("the same key chased twice")
		}
		ta.act(t, w.leader, w.id, petition.ChaseInput{Unit: "PQHKT"})
		ta.refuse(t, w.officer, w.id, petition.ChaseInput{}, fault.Forbidden, "error.forbidden")
		ta.refuse(t, w.office, w.id, petition.ChaseInput{Unit: "PTTR"}, fault.Invalid, "workflow.chase_unit")

		var chases []struct {
			UnitID int64
			Note   string
		}
		if err := ta.db.Gorm.Raw("SELECT unit_id, note FROM case_chases WHERE case_id = ? ORDER BY id", w.id).Scan(&chases).Error; err != nil {
			t.Fatal(err)
		}
		if len(chases) != 2 || chases[0].UnitID != pqlxd || chases[1].UnitID != pqhkt {
			t.Fatalf("chases %+v, want PQLXD then PQHKT", chases)
		}
		var audits int64
		ta.db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'case.chase' AND entity_id = ?", strconv.FormatInt(w.id, 10)).Scan(&audits)
		if audits != 2 {
			t.Errorf("%d audit rows, want one per chase", audits)
		}

		// The internal trail, in words, without the identity.
		hist, err := ta.workflow.History(ctx, w.id)
		if err != nil {
			t.Fatal(err)
		}
		var trail []petition.Event
		for _, e := range hist {
			if e.Kind == petition.EventChased {
				trail = append(trail, e)
			}
		}
		if len(trail) != 2 || trail[0].Public || trail[0].UnitName != "Phòng Quản lý xây dựng" || trail[1].UnitName == trail[0].UnitName || !strings.Contains(trail[0].Note, "Đề nghị làm rõ") {
			t.Fatalf("trail %+v", trail)
		}
		for _, s := range []string{chases[0].Note, trail[0].Note} {
			if strings.Contains(s, "Tố Giác") || strings.Contains(s, chasePhone) {
				t.Errorf("the chase keeps the identity: %q", s)
			}
		}
		b := ta.browser(t)
		b.mustLogin("vp-" + tok + "@sxd.test")
		_, page := b.get("/staff/cases/" + strconv.FormatInt(w.id, 10))
		if !strings.Contains(page, "Đôn đốc Phòng Quản lý xây dựng") || strings.Contains(page, "Tố Giác") {
			t.Errorf("the case page's trail does not read the chase as a sentence (or shows the identity)")
		}
		_, kinds := ta.publicTimeline(t, w.code, w.secret)
		for _, k := range kinds {
			if k == string(petition.EventChased) {
				t.Error("the chase is on the citizen's timeline")
			}
		}

		// In-app: the chased unit's officer and head, once each; not the
		// other unit's officer for the first chase, nor the office.
		inbox := func(a access.Actor) []alert.Alert {
			t.Helper()
			list, err := ta.alertStore.Inbox(ctx, a.AccountID, true, 20, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []alert.Alert
			for _, al := range list {
				if al.Kind == alert.KindChase {
					out = append(out, al)
				}
			}
			return out
		}
		for _, a := range []access.Actor{w.officer, w.head, w.coord} {
			got := inbox(a)
			if len(got) != 1 || got[0].Payload.CaseCode != w.code || got[0].CaseID != w.id {
				t.Errorf("%s has %+v, want the one chase of its unit", a.Email, got)
			}
		}
		if got := inbox(w.office); len(got) != 0 {
			t.Errorf("the office was notified of its own chase: %+v", got)
		}
		rb := ta.browser(t)
		rb.mustLogin("cv-" + tok + "@sxd.test")
		if _, p := rb.get("/staff/alerts"); !strings.Contains(p, "Đôn đốc") || !strings.Contains(p, w.code) || strings.Contains(p, "Tố Giác") {
			t.Errorf("the officer's alerts page does not show the chase")
		}

		// E-mail, through the outbox to mailpit.
		if out := ta.runJob(t, "outbox", time.Time{}); out.Counts["sent"] < 3 {
			t.Fatalf("outbox %v, want the three chase e-mails", out.Counts)
		}
		for _, to := range []string{"cv-" + tok + "@sxd.test", "tp-" + tok + "@sxd.test", "ph-" + tok + "@sxd.test"} {
			n, list := mp.WaitFor(t, `to:"`+to+`"`, 1, 10*time.Second)
			if n != 1 {
				t.Fatalf("%d messages to %s, want 1", n, to)
			}
			msg := mp.Message(t, list[0].ID)
			if want := "[phucdap] Đôn đốc: hồ sơ " + w.code; msg.Subject != want {
				t.Errorf("subject %q, want %q", msg.Subject, want)
			}
			for _, want := range []string{"Đơn vị được đôn đốc xử lý hồ sơ " + w.code, "Loại: Tố cáo", "https://phucdap.sxd.test/staff/cases/" + strconv.FormatInt(w.id, 10)} {
				if !strings.Contains(msg.Text, want) {
					t.Errorf("to %s: no %q in\n%s", to, want, msg.Text)
				}
			}
			for _, leak := range []string{"Hoàng Văn", "Tố Giác", chasePhone, "Bí Mật", "togiac-", "Đề nghị làm rõ", "cán bộ địa chính"} {
				if strings.Contains(msg.Subject+msg.Text+msg.HTML, leak) {
					t.Errorf("the chase e-mail to %s carries %q", to, leak)
				}
			}
		}
		if n, _ := mp.Search(t, `to:"vp-`+tok+`@sxd.test"`); n != 0 {
			t.Errorf("the office got %d chase e-mails", n)
		}

		// The report counts each chase for the unit chased, and lists it.
		month := report.MonthOf(ta.reports.Today())
		rep, err := ta.reports.Report(ctx, report.Query{Period: month, By: report.ByUnit})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, r := range rep.Rows {
			got[r.Key] = r.Chased
		}
		if got[strconv.FormatInt(pqlxd, 10)] != 1 || got[strconv.FormatInt(pqhkt, 10)] != 1 || rep.Total.Chased != 2 {
			t.Errorf("chased by unit %v (total %d), want 1 for PQLXD and PQHKT", got, rep.Total.Chased)
		}
		rows, n, err := ta.reports.Cases(ctx, report.DrillQuery{Figure: report.FigChased, Period: month, By: report.ByUnit, Key: strconv.FormatInt(pqhkt, 10)}, 10, 0)
		if err != nil || n != 1 || len(rows) != 1 || rows[0].Code != w.code {
			t.Errorf("drill-down of PQHKT's chases: %d %+v %v", n, rows, err)
		}
		_, tbl := b.get("/staff/reports/table")
		if !strings.Contains(tbl, "Đôn đốc") {
			t.Errorf("the report table has no chase column")
		}
		_, csvText := b.get("/staff/reports/table.csv")
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvText, "\ufeff"))).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("report CSV: %v %q", err, csvText)
		}
		col := slices.Index(recs[0], "Lượt đôn đốc đơn vị")
		byCode := map[string]string{}
		for _, r := range recs[1:] {
			if col >= 0 {
				byCode[r[0]] = r[col]
			}
		}
		if col < 0 || byCode["PQLXD"] != "1" || byCode["PQHKT"] != "1" {
			t.Errorf("report CSV chases by unit: column %d, %v", col, byCode)
		}
		// Chased again in the same instant (the test's clock stands still):
		// a second notice, not one swallowed by the first's.
		ta.act(t, w.leader, w.id, petition.ChaseInput{Key: "again-" + tok})
		if got := inbox(w.officer); len(got) != 2 {
			t.Errorf("after a second chase the officer has %d chase notices, want 2", len(got))
		}
	})
}

// The inbox proposes the cases to chase: an answer due within the chase
// horizon (2 working days) with no draft answer; not a case with a draft,
// nor one due later. The office chases several at once from the list; the
// same form submitted twice chases each once, with one audit row each.
func TestInboxProposesAndBulkChases(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office@sxd.test", "VP", access.Office)
		officer := ta.staffActor(t, "officer@sxd.test", "PQLXD", access.UnitOfficer)
		ta.setLocal(t, "2026-12-01 09:00")
		pakn := func(assign bool) (int64, string) {
			t.Helper()
			r := ta.register(t, office, petition.RegisterInput{Kind: petition.KindFeedback, Channel: petition.ChannelPhone,
				ReceivedAt: ta.Clock.Now(), Title: "Đèn đường hỏng", Content: "Đèn đường ở ngõ 4 phố Bà Triệu bị hỏng đã lâu.",
				Name: "Người Gửi", Phone: "0911222333"})
			ta.act(t, office, r.CaseID, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
			ta.act(t, office, r.CaseID, petition.AcceptInput{})
			if assign {
				ta.act(t, office, r.CaseID, petition.AssignInput{Lead: "PQLXD"})
			}
			return r.CaseID, r.Code
		}
		soonID, soonCode := pakn(true)
		draftID, draftCode := pakn(true)
		// Accepted, due as soon, but with no unit yet: the chase would
		// refuse it, so it is not proposed.
		_, unassignedCode := pakn(false)
		ta.act(t, officer, draftID, petition.AnswerInput{Body: "Dự thảo trả lời: đơn vị đã cho sửa đèn đường."})
		ta.setLocal(t, "2026-12-08 09:00")
		laterID, laterCode := pakn(true)
		// Half a day before the first two fall due.
		due := ta.caseState(t, soonID).MainClock().DueAt
		ta.Clock.Set(due.Add(-12 * time.Hour))

		b := ta.browser(t)
		b.mustLogin("office@sxd.test")
		_, page := b.get("/staff/inbox")
		if !strings.Contains(page, `id="chase-proposal"`) || !strings.Contains(page, "1 hồ sơ đến hạn trong 2 ngày làm việc") {
			t.Errorf("the inbox does not propose the one case to chase")
		}
		_, page = b.get("/staff/inbox?urgency=chase")
		if !strings.Contains(page, soonCode) || strings.Contains(page, draftCode) || strings.Contains(page, laterCode) || strings.Contains(page, unassignedCode) {
			t.Errorf("to chase: want %s only", soonCode)
		}
		var api struct {
			Cases []struct{ Code string } `json:"cases"`
		}
		ta.getJSON(t, "/api/v1/cases?urgency=chase", http.StatusOK, &api, "Authorization", ta.staffToken(t, "VP", access.Office))
		if len(api.Cases) != 1 || api.Cases[0].Code != soonCode {
			t.Errorf("API to chase: %+v, want %s", api.Cases, soonCode)
		}

		form := url.Values{"case": {strconv.FormatInt(soonID, 10), strconv.FormatInt(laterID, 10)}, "key": {"bulk-1"}, "chase_note": {"Khẩn trương"}}
		res, page := b.post("/staff/inbox/chase", form)
		if res.StatusCode != http.StatusOK || !strings.Contains(page, "Đã đôn đốc 2 hồ sơ.") {
			t.Fatalf("bulk chase: %d %s", res.StatusCode, page)
		}
		res, page = b.post("/staff/inbox/chase", form)
		if res.StatusCode != http.StatusOK || !strings.Contains(page, "2 hồ sơ đã được đôn đốc bằng lần gửi trước") {
			t.Errorf("the repeated submit: %d", res.StatusCode)
		}
		var chases, audits int64
		ta.db.Gorm.Raw("SELECT count(*) FROM case_chases").Scan(&chases)
		ta.db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'case.chase'").Scan(&audits)
		if chases != 2 || audits != 2 {
			t.Errorf("%d chases, %d audit rows; want 2 and 2", chases, audits)
		}
		// A unit officer neither sees the proposal nor may post a chase.
		ob := ta.browser(t)
		ob.mustLogin("officer@sxd.test")
		if _, p := ob.get("/staff/inbox"); strings.Contains(p, "chase-proposal") || strings.Contains(p, "chase-panel") {
			t.Error("a unit officer is offered the chase")
		}
		if res, _ := ob.post("/staff/inbox/chase", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("a unit officer's bulk chase: %d", res.StatusCode)
		}
	})
}
