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

// A case forwarded by an elected body (Luật Tiếp công dân Art. 27(2)),
// through the workflow on both databases: classified as such (through the
// API), its resolution owes the body a report within 7 working days; one
// is reported back on time (through the API), the other never, so the
// sweep flags it with the office's alert, and November's duty figures
// count both. A case not forwarded by an elected body owes nothing.
func TestReportBackToElectedBodyTimer(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office, officer, head := ta.caseTeam(t, "back")
		tok := ta.staffToken(t, "VP", access.Office)
		resolved := func(title string, elected bool, answered string) int64 {
			t.Helper()
			id := ta.registerAt(t, office, "2026-10-26 09:00", petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelForwarded,
				Title: title, Content: "Kiến nghị do Đoàn đại biểu Quốc hội tỉnh chuyển đến về cấp phép xây dựng.", Name: "Cử Tri"}).CaseID
			code := ta.caseState(t, id).Code
			ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/classify", tok,
				map[string]any{"eligible": true, "within_competence": true, "elected_body": elected}, http.StatusOK, nil)
			var d httpapi.CaseDetail
			ta.callJSON(t, http.MethodGet, "/api/v1/cases/"+code, tok, nil, http.StatusOK, &d)
			if d.Classification.ElectedBody != elected {
				t.Fatalf("API elected_body %v, want %v", d.Classification.ElectedBody, elected)
			}
			ta.act(t, office, id, petition.AcceptInput{})
			ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD"})
			ta.setLocal(t, answered)
			ta.act(t, officer, id, petition.AnswerInput{Body: "Sở đã kiểm tra và trả lời kiến nghị về cấp phép xây dựng.", LetterNo: "80/SXD",
				LetterDate: calendar.MustDate(answered[:10]), Signer: "Giám đốc Sở"})
			ta.act(t, head, id, petition.ApproveInput{})
			return id
		}

		// Resolved Mon 02/11/2026: the report is due in 7 working days, end
		// of Wed 11/11; reported on Tue 10/11.
		onTime := resolved("Kiến nghị cử tri một", true, "2026-11-02 10:00")
		c := dutyClock(t, ta.caseState(t, onTime), deadline.ElectedReportBack)
		if c.State != caseclock.Open {
			t.Fatalf("report-back clock %s", c.State)
		}
		dueIs(t, "report back", c.DueAt, ta.dateEnd(t, "2026-11-11"))
		ta.setLocal(t, "2026-11-10 09:00")
		code := ta.caseState(t, onTime).Code
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/reported_back", tok, map[string]any{"document_ref": "81/BC-SXD"}, http.StatusOK, nil)
		onTimeIs(t, "reported back", dutyClock(t, ta.caseState(t, onTime), deadline.ElectedReportBack), true)
		if n := ta.count(t, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = 'reported_back'", onTime); n != 1 {
			t.Errorf("%d reported_back events", n)
		}

		never := resolved("Kiến nghị cử tri hai", true, "2026-11-03 10:00")
		late := dutyClock(t, ta.caseState(t, never), deadline.ElectedReportBack)

		// Not forwarded by an elected body: no report owed.
		plain := resolved("Kiến nghị thường", false, "2026-11-03 11:00")
		for _, c := range ta.caseState(t, plain).Clocks {
			if c.Kind == caseclock.Duty {
				t.Errorf("a duty clock %s on a case no elected body forwarded", c.RuleID)
			}
		}
		ta.refuse(t, office, plain, petition.DutyInput{Act: petition.ActReportedBack, DocumentRef: "82/BC"}, fault.Conflict, "workflow.no_open_duty")

		ta.setLocal(t, "2026-11-20 09:00")
		ta.runJob(t, "overdue-sweep", time.Time{})
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE clock_id = ?", late.ID); n < 1 {
			t.Errorf("no alert on the report never sent back")
		}
		rep := novemberReport(t, ta, tok, "total")
		if f := rep.Total.Figures; f.DutyOnTime != 1 || f.DutyLate != 0 || f.DutyOpenLate != 1 {
			t.Errorf("November duties: on time %d, late %d, open late %d", f.DutyOnTime, f.DutyLate, f.DutyOpenLate)
		}
	})
}

// Refusing to receive a visitor (NĐ 154/2026 Art. 4(3)), through the
// workflow on both databases: the visit registered in person is filed
// without processing (its first clock cancelled, out of the on-time rate),
// and the written notice (Mẫu 01/TCD) is owed within 3 working days; one
// is issued on time (through the API), the other never, so the sweep
// flags it with the office's alert, and November's duty figures count
// both. A letter received by post cannot be "refused reception".
func TestReceptionRefusalTimer(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office-refuse@sxd.test", "VP", access.Office)
		tok := ta.staffToken(t, "VP", access.Office)
		visit := func(channel petition.Channel, at string) int64 {
			t.Helper()
			return ta.registerAt(t, office, at, petition.RegisterInput{Kind: petition.KindPetition, Channel: channel,
				Title: "Công dân đến kiến nghị", Content: "Công dân đến kiến nghị lại vụ việc đã được giải quyết đúng quy định.", Name: "Khách Đến"}).CaseID
		}

		// Refused Mon 02/11/2026 (through the API): the notice is due in 3
		// working days, end of Thu 05/11; issued Wed 04/11.
		onTime := visit(petition.ChannelInPerson, "2026-11-02 09:00")
		code := ta.caseState(t, onTime).Code
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/refuse_reception", tok,
			map[string]any{"reason": "Vụ việc đã được giải quyết đúng chính sách, pháp luật (Luật Tiếp công dân, Điều 9)", "decision_no": ""}, http.StatusOK, nil)
		st := ta.caseState(t, onTime)
		if st.Status != petition.StatusFiled {
			t.Errorf("status %s", st.Status)
		}
		for _, c := range st.Clocks {
			if c.Kind != caseclock.Duty && c.State != caseclock.Cancelled {
				t.Errorf("the first clock %s is %s, want cancelled", c.RuleID, c.State)
			}
		}
		c := dutyClock(t, st, deadline.ReceptionRefusal)
		dueIs(t, "refusal notice", c.DueAt, ta.dateEnd(t, "2026-11-05"))
		ta.setLocal(t, "2026-11-04 10:00")
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/refusal_notice_sent", tok, map[string]any{"document_ref": "01/TB-TCD"}, http.StatusOK, nil)
		onTimeIs(t, "refusal notice", dutyClock(t, ta.caseState(t, onTime), deadline.ReceptionRefusal), true)
		if n := ta.count(t, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind IN ('reception_refused', 'refusal_notice_sent')", onTime); n != 2 {
			t.Errorf("%d refusal events", n)
		}

		never := visit(petition.ChannelInPerson, "2026-11-03 09:00")
		ta.act(t, office, never, petition.RefuseReceptionInput{Reason: "Người đến trong tình trạng say rượu, không làm chủ hành vi"})
		late := dutyClock(t, ta.caseState(t, never), deadline.ReceptionRefusal)

		post := visit(petition.ChannelPost, "2026-11-03 09:00")
		ta.refuse(t, office, post, petition.RefuseReceptionInput{Reason: "Không tiếp"}, fault.Conflict, "workflow.refuse_in_person_only")

		ta.setLocal(t, "2026-11-20 09:00")
		ta.runJob(t, "overdue-sweep", time.Time{})
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE clock_id = ?", late.ID); n < 1 {
			t.Errorf("no alert on the notice never issued")
		}
		// The refused visits are out of the on-time rate; the letter by
		// post, never processed, is the only answer open and late.
		rep := novemberReport(t, ta, tok, "total")
		if f := rep.Total.Figures; f.DutyOnTime != 1 || f.DutyLate != 0 || f.DutyOpenLate != 1 || f.OpenLate != 1 {
			t.Errorf("November: duties on time %d, late %d, open late %d; answers open late %d", f.DutyOnTime, f.DutyLate, f.DutyOpenLate, f.OpenLate)
		}
	})
}

// An overdue denunciation taken to the superior (Luật Tố cáo Art. 38),
// through the workflow on both databases: the superior's request is
// recorded only once the resolution is late, and owes a report within 5
// working days; one report is sent on time (through the API), the other
// never, so the sweep flags it with the office's alert, and October's duty
// figures count both.
func TestSuperiorReportTimer(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffActor(t, "office-report@sxd.test", "VP", access.Office)
		tok := ta.staffToken(t, "VP", access.Office)
		denunciation := func(name string) int64 {
			t.Helper()
			id := ta.registerAt(t, office, "2026-09-01 09:00", petition.RegisterInput{Kind: petition.KindDenunciation, Channel: petition.ChannelPost,
				Title: "Tố cáo cán bộ", Content: "Tố cáo cán bộ Y nhận tiền khi cấp phép xây dựng.",
				Name: name, Address: "Phường Tam Thanh", KeepSecret: true}).CaseID
			ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1})
			// Accepted Wed 02/09: resolution due in 30 days, end of Fri 02/10.
			ta.setLocal(t, "2026-09-02 09:00")
			ta.act(t, office, id, petition.AcceptInput{DecisionNo: "50/QĐ-SXD"})
			ta.act(t, office, id, petition.DutyInput{Act: petition.ActNotifyParties, DocumentRef: "51/TB-SXD", AccusedNotice: "Nội dung tố cáo về việc cấp phép."})
			return id
		}
		sent, unsent := denunciation("Người Tố Cáo Một"), denunciation("Người Tố Cáo Hai")

		// Not overdue yet: no request can be recorded.
		ta.setLocal(t, "2026-09-20 09:00")
		ta.refuse(t, office, sent, petition.DutyInput{Act: petition.ActReportRequested, DocumentRef: "12/TTr"}, fault.Conflict, "workflow.not_overdue")

		// Mon 05/10: the superior asks; the report is due in 5 working
		// days, end of Mon 12/10.
		ta.setLocal(t, "2026-10-05 09:00")
		code := ta.caseState(t, sent).Code
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/report_requested", tok, map[string]any{"document_ref": "15/TTr-UBND"}, http.StatusOK, nil)
		c := dutyClock(t, ta.caseState(t, sent), deadline.DenunciationReport)
		if c.State != caseclock.Open {
			t.Fatalf("report clock %s", c.State)
		}
		dueIs(t, "report to the superior", c.DueAt, ta.dateEnd(t, "2026-10-12"))
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/report_requested", tok, map[string]any{"document_ref": "16/TTr-UBND"}, http.StatusConflict, nil)
		ta.setLocal(t, "2026-10-09 15:00")
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/report_sent", tok, map[string]any{"document_ref": "70/BC-SXD"}, http.StatusOK, nil)
		onTimeIs(t, "report sent", dutyClock(t, ta.caseState(t, sent), deadline.DenunciationReport), true)
		if n := ta.count(t, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind IN ('report_requested', 'report_sent')", sent); n != 2 {
			t.Errorf("%d report events", n)
		}

		ta.setLocal(t, "2026-10-05 10:00")
		ta.act(t, office, unsent, petition.DutyInput{Act: petition.ActReportRequested, DocumentRef: "17/TTr-UBND"})
		late := dutyClock(t, ta.caseState(t, unsent), deadline.DenunciationReport)
		ta.setLocal(t, "2026-10-20 09:00")
		ta.runJob(t, "overdue-sweep", time.Time{})
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE clock_id = ?", late.ID); n < 1 {
			t.Errorf("no alert on the report never sent")
		}

		// October: the report sent on time, the other open and late (the
		// parties' notices were given in September).
		var rep httpapi.OnTimeReport
		ta.getJSON(t, "/api/v1/reports/on-time?from=2026-10-01&to=2026-10-31&by=total", 200, &rep, "Authorization", tok)
		if f := rep.Total.Figures; f.DutyOnTime != 1 || f.DutyLate != 0 || f.DutyOpenLate != 1 {
			t.Errorf("October duties: on time %d, late %d, open late %d", f.DutyOnTime, f.DutyLate, f.DutyOpenLate)
		}
	})
}

// The dialogue of a second complaint (Luật Khiếu nại Art. 39; NĐ 124/2020
// Art. 28 as amended by NĐ 155/2026 Art. 11), through the workflow on both
// databases. The answer is refused until a dialogue is settled. Scheduling
// opens a duty clock for the written notice, due at least 5 days before
// the dialogue, counted backwards (a Sunday moves it back to the Friday);
// moving the dialogue cancels the old notice clock. A complainant absent
// for a good reason leaves the dialogue owed; one absent without, or a
// dialogue held, lets the complaint be answered. A notice never sent is
// alerted before it is due and flagged after; November's duty figures
// count them. A dialogue before 01/07/2026 owes no dated notice but is
// still required.
func TestDialogueTimer(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office, officer, head := ta.caseTeam(t, "dialogue")
		tok := ta.staffToken(t, "VP", access.Office)
		officerTok := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		answer := petition.AnswerInput{Body: "Quyết định giải quyết khiếu nại lần hai: giữ nguyên quyết định lần đầu.", LetterNo: "30/QĐ-SXD", Signer: "Giám đốc Sở"}
		secondComplaint := func(received string) int64 {
			t.Helper()
			id := ta.registerAt(t, office, received, petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost,
				Title: "Khiếu nại lần hai về cấp phép xây dựng", Content: "Tôi không đồng ý với quyết định giải quyết khiếu nại lần đầu về giấy phép xây dựng.",
				Name: "Người Khiếu Nại", Address: "Phường Đông Kinh"}).CaseID
			ta.act(t, office, id, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 2})
			ta.act(t, office, id, petition.AcceptInput{DecisionNo: "40/QĐ-SXD"})
			ta.act(t, office, id, petition.AssignInput{Lead: "PQLXD"})
			return id
		}

		// Before 01/07/2026: no dated notice, but the dialogue is required.
		old := secondComplaint("2026-06-01 09:00")
		ta.refuse(t, officer, old, answer, fault.Conflict, "workflow.dialogue_required")
		ta.act(t, office, old, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-06-15"), Time: "09:00", Place: "Phòng họp Sở",
			Participants: "Phó Giám đốc Sở (chủ trì), người khiếu nại, Phòng Quản lý xây dựng"})
		for _, c := range ta.caseState(t, old).Clocks {
			if c.Kind == caseclock.Duty {
				t.Errorf("a dialogue on 15/06/2026 owes a dated notice: %+v", c)
			}
		}
		ta.setLocal(t, "2026-06-15 15:00")
		ta.act(t, office, old, petition.RecordDialogueInput{Outcome: petition.DialogueHeld, MinutesRef: "01/BB-ĐT", Result: "Hai bên trình bày ý kiến; người khiếu nại giữ yêu cầu."})
		ta.act(t, officer, old, answer)

		// A: received Mon 02/11/2026, accepted and assigned.
		a := secondComplaint("2026-11-02 09:00")
		code := ta.caseState(t, a).Code
		ta.refuse(t, officer, a, answer, fault.Conflict, "workflow.dialogue_required")
		// The refusal reads in Vietnamese by default, in English on request.
		body := string(ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/answer", officerTok, map[string]any{"body": answer.Body}, http.StatusConflict, nil))
		if !strings.Contains(body, "phải được đối thoại trước khi ra quyết định giải quyết") {
			t.Errorf("vi refusal: %s", body)
		}
		body = string(ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/answer?lang=en", officerTok, map[string]any{"body": answer.Body}, http.StatusConflict, nil))
		if !strings.Contains(body, "decided only after a dialogue") {
			t.Errorf("en refusal: %s", body)
		}
		ta.refuse(t, office, a, petition.RecordDialogueInput{Outcome: petition.DialogueHeld, MinutesRef: "x", Result: "Chưa có lịch"}, fault.Conflict, "workflow.no_dialogue_scheduled")

		// Mon 02/11 for Fri 06/11: 5 days back is Sun 01/11, so the notice
		// would be due Fri 30/10, before the scheduling. Refused, naming
		// the first date whose notice is still in time: Sat 07/11 (due
		// today, Mon 02/11); the staff form's lowest date is that one.
		ta.refuse(t, office, a, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-11-06"), Place: "Phòng họp Sở", Participants: "Các bên"},
			fault.Invalid, "workflow.dialogue_too_soon")
		soon := map[string]any{"dialogue_on": "2026-11-06", "place": "Phòng họp Sở", "participants": "Các bên"}
		for lang, want := range map[string]string{"": "Ngày sớm nhất có thể tổ chức đối thoại là 07/11/2026", "?lang=en": "The earliest date the dialogue can be held is 7 November 2026"} {
			if body := string(ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/schedule_dialogue"+lang, tok, soon, http.StatusUnprocessableEntity, nil)); !strings.Contains(body, want) {
				t.Errorf("too soon (%q): %s", lang, body)
			}
		}
		ob := ta.browser(t)
		ob.mustLogin("office-dialogue@sxd.test")
		if _, page := ob.get("/staff/cases/" + strconv.FormatInt(a, 10)); !strings.Contains(page, `name="dialogue_on" value="" min="2026-11-07"`) {
			t.Errorf("the dialogue form's lowest date is not 07/11/2026")
		}

		// Scheduled Wed 04/11 for Mon 16/11: the notice is due Wed 11/11.
		ta.setLocal(t, "2026-11-04 09:00")
		ta.refuse(t, office, a, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-11-03"), Place: "Phòng họp", Participants: "Các bên"},
			fault.Invalid, "workflow.dialogue_past")
		ta.act(t, office, a, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-11-16"), Time: "14:00", Place: "Phòng họp Sở",
			Participants: "Phó Giám đốc Sở (chủ trì), người khiếu nại, Phòng Quản lý xây dựng"})
		first := dutyClock(t, ta.caseState(t, a), deadline.DialogueNotice)
		dueIs(t, "notice of the 16/11 dialogue", first.DueAt, ta.dateEnd(t, "2026-11-11"))
		if !strings.Contains(first.ExplanationVI, "trước ngày đối thoại ít nhất 5 ngày") || !strings.Contains(first.ExplanationEN, "at least 5 days before the dialogue") {
			t.Errorf("explanation: %s / %s", first.ExplanationVI, first.ExplanationEN)
		}

		// Moved, through the API, to Fri 27/11: 5 days back is Sun 22/11,
		// so the notice is due Fri 20/11; the old notice clock is cancelled.
		ta.setLocal(t, "2026-11-05 09:00")
		var d httpapi.CaseDetail
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/schedule_dialogue", tok, map[string]any{"dialogue_on": "2026-11-27", "time": "09:00",
			"place": "Phòng họp Sở", "participants": "Phó Giám đốc Sở, người khiếu nại"}, http.StatusOK, &d)
		st := ta.caseState(t, a)
		moved := dutyClock(t, st, deadline.DialogueNotice)
		dueIs(t, "notice of the 27/11 dialogue", moved.DueAt, ta.dateEnd(t, "2026-11-20"))
		for _, c := range st.Clocks {
			if c.ID == first.ID && c.State != caseclock.Cancelled {
				t.Errorf("the old notice clock is %s", c.State)
			}
		}
		if d.Dialogues == nil || len(*d.Dialogues) != 2 || (*d.Dialogues)[1].DialogueOn != "2026-11-27" {
			t.Errorf("API dialogues: %+v", d.Dialogues)
		}
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/schedule_dialogue", tok, map[string]any{"dialogue_on": "2026-11-27", "time": "25:00",
			"place": "P", "participants": ""}, http.StatusUnprocessableEntity, nil)

		// The notice, sent Thu 19/11 (API): on time. The outcome cannot be
		// recorded before the dialogue.
		ta.setLocal(t, "2026-11-19 10:00")
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/dialogue_notice_sent", tok, map[string]any{"document_ref": "55/TB-SXD"}, http.StatusOK, nil)
		onTimeIs(t, "notice", dutyClock(t, ta.caseState(t, a), deadline.DialogueNotice), true)
		ta.refuse(t, office, a, petition.RecordDialogueInput{Outcome: petition.DialogueHeld, MinutesRef: "02/BB-ĐT", Result: "Đối thoại sớm"},
			fault.Invalid, "workflow.dialogue_before_date")

		// Fri 27/11: the complainant is ill (a good reason): the dialogue
		// is still owed and the answer still refused.
		ta.setLocal(t, "2026-11-27 11:00")
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/record_dialogue", tok, map[string]any{"outcome": "absent_with_reason",
			"minutes_ref": "02/BB-ĐT", "result": "Người khiếu nại ốm, có giấy xác nhận của bệnh viện."}, http.StatusOK, nil)
		ta.refuse(t, officer, a, answer, fault.Conflict, "workflow.dialogue_required")
		// Again for Thu 03/12: 5 days back is Sat 28/11, so the notice is
		// due today, Fri 27/11, and sent today.
		ta.act(t, office, a, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-12-03"), Place: "Phòng họp Sở", Participants: "Phó Giám đốc Sở, người khiếu nại"})
		again := dutyClock(t, ta.caseState(t, a), deadline.DialogueNotice)
		dueIs(t, "notice of the 03/12 dialogue", again.DueAt, ta.dateEnd(t, "2026-11-27"))
		ta.act(t, office, a, petition.DutyInput{Act: petition.ActDialogueNoticeSent, DocumentRef: "60/TB-SXD"})
		onTimeIs(t, "second notice", dutyClock(t, ta.caseState(t, a), deadline.DialogueNotice), true)
		ta.setLocal(t, "2026-12-03 16:00")
		ta.act(t, office, a, petition.RecordDialogueInput{Outcome: petition.DialogueHeld, MinutesRef: "03/BB-ĐT", Result: "Thống nhất giữ nguyên quyết định lần đầu."})
		ta.act(t, officer, a, answer)
		ta.act(t, head, a, petition.ApproveInput{})
		if st := ta.caseState(t, a); st.Status != petition.StatusAnswered {
			t.Errorf("status %s", st.Status)
		}
		for kind, want := range map[string]int64{"dialogue_scheduled": 3, "dialogue_notice_sent": 2, "dialogue_excused": 1, "dialogue_held": 1} {
			if n := ta.count(t, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = ?", a, kind); n != want {
				t.Errorf("%d %s events, want %d", n, kind, want)
			}
		}

		// B: scheduled Tue 10/11 for Mon 16/11, the notice due Wed 11/11 and
		// never sent: alerted as due soon, then flagged late. The
		// complainant does not come, without a good reason: the complaint
		// is answered all the same.
		b := secondComplaint("2026-11-09 09:00")
		ta.setLocal(t, "2026-11-10 09:00")
		ta.act(t, office, b, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-11-16"), Place: "Phòng họp Sở", Participants: "Phó Giám đốc Sở, người khiếu nại"})
		never := dutyClock(t, ta.caseState(t, b), deadline.DialogueNotice)
		dueIs(t, "notice never sent", never.DueAt, ta.dateEnd(t, "2026-11-11"))
		ta.runJob(t, "due-soon", time.Time{})
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE clock_id = ? AND kind LIKE 'due_soon%'", never.ID); n < 1 {
			t.Errorf("no due-soon alert on the notice due tomorrow")
		}
		ta.setLocal(t, "2026-11-16 15:00")
		ta.act(t, office, b, petition.RecordDialogueInput{Outcome: petition.DialogueAbsentNoReason, MinutesRef: "04/BB-ĐT",
			Result: "Người khiếu nại đã được mời nhưng không đến, không có lý do."})
		ta.act(t, officer, b, answer)
		ta.setLocal(t, "2026-11-20 09:00")
		ta.runJob(t, "overdue-sweep", time.Time{})
		if n := ta.count(t, "SELECT COUNT(*) FROM case_clocks WHERE id = ? AND late_flagged_at IS NOT NULL", never.ID); n != 1 {
			t.Errorf("the notice never sent is not flagged late")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE clock_id = ? AND kind NOT LIKE 'due_soon%'", never.ID); n < 1 {
			t.Errorf("no late alert on the notice never sent")
		}

		// November: two notices on time (A's), one open and late (B's); the
		// cancelled one is not counted.
		rep := novemberReport(t, ta, tok, "total")
		if f := rep.Total.Figures; f.DutyOnTime != 2 || f.DutyLate != 0 || f.DutyOpenLate != 1 {
			t.Errorf("November duties: on time %d, late %d, open late %d", f.DutyOnTime, f.DutyLate, f.DutyOpenLate)
		}

		// Only a complaint has a dialogue.
		reg := ta.registerAt(t, office, "2026-11-23 09:00", petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelPost,
			Title: "Kiến nghị", Content: "Kiến nghị sửa chữa đường nội thị bị hư hỏng nặng.", Name: "Người Kiến Nghị"}).CaseID
		ta.act(t, office, reg, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
		ta.act(t, office, reg, petition.AcceptInput{})
		ta.refuse(t, office, reg, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-12-01"), Place: "Phòng họp", Participants: "Các bên"},
			fault.Conflict, "workflow.illegal_kind")

		// C (December, out of November's figures): scheduled Tue 01/12 for
		// Mon 07/12, the notice never recorded; the complainant is excused
		// on 07/12 and the dialogue entered again on Wed 09/12 for Mon
		// 21/12. Only the new date's notice runs: the old one, owed for a
		// date gone by, is cancelled, and "notice sent" meets the new one.
		c := secondComplaint("2026-12-01 09:00")
		ta.act(t, office, c, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-12-07"), Place: "Phòng họp Sở", Participants: "Phó Giám đốc Sở, người khiếu nại"})
		stale := dutyClock(t, ta.caseState(t, c), deadline.DialogueNotice)
		ta.setLocal(t, "2026-12-07 15:00")
		ta.act(t, office, c, petition.RecordDialogueInput{Outcome: petition.DialogueAbsentWithReason, MinutesRef: "05/BB-ĐT",
			Result: "Người khiếu nại đi công tác, có giấy xác nhận."})
		ta.setLocal(t, "2026-12-09 10:00")
		ta.act(t, office, c, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-12-21"), Place: "Phòng họp Sở", Participants: "Phó Giám đốc Sở, người khiếu nại"})
		var running []petition.ClockState
		for _, k := range ta.caseState(t, c).Clocks {
			if k.Kind == caseclock.Duty && k.RuleID == deadline.DialogueNotice && k.Running() {
				running = append(running, k)
			}
			if k.ID == stale.ID && k.State != caseclock.Cancelled {
				t.Errorf("the notice of the 07/12 dialogue is %s after the dialogue was scheduled again", k.State)
			}
		}
		if len(running) != 1 || running[0].ID == stale.ID {
			t.Fatalf("running notice clocks %+v, want only the 21/12 dialogue's", running)
		}
		dueIs(t, "notice of the 21/12 dialogue", running[0].DueAt, ta.dateEnd(t, "2026-12-16"))
		// The letter went out Tue 08/12, before the dialogue was entered:
		// accepted back to the day of the dialogue's previous step (the
		// outcome on 07/12), and refused before it with the date named.
		ta.refuse(t, office, c, petition.DutyInput{Act: petition.ActDialogueNoticeSent, DocumentRef: "70/TB-SXD", DoneOn: calendar.MustDate("2026-12-04")},
			fault.Invalid, "workflow.dialogue_notice_before")
		if body := string(ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+ta.caseState(t, c).Code+"/dialogue_notice_sent?lang=en", tok,
			map[string]any{"document_ref": "70/TB-SXD", "done_on": "2026-12-04"}, http.StatusUnprocessableEntity, nil)); !strings.Contains(body, "cannot be dated before 7 December 2026") {
			t.Errorf("notice before the previous step: %s", body)
		}
		ta.act(t, office, c, petition.DutyInput{Act: petition.ActDialogueNoticeSent, DocumentRef: "70/TB-SXD", DoneOn: calendar.MustDate("2026-12-08")})
		for _, k := range ta.caseState(t, c).Clocks {
			if k.Kind == caseclock.Duty && k.RuleID == deadline.DialogueNotice && k.Running() {
				t.Errorf("a notice clock still runs after the notice was sent: %+v", k)
			}
		}
		onTimeIs(t, "notice sent before the dialogue was entered", dutyClock(t, ta.caseState(t, c), deadline.DialogueNotice), true)
		if k := dutyClock(t, ta.caseState(t, c), deadline.DialogueNotice); k.ID != running[0].ID {
			t.Errorf("the notice met clock %d, want the 21/12 dialogue's %d", k.ID, running[0].ID)
		}

		// A stored dialogue that does not read back fails the load, never
		// a dialogue with no date.
		for _, detail := range []string{`{"dialogue_on":`, `{"dialogue_on":"2026-13-45"}`} {
			if err := ta.db.Gorm.Exec("UPDATE case_decisions SET detail = ? WHERE case_id = ? AND kind = ?", detail, c, string(petition.ActScheduleDialogue)).Error; err != nil {
				t.Fatal(err)
			}
			if _, err := store0(ta).Load(t.Context(), c); err == nil {
				t.Errorf("a dialogue stored as %s loads", detail)
			}
		}
	})
}

// A complaint against a disciplinary decision (Luật Khiếu nại Art. 50),
// chosen at classification, runs on its own clocks through the workflow on
// both databases, and is decided only after a dialogue (Art. 53):
// acceptance within 7 working days of receipt from 01/07/2026 (NĐ 124/2020
// Art. 16(1) as amended by NĐ 155/2026 Art. 10, which names the
// disciplinary decision; Art. 50's 10 days before), resolution within 30
// days of acceptance with no longer period for a remote area (the general
// rule gives 45). One is
// answered on time; the other goes late, the sweep flags it and raises the
// office's alert, and the month's on-time figures count both.
func TestDisciplinaryComplaintTimers(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office, officer, head := ta.caseTeam(t, "discipline")
		register := func(received string) int64 {
			t.Helper()
			return ta.registerAt(t, office, received, petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost,
				Title: "Khiếu nại quyết định kỷ luật", Content: "Tôi khiếu nại quyết định kỷ luật khiển trách số 12/QĐ-SXD.",
				Name: "Công Chức Bị Kỷ Luật", Address: "Phường Chi Lăng"}).CaseID
		}
		disciplinary := petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1, Remote: true, Subtype: petition.SubtypeDisciplinary}

		// Received Mon 02/11/2026: the general acceptance clock is replaced
		// at classification by the disciplinary one, from the same
		// receipt: 7 working days under NĐ 155/2026, end of Wed 11/11.
		on := register("2026-11-02 09:00")
		if c := clockOf(t, ta.caseState(t, on), caseclock.Accept, -1); c.RuleID != deadline.ComplaintAccept {
			t.Fatalf("before classification the accept clock is %s", c.RuleID)
		}
		ta.setLocal(t, "2026-11-03 09:00")
		ta.act(t, office, on, disciplinary)
		st := ta.caseState(t, on)
		if st.Class.Subtype != petition.SubtypeDisciplinary {
			t.Fatalf("subtype %q", st.Class.Subtype)
		}
		acc := clockOf(t, st, caseclock.Accept, -1)
		if acc.RuleID != deadline.DisciplineAccept || acc.State != caseclock.Open {
			t.Fatalf("accept clock %s %s", acc.RuleID, acc.State)
		}
		dueIs(t, "disciplinary acceptance", acc.DueAt, ta.dateEnd(t, "2026-11-11"))
		if !strings.Contains(acc.ExplanationVI, "khiếu nại quyết định kỷ luật cán bộ, công chức") || !strings.Contains(acc.ExplanationEN, "Decree 155/2026/ND-CP, Art. 10") {
			t.Errorf("explanation: %s / %s", acc.ExplanationVI, acc.ExplanationEN)
		}
		cancelled := 0
		for _, c := range st.Clocks {
			if c.RuleID == deadline.ComplaintAccept && c.State == caseclock.Cancelled {
				cancelled++
			}
		}
		if cancelled != 1 {
			t.Errorf("the general acceptance clock was not cancelled: %+v", st.Clocks)
		}

		// Accepted Thu 05/11, remote area: 30 days (Art. 50 has no remote
		// period), Sat 05/12 rolled to Mon 07/12.
		ta.setLocal(t, "2026-11-05 10:00")
		ta.act(t, office, on, petition.AcceptInput{DecisionNo: "15/QĐ-SXD"})
		st = ta.caseState(t, on)
		onTimeIs(t, "acceptance", clockOf(t, st, caseclock.Accept, -1), true)
		res := clockOf(t, st, caseclock.Answer, -1)
		if res.RuleID != deadline.DisciplineResolve {
			t.Fatalf("resolution clock %s", res.RuleID)
		}
		dueIs(t, "Art. 50 resolution", res.DueAt, ta.dateEnd(t, "2026-12-07"))
		general := ta.engineDue(t, deadline.Request{RuleID: deadline.ComplaintResolve, Start: ta.Clock.Now(), Remote: true})
		if res.DueAt.Equal(general) {
			t.Errorf("the disciplinary complaint runs on the general remote-area period")
		}
		ta.act(t, office, on, petition.AssignInput{Lead: "PQLXD"})
		// A disciplinary complaint is decided only after a dialogue, in
		// either round (Art. 53): scheduled for Mon 16/11, its notice due
		// Wed 11/11 and sent Fri 06/11, held on the day.
		answer := petition.AnswerInput{Body: "Giữ nguyên quyết định kỷ luật khiển trách vì đúng quy định.", LetterNo: "20/QĐ-SXD",
			LetterDate: calendar.MustDate("2026-11-20"), Signer: "Giám đốc Sở"}
		ta.refuse(t, officer, on, answer, fault.Conflict, "workflow.dialogue_required")
		ta.act(t, office, on, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-11-16"), Place: "Phòng họp Sở",
			Participants: "Giám đốc Sở (chủ trì), công chức khiếu nại, Phòng Tổ chức"})
		ta.setLocal(t, "2026-11-06 10:00")
		ta.act(t, office, on, petition.DutyInput{Act: petition.ActDialogueNoticeSent, DocumentRef: "70/TB-SXD"})
		ta.setLocal(t, "2026-11-16 16:00")
		ta.act(t, office, on, petition.RecordDialogueInput{Outcome: petition.DialogueHeld, MinutesRef: "05/BB-ĐT", Result: "Công chức giữ ý kiến; Sở giải thích căn cứ kỷ luật."})
		ta.setLocal(t, "2026-11-20 10:00")
		ta.act(t, officer, on, answer)
		ta.act(t, head, on, petition.ApproveInput{})
		onTimeIs(t, "resolution", clockOf(t, ta.caseState(t, on), caseclock.Answer, -1), true)

		// Received 01/10, accepted 02/10: due end of 01/11 (Sun), rolled to
		// Mon 02/11; never answered.
		late := register("2026-10-01 09:00")
		ta.setLocal(t, "2026-10-02 09:00")
		ta.act(t, office, late, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 1, Subtype: petition.SubtypeDisciplinary})
		ta.act(t, office, late, petition.AcceptInput{DecisionNo: "9/QĐ-SXD"})
		lateClock := clockOf(t, ta.caseState(t, late), caseclock.Answer, -1)
		if lateClock.RuleID != deadline.DisciplineResolve {
			t.Fatalf("resolution clock %s", lateClock.RuleID)
		}
		dueIs(t, "late case", lateClock.DueAt, ta.dateEnd(t, "2026-11-02"))

		// The sweep flags it and raises the office's alert on that clock.
		ta.setLocal(t, "2026-11-25 09:00")
		ta.runJob(t, "overdue-sweep", time.Time{})
		if n := ta.count(t, "SELECT COUNT(*) FROM case_clocks WHERE id = ? AND late_flagged_at IS NOT NULL", lateClock.ID); n != 1 {
			t.Errorf("the late clock is not flagged")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts WHERE clock_id = ?", lateClock.ID); n < 1 {
			t.Errorf("no alert raised on the late Art. 50 clock")
		}
		if n := ta.count(t, "SELECT COUNT(*) FROM alerts a JOIN case_clocks k ON k.id = a.clock_id WHERE k.case_id = ?", on); n != 0 {
			t.Errorf("%d alerts on the case answered on time", n)
		}

		// November's on-time figures: one resolved on time, one open late.
		tok := ta.staffToken(t, "VP", access.Office)
		rep := novemberReport(t, ta, tok, "total")
		if f := rep.Total.Figures; f.AnsweredOnTime != 1 || f.OpenLate != 1 || f.AnsweredLate != 0 {
			t.Errorf("November figures %+v, want 1 on time and 1 open late", f)
		}

		// The sub-type is for complaints only, and must be a known one.
		other := register("2026-11-24 09:00")
		ta.refuse(t, office, other, petition.ClassifyInput{Kind: petition.KindDenunciation, Eligible: true, WithinCompetence: true,
			Subtype: petition.SubtypeDisciplinary}, fault.Invalid, "workflow.subtype_invalid")
		ta.refuse(t, office, other, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Subtype: "military"},
			fault.Invalid, "workflow.subtype_invalid")

		// Through the API: the sub-type is set, read back, and a wrong
		// value refused with the field named.
		api := register("2026-11-24 09:00")
		code := ta.caseState(t, api).Code
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/classify", tok,
			map[string]any{"eligible": true, "within_competence": true, "complaint_subtype": "disciplinary"}, http.StatusOK, nil)
		var d httpapi.CaseDetail
		ta.callJSON(t, http.MethodGet, "/api/v1/cases/"+code, tok, nil, http.StatusOK, &d)
		if d.Classification.ComplaintSubtype != "disciplinary" {
			t.Errorf("API classification %+v", d.Classification)
		}
		found := false
		for _, c := range d.Clocks {
			found = found || (c.RuleId == deadline.DisciplineAccept && c.State == "open")
		}
		if !found {
			t.Errorf("API clocks lack the open Art. 50 acceptance clock: %+v", d.Clocks)
		}
		ta.callJSON(t, http.MethodPost, "/api/v1/cases/"+code+"/classify", tok,
			map[string]any{"eligible": true, "within_competence": true, "complaint_subtype": "military"}, http.StatusUnprocessableEntity, nil)
	})
}
