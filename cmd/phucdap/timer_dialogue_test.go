package main

import (
	"net/http"
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
		office := ta.staffActor(t, "office-dialogue@sxd.test", "VP", access.Office)
		officer := ta.staffActor(t, "cv-dialogue@sxd.test", "PQLXD", access.UnitOfficer)
		head := ta.staffActor(t, "tp-dialogue@sxd.test", "PQLXD", access.UnitHead)
		tok := ta.staffToken(t, "VP", access.Office)
		officerTok := ta.staffToken(t, "PQLXD", access.UnitOfficer)
		answer := petition.AnswerInput{Body: "Quyết định giải quyết khiếu nại lần hai: giữ nguyên quyết định lần đầu.", LetterNo: "30/QĐ-SXD", Signer: "Giám đốc Sở"}
		secondComplaint := func(received string) int64 {
			t.Helper()
			ta.setLocal(t, received)
			reg, err := ta.workflow.Register(t.Context(), office, petition.RegisterInput{Kind: petition.KindComplaint, Channel: petition.ChannelPost,
				ReceivedAt: ta.Clock.Now(), Title: "Khiếu nại lần hai về cấp phép xây dựng", Content: "Tôi không đồng ý với quyết định giải quyết khiếu nại lần đầu về giấy phép xây dựng.",
				Name: "Người Khiếu Nại", Address: "Phường Đông Kinh"})
			if err != nil {
				t.Fatal(err)
			}
			ta.act(t, office, reg.CaseID, petition.ClassifyInput{Eligible: true, WithinCompetence: true, Round: 2})
			ta.act(t, office, reg.CaseID, petition.AcceptInput{DecisionNo: "40/QĐ-SXD"})
			ta.act(t, office, reg.CaseID, petition.AssignInput{Lead: "PQLXD"})
			return reg.CaseID
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
		ta.setLocal(t, "2026-11-23 09:00")
		reg, err := ta.workflow.Register(t.Context(), office, petition.RegisterInput{Kind: petition.KindPetition, Channel: petition.ChannelPost,
			ReceivedAt: ta.Clock.Now(), Title: "Kiến nghị", Content: "Kiến nghị sửa chữa đường nội thị bị hư hỏng nặng.", Name: "Người Kiến Nghị"})
		if err != nil {
			t.Fatal(err)
		}
		ta.act(t, office, reg.CaseID, petition.ClassifyInput{Eligible: true, WithinCompetence: true})
		ta.act(t, office, reg.CaseID, petition.AcceptInput{})
		ta.refuse(t, office, reg.CaseID, petition.ScheduleDialogueInput{On: calendar.MustDate("2026-12-01"), Place: "Phòng họp", Participants: "Các bên"},
			fault.Conflict, "workflow.illegal_kind")
	})
}
