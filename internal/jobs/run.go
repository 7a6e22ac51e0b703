package jobs

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Cause says why a run happened.
type Cause string

const (
	CauseSchedule Cause = "schedule" // a cron tick
	CauseStart    Cause = "start"    // run-at-start: the latest tick, caught up at start
	CauseManual   Cause = "manual"   // an operator: the CLI, the jobs page or the API
)

// Outcome is how a run ended.
type Outcome string

const (
	Running Outcome = "running"
	OK      Outcome = "ok"
	Failed  Outcome = "failed"
	Skipped Outcome = "skipped" // e.g. not a working day
	// Lost: the process running it died (its lease expired unrenewed);
	// what it did is whatever it committed.
	Lost Outcome = "lost"
)

// Counts are what a run did, by name ("flagged", "alerts", "sent"…).
type Counts map[string]int

// String lists the counts as "a=1 b=2", keys sorted, for the CLI and the
// jobs page.
func (c Counts) String() string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Itoa(c[k])
	}
	return strings.Join(parts, " ")
}

// Run is one row of job_runs.
type Run struct {
	ID      int64
	Job     string
	Tick    string
	Cause   Cause
	AsOf    time.Time // the instant the job ran as of
	Replica string
	// StartedBy labels who asked for a manual run; ByAccount is their
	// account (0 for the CLI and for scheduled runs).
	StartedBy  string
	ByAccount  int64
	StartedAt  time.Time
	FinishedAt *time.Time
	Duration   time.Duration
	Outcome    Outcome
	Counts     Counts
	Note       string
	Error      string
	// Progress is how far the run has gone, as the job reported it
	// (internal/progress); kept on the row so any replica can show it.
	Progress Progress
	// LeaseUntil is how long the run is known to be alive: the running
	// process renews it; past it, the run is lost.
	LeaseUntil time.Time
}

// Progress is a run's stage and its units done out of total (total 0:
// not known).
type Progress struct {
	Stage       string
	Done, Total int64
}

// Percent is how much of the stage is done, 0 to 100, or -1 when its
// total is not known.
func (p Progress) Percent() int {
	if p.Total <= 0 {
		return -1
	}
	return int(min(max(p.Done, 0), p.Total) * 100 / p.Total)
}

// Percent is how much of the run is done: 100 once it completed, else its
// progress's (-1: not known).
func (r Run) Percent() int {
	if r.Outcome == OK || r.Outcome == Skipped {
		return 100
	}
	return r.Progress.Percent()
}

// RunStore keeps the runs. Claim is the cluster-wide "once per tick": it
// inserts the run with its unique (job, tick) and reports false, without an
// error, when another process already holds that tick. A manual run is
// also refused while the job has another manual run going; the id is then
// that run's.
type RunStore interface {
	Claim(ctx context.Context, r Run) (id int64, claimed bool, err error)
	Finish(ctx context.Context, r Run) error
	// Recent returns the latest runs of a job, newest first.
	Recent(ctx context.Context, job string, limit int) ([]Run, error)
	// RecentFailures returns the latest failed runs of a job, newest first.
	RecentFailures(ctx context.Context, job string, limit int) ([]Run, error)
	// Abandon marks the runs a replica left "running" (it was killed) as
	// failed, and returns how many.
	Abandon(ctx context.Context, replica string, at time.Time) (int, error)
	// Renew extends a running run's lease.
	Renew(ctx context.Context, id int64, until time.Time) error
	// Reap marks every run still "running" whose lease expired before now
	// as lost, whichever replica ran it, and returns how many.
	Reap(ctx context.Context, now time.Time) (int, error)
	// LastCompleted returns the latest run of job that finished ok or
	// skipped, and the id of its latest run of any outcome (0: none).
	LastCompleted(ctx context.Context, job string) (last *Run, latestID int64, err error)
	// RunOfTick returns the run that claimed (job, tick), or nil.
	RunOfTick(ctx context.Context, job, tick string) (*Run, error)
	// Progress records how far a running run has gone.
	Progress(ctx context.Context, id int64, p Progress) error
	// Get returns a run by id, or nil.
	Get(ctx context.Context, id int64) (*Run, error)
}
