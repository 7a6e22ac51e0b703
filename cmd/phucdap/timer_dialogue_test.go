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
