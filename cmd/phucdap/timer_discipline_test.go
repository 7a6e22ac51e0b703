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
