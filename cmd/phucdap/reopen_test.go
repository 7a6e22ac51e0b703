package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/caseclock"
	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/petition"
	"github.com/phucdap/phucdap/internal/report"
)

// Leadership reopens a case answered on time in October, in November,
// through the API: the case is reopened, its answer clock stays met with
// its frozen on-time fact, October's figures do not move, and a follow-up
// case runs on its own clock from the reopening, followed by the citizen
// with the same secret. The reopening is audited and on the internal
// trail; a unit officer may not reopen, a reason is required, and a
// reopened case cannot be reopened again.
func TestStaffReopenKeepsTheFrozenResult(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		office, officer, head := ta.caseTeam(t, "reopen")
		r := ta.registerAt(t, office, "2026-10-05 09:00", petition.RegisterInput{Kind: petition.KindFeedback, Channel: petition.ChannelPhone,
			Title: "Vỉa hè bị lấn chiếm", Content: "Vỉa hè phố Lê Lợi bị lấn chiếm để bán hàng.",
			Name: "Người Gửi", Phone: "0911222333"})
		ta.takeOn(t, office, r.CaseID, "PQLXD")
		ta.setLocal(t, "2026-10-09 10:00")
		ta.act(t, officer, r.CaseID, petition.AnswerInput{Body: "Sở đã phối hợp với phường xử lý việc lấn chiếm vỉa hè."})
		ta.act(t, head, r.CaseID, petition.ApproveInput{})
		answered := clockOf(t, ta.caseState(t, r.CaseID), caseclock.Answer, ta.unitID(t, "PQLXD"))
		onTimeIs(t, "the answer", answered, true)

		october, err := report.MonthPeriod("2026-10")
		if err != nil {
			t.Fatal(err)
		}
		figures := func() (report.Counts, map[string]report.Counts) {
			t.Helper()
			rep, err := ta.reports.Report(ctx, report.Query{Period: october, By: report.ByUnit})
			if err != nil {
				t.Fatal(err)
			}
			by := map[string]report.Counts{}
			for _, row := range rep.Rows {
				by[row.Key] = row.Counts
			}
			return rep.Total.Counts, by
		}
		totalBefore, unitsBefore := figures()
		if totalBefore.AnsweredOnTime != 1 {
			t.Fatalf("October: %d answered on time, want 1", totalBefore.AnsweredOnTime)
		}

		now := ta.setLocal(t, "2026-11-10 09:00")
		path := "/api/v1/cases/" + r.Code + "/staff_reopen"
		reason := map[string]any{"reason": "Trả lời chưa giải quyết dứt điểm việc lấn chiếm, cần xem xét lại."}
		if res, b := ta.postJSON(t, path, reason, "Authorization", ta.staffToken(t, "PQLXD", access.UnitOfficer)); res.StatusCode != http.StatusForbidden {
			t.Errorf("a unit officer reopened: %d %s", res.StatusCode, b)
		}
		lead := ta.staffToken(t, "", access.Leadership)
		if res, b := ta.postJSON(t, path, map[string]any{"reason": "Sai"}, "Authorization", lead, "Accept-Language", "en"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a short reason: %d %s", res.StatusCode, b)
		}
		res, b := ta.postJSON(t, path, reason, "Authorization", lead)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("reopen: %d %s", res.StatusCode, b)
		}

		st := ta.caseState(t, r.CaseID)
		if st.Status != petition.StatusReopened || len(st.Children) != 1 || st.Children[0].Relation != "follow_up" {
			t.Fatalf("after reopening: %s, children %+v", st.Status, st.Children)
		}
		kept := clockOf(t, st, caseclock.Answer, ta.unitID(t, "PQLXD"))
		if kept.State != caseclock.Met || !kept.ClosedAt.Equal(*answered.ClosedAt) {
			t.Errorf("the answer clock moved: %+v", kept.Clock)
		}
		onTimeIs(t, "the answer after reopening", kept, true)
		totalAfter, unitsAfter := figures()
		if d := cmp.Diff(totalBefore, totalAfter); d != "" {
			t.Errorf("October's figures moved (-before +after):\n%s", d)
		}
		if d := cmp.Diff(unitsBefore, unitsAfter); d != "" {
			t.Errorf("October's figures by unit moved (-before +after):\n%s", d)
		}

		follow := ta.caseState(t, st.Children[0].CaseID)
		mc := follow.MainClock()
		if mc == nil || mc.State != caseclock.Open || !mc.StartedAt.Equal(now) || mc.DueAt == nil || !mc.DueAt.After(now) {
			t.Fatalf("the follow-up's clock: %+v", mc)
		}
		if follow.Parent == nil || follow.Parent.CaseID != r.CaseID || follow.LeadUnitID != st.LeadUnitID {
			t.Errorf("the follow-up %+v does not continue the case with its unit", follow.Parent)
		}
		if v, _ := ta.publicTimeline(t, follow.Code, r.Secret); v.Code != follow.Code {
			t.Errorf("the citizen cannot follow %s with the case's secret", follow.Code)
		} else if strings.Contains(v.Content, "dứt điểm") || v.Content != "Vỉa hè phố Lê Lợi bị lấn chiếm để bán hàng." {
			t.Errorf("the follow-up shows the holder of the secret %q, not the petition's own content", v.Content)
		}
		// The citizen reads that the agency reopened the case, and the new
		// code; not the reason.
		v, _ := ta.publicTimeline(t, r.Code, r.Secret)
		told := false
		for _, e := range v.Timeline {
			if e.Kind == string(petition.EventAgencyReopened) && strings.Contains(e.Text, "Cơ quan mở lại hồ sơ để xem xét tiếp với mã "+follow.Code) {
				told = true
			}
			if strings.Contains(e.Text, "dứt điểm") || e.Kind == string(petition.EventStaffReopened) {
				t.Errorf("the citizen's timeline carries the reason: %+v", e)
			}
		}
		if !told {
			t.Errorf("the citizen's timeline does not say the case goes on as %s: %+v", follow.Code, v.Timeline)
		}

		hist, err := ta.workflow.History(ctx, r.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		var trail *petition.Event
		for i := range hist {
			if hist[i].Kind == petition.EventStaffReopened {
				trail = &hist[i]
			}
		}
		if trail == nil || trail.Public || trail.Note != reason["reason"] {
			t.Errorf("trail entry %+v", trail)
		}
		var audits int64
		ta.db.Gorm.Raw("SELECT count(*) FROM audit_log WHERE action = 'case.staff_reopen' AND entity_id = ?", strconv.FormatInt(r.CaseID, 10)).Scan(&audits)
		if audits != 1 {
			t.Errorf("%d audit rows", audits)
		}
		ta.refuse(t, office, r.CaseID, petition.StaffReopenInput{Reason: "Xem xét lại thêm một lần nữa."}, fault.Conflict, "workflow.illegal")
	})
}
