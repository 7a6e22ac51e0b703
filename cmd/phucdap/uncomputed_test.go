package main

import (
	"context"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/report"
	"github.com/phucdap/phucdap/internal/store"
)

// Break the deadline data (the rule of a kiến nghị's answer is
// gone) and submit: the case is acknowledged with its clock, stored
// uncomputed with the reason; the sweep reports it on every run, and the
// dashboard counts it and lists it as a clock to fix.
func TestUncomputedClockIsKeptAndListed(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		if err := ta.db.Gorm.Exec("DELETE FROM deadline_rules WHERE rule_id = 'pakn.answer'").Error; err != nil {
			t.Fatal(err)
		}
		if err := ta.deadlines.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		id, code, _ := ta.submitWithSecret(t)
		var clocks []struct {
			State      string
			DueAt      *time.Time
			Uncomputed string
		}
		ta.db.Gorm.Raw("SELECT state, due_at, uncomputed FROM case_clocks WHERE case_id = ?", id).Scan(&clocks)
		if len(clocks) != 1 || clocks[0].State != "open" || clocks[0].DueAt != nil || clocks[0].Uncomputed == "" {
			t.Fatalf("the case's clocks: %+v", clocks)
		}
		run := ta.runJob(t, "overdue-sweep", testNow.Add(90*24*time.Hour))
		if run.Counts["uncomputed"] != 1 {
			t.Errorf("the sweep did not report the uncomputed clock: %v", run.Counts)
		}
		rs := store.NewReportStore(ta.db)
		now := report.Now{At: testNow, SoonUntil: testNow}
		cells, err := rs.Current(ctx, now, report.ByTotal, nil)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for _, c := range cells {
			n += c.Uncomputed
		}
		list, total, err := rs.Cases(ctx, report.Drill{Figure: report.FigUncomputed, Now: now, By: report.ByTotal}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || total != 1 || len(list) != 1 || list[0].Code != code {
			t.Errorf("clocks to fix: count %d, list %d %+v", n, total, list)
		}

		// The rule comes back (the next start stores the missing built-in
		// rule): the recompute gives the clock its due time.
		if err := storeDeadlineDefaults(ctx, ta.deadlineStore, ta.clock.Now(), ta.log); err != nil {
			t.Fatal(err)
		}
		if run := ta.runJob(t, "recompute-clocks", testNow); run.Counts["moved"] != 1 {
			t.Errorf("recompute after the rule came back: %v", run.Counts)
		}
		clocks = nil
		ta.db.Gorm.Raw("SELECT state, due_at, uncomputed FROM case_clocks WHERE case_id = ?", id).Scan(&clocks)
		if len(clocks) != 1 || clocks[0].DueAt == nil || clocks[0].Uncomputed != "" {
			t.Errorf("after the fix: %+v", clocks)
		}
	})
}
