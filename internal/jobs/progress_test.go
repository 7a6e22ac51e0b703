package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/progress"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

// A run started in the background writes its progress on its row as the
// job reports it, outlives the context that started it, and is the only
// manual run of its job while it goes: two starts at once (a
// double-clicked "Run now") claim one run, and both name it.
func TestStartManualReportsProgressOnTheRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := platform.NewFixedClock(time.Date(2026, 12, 1, 9, 0, 0, 0, hanoi))
		halfway, release := make(chan struct{}), make(chan struct{})
		slow := func(ctx context.Context, _ time.Time) (jobs.Counts, error) {
			rp := progress.From(ctx)
			rp.Start("slices", 1000)
			rp.Add(300)
			close(halfway)
			<-release
			rp.Add(700)
			rp.Done()
			return jobs.Counts{"slices": 1000}, nil
		}
		runs := store.NewJobRunStore(db)
		s, err := jobs.New(jobs.Config{Runs: runs, Now: clock.Now, Location: hanoi, Replica: "a"},
			[]jobs.Job{{Name: "slow", Schedule: "0 2 * * *", Run: slow}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		res := make([]jobs.Result, 2)
		errs := make([]error, 2)
		for i := range res {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i], errs[i] = s.StartManual(ctx, "slow", jobs.Manual{By: "admin"})
			}()
		}
		wg.Wait()
		cancel() // the request is gone; the run is not
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if res[0].Claimed == res[1].Claimed || res[0].Run.ID != res[1].Run.ID || res[0].Run.ID == 0 {
			t.Fatalf("two starts at once: %+v / %+v, want one claimed run both name", res[0], res[1])
		}
		id := res[0].Run.ID
		<-halfway
		// The row is written by the run's writer, not the job: wait for it.
		r := waitRun(t, s, id, func(r *jobs.Run) bool { return r.Progress.Done > 0 })
		if r.Outcome != jobs.Running || r.Progress != (jobs.Progress{Stage: "slices", Done: 300, Total: 1000}) || r.Percent() != 30 {
			t.Errorf("mid-run row: %s %+v %d%%, want running, slices 300/1000, 30%%", r.Outcome, r.Progress, r.Percent())
		}
		if _, err := s.RunManual(context.Background(), "slow", jobs.Manual{By: "cli"}); err != jobs.ErrRunning {
			t.Errorf("a CLI run while the page's goes: %v, want ErrRunning", err)
		}
		close(release)
		s.Stop(context.Background()) // waits for the background run
		r, err = s.RunByID(context.Background(), id)
		if err != nil || r == nil {
			t.Fatal(r, err)
		}
		if r.Outcome != jobs.OK || r.Percent() != 100 || r.Progress.Done != 1000 || r.Counts["slices"] != 1000 {
			t.Errorf("finished row: %s %+v %v", r.Outcome, r.Progress, r.Counts)
		}
		all, err := runs.Recent(context.Background(), "slow", 10)
		if err != nil || len(all) != 1 {
			t.Errorf("%d runs, want 1: %v", len(all), err)
		}
		// The job is free again.
		s2, _ := jobs.New(jobs.Config{Runs: runs, Now: clock.Now, Location: hanoi, Replica: "a"},
			[]jobs.Job{{Name: "slow", Schedule: "0 2 * * *", Run: func(context.Context, time.Time) (jobs.Counts, error) { return nil, nil }}})
		if r, err := s2.RunManual(context.Background(), "slow", jobs.Manual{}); err != nil || !r.Claimed {
			t.Errorf("after the run: %+v %v", r, err)
		}
	})
}

// waitRun waits until run id is as ok says, and returns it.
func waitRun(t *testing.T, s *jobs.Scheduler, id int64, ok func(*jobs.Run) bool) *jobs.Run {
	t.Helper()
	tk := time.NewTicker(5 * time.Millisecond)
	defer tk.Stop()
	deadline := time.After(30 * time.Second)
	for {
		r, err := s.RunByID(context.Background(), id)
		if err != nil || r == nil {
			t.Fatalf("run %d: %v %v", id, r, err)
		}
		if ok(r) {
			return r
		}
		select {
		case <-tk.C:
		case <-deadline:
			t.Fatalf("run %d never got there: %+v", id, r)
		}
	}
}
