package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/deadline"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/httpapi"
	"github.com/phucdap/phucdap/internal/petition"
)

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
