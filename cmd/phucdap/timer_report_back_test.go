package main

import (
	"net/http"
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
