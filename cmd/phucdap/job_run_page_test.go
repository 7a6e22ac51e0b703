package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/access"
	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/store"
)

// "Run now" on the jobs page starts the run in the background and goes at
// once to the run's page. While a run goes, the page shows the progress
// written on the run's row (here by another replica, "b") and refreshes
// itself; a double-clicked "Run now" lands on that run instead of starting
// a second one. A run the page started reports its progress to the row
// and, done, the page shows the outcome in Vietnamese or English, with the
// run in the audit trail.
func TestJobRunPage(t *testing.T) {
	eachApp(t, func(t *testing.T, ta *testApp) {
		ctx := context.Background()
		ta.addStaff(t, "quantri-run@sxd.test", "", access.Admin)
		b := ta.browser(t)
		b.mustLogin("quantri-run@sxd.test")
		runs := store.NewJobRunStore(ta.db)

		// Replica b runs the rollup, 300 of 1000 slices done.
		now := ta.Clock.Now()
		id, claimed, err := runs.Claim(ctx, jobs.Run{Job: "kpi-snapshot", Tick: "manual:b", Cause: jobs.CauseManual, AsOf: now, Replica: "b",
			StartedBy: "cli", StartedAt: now, LeaseUntil: time.Now().Add(time.Hour)})
		if err != nil || !claimed {
			t.Fatal(claimed, err)
		}
		if err := runs.Progress(ctx, id, jobs.Progress{Stage: "KPI rollup", Done: 300, Total: 1000}); err != nil {
			t.Fatal(err)
		}
		page := "/staff/admin/jobs/runs/" + strconv.FormatInt(id, 10)
		res, body := b.get(page)
		if res.StatusCode != http.StatusOK || res.Header.Get("Refresh") != "2" ||
			!strings.Contains(body, "Đang xử lý: 300/1.000 bước (30%).") || !strings.Contains(body, `<progress max="100" value="30"`) {
			t.Fatalf("the running run's page (%d, Refresh %q) does not show 30%%: %s", res.StatusCode, res.Header.Get("Refresh"), body)
		}
		_, body = b.get(page + "?lang=en")
		if !strings.Contains(body, "Working: 300 of 1,000 steps (30%).") {
			t.Errorf("the English page: %s", body)
		}
		b.get(page + "?lang=vi") // the language sticks: back to Vietnamese

		// A double click while it runs: both land on b's run.
		var wg sync.WaitGroup
		locs := make([]string, 2)
		for i := range locs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, _ := b.post("/staff/admin/jobs/kpi-snapshot/run", nil)
				locs[i] = res.Header.Get("Location")
			}()
		}
		wg.Wait()
		for _, loc := range locs {
			if loc != page+"?again=1" {
				t.Errorf("a click while the job runs went to %q, want %q", loc, page+"?again=1")
			}
		}
		if _, body = b.get(page + "?again=1"); !strings.Contains(body, "không bắt đầu lượt thứ hai") {
			t.Errorf("the page does not say no second run started: %s", body)
		}
		if n := ta.count(t, "SELECT count(*) FROM job_runs WHERE job = 'kpi-snapshot'"); n != 1 {
			t.Errorf("%d kpi-snapshot runs after the double click, want 1", n)
		}

		// b's run fails: the outcome and the error, no more refreshing.
		fin := now.Add(time.Minute)
		if err := runs.Finish(ctx, jobs.Run{ID: id, StartedAt: now, FinishedAt: &fin, Duration: time.Minute, Outcome: jobs.Failed,
			Error: "rollup: connection reset"}); err != nil {
			t.Fatal(err)
		}
		res, body = b.get(page)
		if res.Header.Get("Refresh") != "" || !strings.Contains(body, `id="run-failed"`) || !strings.Contains(body, "Lượt chạy bị lỗi") ||
			!strings.Contains(body, "rollup: connection reset") {
			t.Errorf("the failed run's page (Refresh %q): %s", res.Header.Get("Refresh"), body)
		}
		if _, body = b.get(page + "?lang=en"); !strings.Contains(body, "The run failed.") {
			t.Errorf("the English failed page: %s", body)
		}
		b.get(page + "?lang=vi")

		// Now from the page: an answer met three days ago for the
		// rollup to roll up.
		answered, _ := ta.submitCase(t, "phan_anh", "Lý Văn Ba", "0912000003", "Phản ánh công trình lấn chiếm vỉa hè số 11 Lê Lợi.", false)
		if err := ta.db.Gorm.Exec("UPDATE case_clocks SET state = 'met', closed_at = ?, on_time = TRUE WHERE case_id = ?",
			now.AddDate(0, 0, -3).UTC(), answered).Error; err != nil {
			t.Fatal(err)
		}
		res, _ = b.post("/staff/admin/jobs/kpi-snapshot/run", nil)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/admin/jobs/runs/") || loc == page {
			t.Fatalf("Run now: %d to %q, want a new run's page", res.StatusCode, loc)
		}
		newID, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/staff/admin/jobs/runs/"), 10, 64)
		// Wait on the state: the run ends (Stop waits for background runs,
		// as at shutdown; the page reads the row, not this process).
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		ta.scheduler.Stop(sctx)
		r, err := ta.scheduler.RunByID(ctx, newID)
		if err != nil || r == nil {
			t.Fatal(r, err)
		}
		if r.Outcome != jobs.OK || r.Progress.Stage == "" || r.Progress.Total == 0 || r.Progress.Done != r.Progress.Total {
			t.Errorf("the page's run: %s, progress %+v; want ok with its rollup's progress on the row", r.Outcome, r.Progress)
		}
		res, body = b.get(loc)
		if res.Header.Get("Refresh") != "" || !strings.Contains(body, `id="run-done"`) || !strings.Contains(body, "Đã xong trong") ||
			!strings.Contains(body, `value="100"`) {
			t.Errorf("the done run's page (Refresh %q): %s", res.Header.Get("Refresh"), body)
		}
		// The page's run is the one audited as an account's (b's was the
		// CLI's; the double click started none).
		if n := ta.count(t, "SELECT count(*) FROM audit_log WHERE action = 'job.run' AND entity_id = 'kpi-snapshot' AND actor_id IS NOT NULL"); n != 1 {
			t.Errorf("%d audited runs by an account, want 1 (the page's)", n)
		}
		if res, _ := b.get("/staff/admin/jobs/runs/999999"); res.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown run: %d, want 404", res.StatusCode)
		}
	})
}
