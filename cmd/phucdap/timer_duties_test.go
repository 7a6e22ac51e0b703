package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
)

// dutyClock is the case's latest duty clock of a rule.
func dutyClock(t *testing.T, st *petition.CaseState, rule string) petition.ClockState {
	t.Helper()
	for i := len(st.Clocks) - 1; i >= 0; i-- {
		if c := st.Clocks[i]; c.Kind == caseclock.Duty && c.RuleID == rule {
			return c
		}
	}
	t.Fatalf("case %s has no %s duty clock: %+v", st.Code, rule, st.Clocks)
	return petition.ClockState{}
}

// The duties owed besides the answer, through the workflow on both
// databases: notifying the parties of an accepted denunciation (Luật Tố
// cáo Art. 29(3), 5 working days), sending a complaint's suspension
// decision (Luật Khiếu nại Art. 11a, 3 working days), publishing a
// denunciation's conclusion (Art. 40, 7 working days). Each clock opens at
// its step, is met by its action (one through the API), or goes late and
// is flagged by the sweep with the office's alert; November's on-time
// figures count one on time, one late, one open and late. Each clock is
// alerted: the notice as due soon, the dispatch and the publication late. The notice to
// the person denounced is refused while it names the denouncer, and
// nothing the action records carries the denouncer's identity.
func TestDutyTimers(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office, officer, head := ta.caseTeam(t, "duty")
		tok := ta.staffToken(t, "VP", access.Office)
		eligible := petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1}
		const denouncer, phone = "Trịnh Văn Kín", "0912777888"

		// A secret denunciation received Mon 02/11/2026, accepted Wed 04/11:
		// the parties are owed a notice within 5 working days, end of 11/11.
		den := ta.registerAt(t, office, "2026-11-02 09:00", petition.RegisterInput{Kind: petition.KindDenunciation, Channel: petition.ChannelPost,
			Title: "Tố cáo cán bộ thu tiền sai quy định", Content: "Tố cáo cán bộ X thu tiền thẩm định hồ sơ không có biên lai.",
			Name: denouncer, Phone: phone, Address: "Số 5 ngõ Kín, phường Tam Thanh", KeepSecret: true}).CaseID
		ta.setLocal(t, "2026-11-03 09:00")
		ta.act(t, office, den, eligible)
		ta.setLocal(t, "2026-11-04 10:00")
		ta.act(t, office, den, petition.AcceptInput{DecisionNo: "30/QĐ-SXD"})
		notify := dutyClock(t, ta.caseState(t, den), deadline.DenunciationNotify)
		if notify.State != caseclock.Open {
			t.Fatalf("notify clock %s", notify.State)
		}
		dueIs(t, "notify the parties", notify.DueAt, ta.dateEnd(t, "2026-11-11"))
		if !strings.Contains(notify.ExplanationVI, "Luật Tố cáo 2018, Điều 29(3)") || !strings.Contains(notify.ExplanationEN, "Law on Denunciations 2018, Art. 29(3)") {
			t.Errorf("explanation: %s / %s", notify.ExplanationVI, notify.ExplanationEN)
		}
		// Not before it is owed: no conclusion yet.
		ta.refuse(t, office, den, petition.DutyInput{Act: petition.ActConclusionPublished, DocumentRef: "01/TB"}, fault.Conflict, "workflow.no_open_duty")

		// Fri 06/11, three working days before: the notice is alerted as
		// due soon.
		ta.setLocal(t, "2026-11-06 08:00")
		ta.runJob(t, "due-soon", time.Time{})
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE clock_id = ? AND kind LIKE 'due_soon%'", notify.ID); n < 1 {
			t.Errorf("no due-soon alert on the notice to the parties")
		}
		// The notice to the person denounced may not name the denouncer.
		ta.setLocal(t, "2026-11-06 09:00")
		for _, leak := range []string{"Ông " + denouncer + " tố cáo ông về việc thu tiền.", "Người tố cáo (điện thoại " + phone + ") phản ánh việc thu tiền."} {
			ta.refuse(t, office, den, petition.DutyInput{Act: petition.ActNotifyParties, DocumentRef: "12/TB-SXD", AccusedNotice: leak},
				fault.Invalid, "workflow.notice_reveals_denouncer")
		}
		// The identity check is the last: a request refused for another
		// reason says nothing of whether a guessed name is on file.
		ta.refuse(t, office, den, petition.DutyInput{Act: petition.ActNotifyParties, AccusedNotice: "Ông " + denouncer + " tố cáo ông về việc thu tiền."},
			fault.Invalid, "workflow.field_required")
		// Any phone, e-mail or ID number is refused, on file or not.
		ta.refuse(t, office, den, petition.DutyInput{Act: petition.ActNotifyParties, DocumentRef: "12/TB-SXD", AccusedNotice: "Liên hệ người tố cáo qua số 0909 111 222 để đối chất."},
			fault.Invalid, "workflow.notice_reveals_denouncer")
		ta.act(t, office, den, petition.DutyInput{Act: petition.ActNotifyParties, DocumentRef: "12/TB-SXD",
			AccusedNotice: "Sở nhận được tố cáo về việc thu tiền thẩm định hồ sơ không có biên lai; đề nghị ông giải trình."})
		onTimeIs(t, "parties notified", dutyClock(t, ta.caseState(t, den), deadline.DenunciationNotify), true)
		if n := ta.count(t, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = 'parties_notified'", den); n != 1 {
			t.Errorf("%d parties_notified events", n)
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.notify_parties' AND entity_id = ?", strconv.FormatInt(den, 10)); n != 1 {
			t.Errorf("%d audit rows for the notice", n)
		}
		var recorded []string
		ta.db.Gorm.Raw("SELECT note FROM case_events WHERE case_id = ? AND kind = 'parties_notified'", den).Scan(&recorded)
		var audit []string
		ta.db.Gorm.Raw("SELECT after_json FROM audit_log WHERE action = 'case.notify_parties' AND entity_id = ?", strconv.FormatInt(den, 10)).Scan(&audit)
		for _, s := range append(recorded, audit...) {
			if strings.Contains(s, "Kín") || strings.Contains(s, phone) {
				t.Errorf("the denouncer's identity in what the notice recorded: %s", s)
			}
		}
		// Recorded once.
		ta.refuse(t, office, den, petition.DutyInput{Act: petition.ActNotifyParties, DocumentRef: "13/TB-SXD", AccusedNotice: "Nội dung tố cáo gửi ông."},
			fault.Conflict, "workflow.no_open_duty")

		// The conclusion, approved Fri 13/11, is owed publication within 7
		// working days; never published, it goes late.
		ta.act(t, office, den, petition.AssignInput{Lead: "PQLXD"})
		ta.setLocal(t, "2026-11-13 10:00")
		ta.act(t, officer, den, petition.AnswerInput{Body: "Kết luận: tố cáo đúng một phần; kiến nghị xử lý trách nhiệm cán bộ X.", LetterNo: "40/KL-SXD",
			LetterDate: calendar.MustDate("2026-11-13"), Signer: "Giám đốc Sở"})
		ta.act(t, head, den, petition.ApproveInput{})
		publish := dutyClock(t, ta.caseState(t, den), deadline.DenunciationPublish)
		dueIs(t, "publish the conclusion", publish.DueAt, ta.engineDue(t, deadline.Request{RuleID: deadline.DenunciationPublish, Start: ta.Clock.Now()}))
		if want := ta.dateEnd(t, "2026-11-24"); publish.DueAt == nil || publish.DueAt.Before(want) {
			t.Errorf("publication due %v, before the 7th working day 24/11", fmtT(publish.DueAt))
		}

		// A complaint suspended Thu 05/11: its decision is owed within 3
		// working days, end of 10/11; sent on 12/11 (recorded through the
		// API), late.
		cmp := ta.registerAt(t, office, "2026-11-02 09:00", petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost,
			Title: "Khiếu nại quyết định thu hồi giấy phép", Content: "Khiếu nại quyết định thu hồi giấy phép xây dựng số 8/QĐ.",
			Name: "Người Khiếu Nại", Address: "Phường Vĩnh Trại"}).CaseID
		ta.setLocal(t, "2026-11-03 09:00")
		ta.act(t, office, cmp, eligible)
		ta.act(t, office, cmp, petition.AcceptInput{DecisionNo: "31/QĐ-SXD"})
		ta.setLocal(t, "2026-11-05 09:00")
		ta.act(t, office, cmp, petition.SuspendInput{Reason: "Chờ kết quả giám định", DecisionNo: "32/QĐ-SXD"})
		send := dutyClock(t, ta.caseState(t, cmp), deadline.SuspensionSend)
		dueIs(t, "send the suspension decision", send.DueAt, ta.dateEnd(t, "2026-11-10"))
		// Wed 11/11, not yet sent: the sweep flags it late and alerts.
		ta.setLocal(t, "2026-11-11 09:00")
		ta.runJob(t, "overdue-sweep", time.Time{})
		if n := ta.count(t, "SELECT COUNT(*) FROM case_clocks WHERE id = ? AND late_flagged_at IS NOT NULL", send.ID); n != 1 {
			t.Errorf("the unsent suspension decision is not flagged late")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE clock_id = ? AND kind NOT LIKE 'due_soon%'", send.ID); n < 1 {
			t.Errorf("no late alert on the unsent suspension decision")
		}
		ta.setLocal(t, "2026-11-12 15:00")
		code := ta.caseState(t, cmp).Code
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/suspension_sent", tok, map[string]any{"document_ref": "33/CV-SXD", "done_on": "2026-11-12"}, http.StatusOK, nil)
		onTimeIs(t, "suspension decision sent", dutyClock(t, ta.caseState(t, cmp), deadline.SuspensionSend), false)
		// The API refuses what is not owed, or not for the kind, and a
		// missing reference.
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/suspension_sent", tok, map[string]any{"document_ref": "34/CV-SXD"}, http.StatusConflict, nil)
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/notify_parties", tok, map[string]any{"document_ref": "34/CV-SXD"}, http.StatusConflict, nil)
		denCode := ta.caseState(t, den).Code
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+denCode+"/conclusion_published", tok, map[string]any{"document_ref": ""}, http.StatusUnprocessableEntity, nil)
		var d httpapi.CaseDetail
		ta.callJSON(t, http.MethodGet, "/api/v1/cases/"+denCode, tok, nil, http.StatusOK, &d)
		duties := 0
		for _, c := range d.Clocks {
			if c.Kind == "duty" {
				duties++
			}
		}
		if duties != 2 {
			t.Errorf("the case API shows %d duty clocks, want 2", duties)
		}

		// The sweep flags the unpublished conclusion and alerts the office.
		ta.setLocal(t, "2026-11-27 09:00")
		ta.runJob(t, "overdue-sweep", time.Time{})
		if n := ta.count(t, "SELECT COUNT(*) FROM case_clocks WHERE id = ? AND late_flagged_at IS NOT NULL", publish.ID); n != 1 {
			t.Errorf("the late publication is not flagged")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE clock_id = ?", publish.ID); n < 1 {
			t.Errorf("no alert on the late publication")
		}
		var payloads []string
		ta.db.Gorm.Raw("SELECT payload FROM alerts WHERE case_id = ?", den).Scan(&payloads)
		for _, p := range payloads {
			if strings.Contains(p, "Kín") || strings.Contains(p, phone) {
				t.Errorf("the denouncer's identity in an alert: %s", p)
			}
		}

		// November's figures: the notice on time, the dispatch late, the
		// publication open and late.
		rep := novemberReport(t, ta, tok, "total")
		f := rep.Total.Figures
		if f.DutyOnTime != 1 || f.DutyLate != 1 || f.DutyOpenLate != 1 || f.DutyOnTimeRate == nil || *f.DutyOnTimeRate != 33.3 {
			t.Errorf("November duties: on time %d, late %d, open late %d, rate %v", f.DutyOnTime, f.DutyLate, f.DutyOpenLate, f.DutyOnTimeRate)
		}

		// Published at last: the clock is met, late.
		ta.act(t, office, den, petition.DutyInput{Act: petition.ActConclusionPublished, DocumentRef: "Cổng thông tin điện tử Sở, 27/11/2026"})
		onTimeIs(t, "conclusion published", dutyClock(t, ta.caseState(t, den), deadline.DenunciationPublish), false)
	})
}

// A suspension decided before 01/07/2026 owes no dispatch clock: the
// 3-working-day rule (Luật Khiếu nại Art. 11a) exists from that day.
func TestSuspensionDispatchOnlyFromLawChange(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office-duty-early@sxd.test", "VP", access.Office)
		reg := ta.registerAt(t, office, "2026-06-01 09:00", petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost,
			Title: "Khiếu nại", Content: "Khiếu nại quyết định xử phạt vi phạm hành chính số 2/QĐ.",
			Name: "Người Khiếu Nại", Address: "Phường Đông Kinh"}).CaseID
		ta.act(t, office, reg, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
		ta.act(t, office, reg, petition.AcceptInput{DecisionNo: "1/QĐ"})
		ta.setLocal(t, "2026-06-10 09:00")
		ta.act(t, office, reg, petition.SuspendInput{Reason: "Chờ giám định", DecisionNo: "2/QĐ"})
		for _, c := range ta.caseState(t, reg).Clocks {
			if c.Kind == caseclock.Duty {
				t.Errorf("a duty clock %s for a suspension of 10/06/2026", c.RuleID)
			}
		}
	})
}
