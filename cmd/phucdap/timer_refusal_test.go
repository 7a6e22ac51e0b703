package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
)

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
