package main

import (
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/httpapi"
)

// The API shows the truth: a case list with a late field and
// a late=true filter, clocks with their late and escalation marks, and the
// on-time report as of an instant, with a row for by=total.
func TestLateInTheAPI(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		office := ta.staffToken(t, "VP", access.Office)
		late, code, _ := ta.submitWithSecret(t)
		ta.submitCase(t, "phan_anh", "Lý Văn Hai", "0912000002", "Phản ánh công trình lấn chiếm vỉa hè số 9 Lê Lợi.", false) // on time
		past := testNow.Add(-time.Hour).UTC()
		ta.db.Gorm.Exec("UPDATE case_clocks SET due_at = ? WHERE case_id = ?", past, late)
		ta.db.Gorm.Exec("UPDATE cases SET due_at = ? WHERE id = ?", past, late)
		ta.runJob(t, "overdue-sweep", testNow)

		var list struct{ Cases []httpapi.StaffCase }
		ta.getJSON(t, "/api/v1/cases?late=true", 200, &list, "Authorization", office)
		if len(list.Cases) != 1 || list.Cases[0].Code != code || !list.Cases[0].Late {
			t.Errorf("late=true: %+v", list.Cases)
		}
		ta.getJSON(t, "/api/v1/cases", 200, &list, "Authorization", office)
		n := 0
		for _, c := range list.Cases {
			if c.Late {
				n++
			}
		}
		if len(list.Cases) != 2 || n != 1 {
			t.Errorf("cases %d, late %d", len(list.Cases), n)
		}
		var d httpapi.CaseDetail
		ta.getJSON(t, "/api/v1/cases/"+code, 200, &d, "Authorization", office)
		if len(d.Clocks) != 1 || d.Clocks[0].LateFlaggedAt == nil || d.Clocks[0].DueAt == nil || d.Clocks[0].OnTime != nil {
			t.Errorf("clocks %+v", d.Clocks)
		}
		var rep httpapi.OnTimeReport
		ta.getJSON(t, "/api/v1/reports/on-time?from=2026-11-01&to=2026-11-30&as_of=2026-11-27T09:00:00%2B07:00", 200, &rep, "Authorization", office)
		if len(rep.Rows) != 1 || !rep.GeneratedAt.Equal(testNow) {
			t.Errorf("by=total as of: rows %d, generated %v", len(rep.Rows), rep.GeneratedAt)
		}
	})
}
