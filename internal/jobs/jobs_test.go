package jobs_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phucdap/phucdap/internal/calendar"
	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/platform"
	"github.com/phucdap/phucdap/internal/store"
	"github.com/phucdap/phucdap/internal/storetest"
)

var hanoi = time.FixedZone("ICT", 7*3600)

func workingDay() jobs.WorkingDay {
	cal := calendar.New(calendar.Builtin())
	return func(_ context.Context, t time.Time) bool { return cal.IsWorkingDay(calendar.DateOf(t, hanoi)) }
}

// counter is a job that counts its runs and the instants it ran as of.
type counter struct {
	n   atomic.Int64
	mu  sync.Mutex
	ats []time.Time
}

func (c *counter) run(_ context.Context, now time.Time) (jobs.Counts, error) {
	c.n.Add(1)
	c.mu.Lock()
	c.ats = append(c.ats, now)
	c.mu.Unlock()
	return jobs.Counts{"did": 1}, nil
}

func newScheduler(t *testing.T, db *store.DB, replica string, clock platform.Clock, reg []jobs.Job, o map[string]jobs.Override) *jobs.Scheduler {
	t.Helper()
	s, err := jobs.New(jobs.Config{Runs: store.NewJobRunStore(db), Now: clock.Now, Location: hanoi, Replica: replica,
		WorkingDay: workingDay(), Overrides: o}, reg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Two schedulers fire the same ticks at once: each tick runs exactly once,
// claimed by one of them; the other sees it taken and runs nothing.
func TestTickRunsOnceAcrossSchedulers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db2 := db
		if db.Dialect == store.Postgres {
			// A second pool to the same database, as a second replica has.
			var err error
			db2, err = store.Open(context.Background(), store.Options{Dialect: store.Postgres, URL: postgresURLOf(t, db), MaxOpenConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db2.Close() })
		}
		clock := platform.NewFixedClock(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
		var c counter
		reg := []jobs.Job{{Name: "count", Schedule: "*/5 * * * *", Enabled: true, Run: c.run}}
		a := newScheduler(t, db, "replica-a", clock, reg, nil)
		b := newScheduler(t, db2, "replica-b", clock, reg, nil)
		const ticks = 20
		base := time.Date(2026, 11, 27, 9, 0, 0, 0, hanoi)
		var claimed atomic.Int64
		var wg sync.WaitGroup
		for i := range ticks {
			tick := base.Add(time.Duration(i) * 5 * time.Minute)
			for _, s := range []*jobs.Scheduler{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := s.RunTick(context.Background(), "count", tick)
					if err != nil {
						t.Error(err)
						return
					}
					if res.Claimed {
						claimed.Add(1)
						if res.Run.Outcome != jobs.OK {
							t.Errorf("outcome %s", res.Run.Outcome)
						}
					}
				}()
			}
		}
		wg.Wait()
		if c.n.Load() != ticks || claimed.Load() != ticks {
			t.Fatalf("ran %d times, %d claims, want %d each", c.n.Load(), claimed.Load(), ticks)
		}
		runs, err := store.NewJobRunStore(db).Recent(context.Background(), "count", 100)
		if err != nil || len(runs) != ticks {
			t.Fatalf("runs %d %v", len(runs), err)
		}
		for _, r := range runs {
			if r.Outcome != jobs.OK || r.FinishedAt == nil || r.Counts["did"] != 1 || r.Cause != jobs.CauseSchedule {
				t.Errorf("run %+v", r)
			}
		}
	})
}

// A manual run gets its own tick: it runs even when the scheduled tick of
// the same instant ran, and a second manual run runs again.
func TestManualRunsNeverTakeAScheduledTick(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clock := platform.NewFixedClock(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
		var c counter
		s := newScheduler(t, db, "r", clock, []jobs.Job{{Name: "count", Schedule: "0 8 * * *", Enabled: false, Run: c.run}}, nil)
		ctx := context.Background()
		at := time.Date(2026, 11, 27, 8, 0, 0, 0, hanoi)
		if r, err := s.RunTick(ctx, "count", at); err != nil || !r.Claimed {
			t.Fatalf("tick %+v %v", r, err)
		}
		if r, _ := s.RunTick(ctx, "count", at); r.Claimed {
			t.Fatal("the same tick ran twice")
		}
		for i := 0; i < 2; i++ {
			r, err := s.RunManual(ctx, "count", jobs.Manual{At: at, By: "test"})
			if err != nil || !r.Claimed || r.Run.Cause != jobs.CauseManual || !strings.HasPrefix(r.Run.Tick, "manual:") {
				t.Fatalf("manual %d: %+v %v", i, r, err)
			}
			if !r.Run.AsOf.Equal(at) {
				t.Errorf("as of %s, want %s", r.Run.AsOf, at)
			}
		}
		if c.n.Load() != 3 {
			t.Errorf("ran %d times, want 3", c.n.Load())
		}
		if _, err := s.RunManual(ctx, "nope", jobs.Manual{}); !errors.Is(err, jobs.ErrUnknownJob) {
			t.Errorf("unknown job: %v", err)
		}
	})
}

// A working-days-only job is skipped (and says why) on a Saturday, a
// Sunday and a public holiday, and runs on a swapped working Saturday.
func TestWorkingDaysOnly(t *testing.T) {
	db := storetest.NewSQLite(t)
	clock := platform.NewFixedClock(time.Now())
	var c counter
	s := newScheduler(t, db, "r", clock, []jobs.Job{{Name: "remind", Schedule: "0 8 * * *", Enabled: true, WorkingDaysOnly: true, Run: c.run}}, nil)
	for _, tc := range []struct {
		day  string
		want jobs.Outcome
	}{
		{"2026-11-27", jobs.OK},      // Friday
		{"2026-11-28", jobs.Skipped}, // Saturday
		{"2026-11-29", jobs.Skipped}, // Sunday
		{"2026-11-24", jobs.Skipped}, // Ngày Văn hóa Việt Nam, a Tuesday off
		{"2026-09-02", jobs.Skipped}, // National Day
		{"2026-01-10", jobs.OK},      // a Saturday worked to swap for 02/01
	} {
		d := calendar.MustDate(tc.day)
		at := time.Date(d.Year, d.Month, d.Day, 8, 0, 0, 0, hanoi)
		before := c.n.Load()
		// A scheduled tick runs as of the platform clock.
		clock.Set(at)
		r, err := s.RunTick(context.Background(), "remind", at)
		if err != nil || !r.Claimed {
			t.Fatalf("%s: %+v %v", tc.day, r, err)
		}
		if r.Run.Outcome != tc.want {
			t.Errorf("%s (%s): %s, want %s", tc.day, d.Weekday(), r.Run.Outcome, tc.want)
		}
		if tc.want == jobs.Skipped && r.Run.Note != "not a working day" {
			t.Errorf("%s: note %q", tc.day, r.Run.Note)
		}
		ran := c.n.Load() - before
		if tc.want == jobs.Skipped && ran != 0 {
			t.Errorf("%s: the job ran on a day off", tc.day)
		}
	}
}

// A failing job and a panicking job end as failed runs with their error,
// shown as recent failures; the scheduler keeps going.
func TestFailuresAreRecorded(t *testing.T) {
	db := storetest.NewSQLite(t)
	clock := platform.NewFixedClock(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))
	reg := []jobs.Job{
		{Name: "fails", Schedule: "* * * * *", Enabled: true, Run: func(context.Context, time.Time) (jobs.Counts, error) {
			return jobs.Counts{"half": 1}, errors.New("smtp: connection refused")
		}},
		{Name: "panics", Schedule: "* * * * *", Enabled: true, Run: func(context.Context, time.Time) (jobs.Counts, error) {
			panic("index out of range in a job")
		}},
	}
	s := newScheduler(t, db, "r", clock, reg, nil)
	ctx := context.Background()
	for _, name := range []string{"fails", "panics"} {
		r, err := s.RunTick(ctx, name, time.Date(2026, 11, 27, 9, 1, 0, 0, hanoi))
		if err != nil || r.Run.Outcome != jobs.Failed || r.Run.Error == "" {
			t.Fatalf("%s: %+v %v", name, r.Run, err)
		}
	}
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range st {
		if len(j.Failures) != 1 || j.Last == nil || j.Last.Outcome != jobs.Failed {
			t.Errorf("%s: last %+v failures %+v", j.Name, j.Last, j.Failures)
		}
	}
	if !strings.Contains(st[0].Failures[0].Error, "connection refused") || !strings.Contains(st[1].Failures[0].Error, "panic") {
		t.Errorf("errors: %q %q", st[0].Failures[0].Error, st[1].Failures[0].Error)
	}
}

// Overrides apply, and a bad schedule or an unknown job name is refused
// with the config key to fix.
func TestOverridesAndBadSchedules(t *testing.T) {
	db := storetest.NewSQLite(t)
	clock := platform.NewFixedClock(time.Now())
	var c counter
	reg := []jobs.Job{{Name: "overdue-sweep", Schedule: "*/5 * * * *", Enabled: true, Run: c.run}}
	off := false
	s := newScheduler(t, db, "r", clock, reg, map[string]jobs.Override{"overdue-sweep": {Schedule: "*/2 * * * *", Enabled: &off}})
	if j := s.Jobs()[0]; j.Schedule != "*/2 * * * *" || j.Enabled {
		t.Errorf("override not applied: %+v", j)
	}
	for _, tc := range []struct {
		o    map[string]jobs.Override
		want string
	}{
		{map[string]jobs.Override{"overdue-sweep": {Schedule: "every five minutes"}}, "jobs.overdue_sweep.schedule"},
		{map[string]jobs.Override{"overdue-sweep": {Schedule: "@every 5m"}}, "@every"},
		{map[string]jobs.Override{"overdue-swep": {Schedule: "* * * * *"}}, "unknown job"},
	} {
		_, err := jobs.New(jobs.Config{Runs: store.NewJobRunStore(db), Now: clock.Now, Overrides: tc.o}, reg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want %q", tc.o, err, tc.want)
		}
	}
}

// Two schedulers started for real, firing every second on the wall clock:
// every tick that ran, ran once, and ticks did run. Then Stop returns.
func TestRealCronRunsEachTickOnce(t *testing.T) {
	storetest.Parallel(t)
	if testing.Short() {
		t.Skip("runs the real cron for a few seconds")
	}
	db := storetest.NewSQLite(t)
	clock := platform.SystemClock{}
	var c counter
	reg := []jobs.Job{{Name: "count", Schedule: "0 0 1 1 *", Enabled: true, Run: c.run}}
	every := map[string]jobs.Override{"count": {Schedule: "* * * * * *"}}
	a := newScheduler(t, db, "a", clock, reg, every)
	b := newScheduler(t, db, "b", clock, reg, every)
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Wait for three runs, however long a busy machine takes to fire
	// them.
	deadline := time.Now().Add(30 * time.Second)
	for c.n.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d runs in 30 s of a schedule firing every second", c.n.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	a.Stop(sctx)
	b.Stop(sctx)
	runs, err := store.NewJobRunStore(db).Recent(ctx, "count", 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, r := range runs {
		if other, dup := seen[r.Tick]; dup {
			t.Errorf("tick %s ran on %s and %s", r.Tick, other, r.Replica)
		}
		seen[r.Tick] = r.Replica
	}
	if len(runs) < 3 || int64(len(runs)) != c.n.Load() {
		t.Errorf("%d runs recorded, %d executed; want at least 3 and equal", len(runs), c.n.Load())
	}
}

// postgresURLOf is the DSN of db's database, for a second pool to it.
func postgresURLOf(t *testing.T, db *store.DB) string {
	t.Helper()
	var name string
	if err := db.SQL.QueryRow("SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(storetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func TestCountsString(t *testing.T) {
	if got := (jobs.Counts{"flagged": 12, "alerts": 3, "queued": 0}).String(); got != "alerts=3 flagged=12 queued=0" {
		t.Errorf("got %q", got)
	}
	if got := jobs.Counts(nil).String(); got != "" {
		t.Errorf("empty counts: %q", got)
	}
}
