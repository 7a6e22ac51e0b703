// Package jobs owns scheduled work: the registry of jobs with their
// schedules and flags, the robfig/cron scheduler in Asia/Ho_Chi_Minh, and
// the per-tick claim that makes each tick run once across every replica.
// It is the only package that imports github.com/robfig/cron/v3.
//
// A tick is claimed by inserting (job, tick) into job_runs; only the
// process whose insert succeeds runs it, and the row then records the
// finish, outcome, counts and error. The tick of a cron firing is the
// schedule's latest activation at or before the wall clock, so every
// replica that fires "the same" tick names it the same way. Jobs themselves
// are state-based ("due ≤ now and not yet flagged"), so a missed tick only
// delays work, and run-at-start catches up after downtime.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/phucdap/phucdap/internal/fault"
	"github.com/phucdap/phucdap/internal/progress"
)

// Func does a job's work as of now and says what it did.
type Func func(ctx context.Context, now time.Time) (Counts, error)

// Job is one registry entry.
type Job struct {
	Name        string
	Description string // English, for the CLI; pages translate by name
	// Schedule is a cron spec (5 fields, or 6 with seconds first, or a
	// descriptor like @daily) read in Asia/Ho_Chi_Minh.
	Schedule        string
	Enabled         bool
	WorkingDaysOnly bool
	RunAtStart      bool
	Run             Func
}

// Override changes a registry entry from config; nil and "" keep the
// default.
type Override struct {
	Schedule        string
	Enabled         *bool
	WorkingDaysOnly *bool
	RunAtStart      *bool
}

// WorkingDay says whether the agency works on the business date of t.
type WorkingDay func(ctx context.Context, t time.Time) bool

// Config wires a Scheduler.
type Config struct {
	Runs     RunStore
	Now      func() time.Time // the platform clock: what jobs run "as of"
	Location *time.Location   // where schedules are read: Asia/Ho_Chi_Minh
	// Replica names this process in job_runs; default: host name.
	Replica    string
	WorkingDay WorkingDay
	Log        *slog.Logger
	// Overrides by job name.
	Overrides map[string]Override
	// Timeout bounds one run; default 30 minutes.
	Timeout time.Duration
	// Lease is how long a run stays "running" without a renewal; the
	// running process renews it every third of it. Default 1 minute.
	Lease time.Duration
	// wallNow is the clock cron fires on; tests may replace it.
	wallNow func() time.Time
}

// parser accepts standard 5-field specs, an optional leading seconds
// field, and descriptors. "@every" is refused by Validate: its ticks are
// relative to when a process started, so two replicas would name the same
// work differently.
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

type entry struct {
	Job
	schedule cron.Schedule
}

// Scheduler runs the registry. It exists on every replica (manual runs and
// the jobs page need it); Start makes it fire on schedule.
type Scheduler struct {
	cfg     Config
	entries []*entry
	byName  map[string]*entry

	mu      sync.Mutex
	cron    *cron.Cron
	started bool
	bg      sync.WaitGroup
	stopCtx context.Context
	cancel  context.CancelFunc
	// life is the scheduler's lifetime, that of the server: runs started
	// from a page (StartManual) belong to it, not to the request. Stop
	// ends it; closed then refuses new ones.
	life    context.Context
	endLife context.CancelFunc
	closed  bool
}

// ErrUnknownJob is returned for a name not in the registry. RunTick and
// RunManual wrap it in unknownJob's *fault.Error, so that the API, the
// admin page and the CLI show the same catalogued refusal.
var ErrUnknownJob = errors.New("unknown job")

// unknownJob refuses a name that is not in the registry.
func unknownJob(name string) error {
	return fault.Newf(fault.NotFound, "jobs.unknown", map[string]any{"Name": name}).Wrap(fmt.Errorf("%w %q", ErrUnknownJob, name))
}

// New checks the registry with its overrides and returns the scheduler.
// Every invalid schedule is reported, named by its config key.
func New(cfg Config, registry []Job) (*Scheduler, error) {
	if cfg.Runs == nil || cfg.Now == nil {
		return nil, errors.New("jobs: a run store and a clock are required")
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Replica == "" {
		cfg.Replica, _ = os.Hostname()
		if cfg.Replica == "" {
			cfg.Replica = "phucdap"
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Minute
	}
	if cfg.Lease <= 0 {
		cfg.Lease = time.Minute
	}
	if cfg.wallNow == nil {
		cfg.wallNow = time.Now
	}
	s := &Scheduler{cfg: cfg, byName: map[string]*entry{}}
	s.life, s.endLife = context.WithCancel(context.Background())
	var errs []error
	for name := range cfg.Overrides {
		if !slices.ContainsFunc(registry, func(j Job) bool { return j.Name == name }) {
			errs = append(errs, fmt.Errorf("config: jobs.%s: %w %q", ConfigKey(name), ErrUnknownJob, name))
		}
	}
	for _, j := range registry {
		if j.Run == nil {
			return nil, fmt.Errorf("jobs: %s has no function", j.Name)
		}
		if o, ok := cfg.Overrides[j.Name]; ok {
			if o.Schedule != "" {
				j.Schedule = o.Schedule
			}
			if o.Enabled != nil {
				j.Enabled = *o.Enabled
			}
			if o.WorkingDaysOnly != nil {
				j.WorkingDaysOnly = *o.WorkingDaysOnly
			}
			if o.RunAtStart != nil {
				j.RunAtStart = *o.RunAtStart
			}
		}
		sched, err := ParseSchedule(j.Schedule)
		if err != nil {
			errs = append(errs, fmt.Errorf("config: invalid jobs.%s.schedule (%s=%q): %w",
				ConfigKey(j.Name), "PHUCDAP_JOBS__"+strings.ToUpper(ConfigKey(j.Name))+"__SCHEDULE", j.Schedule, err))
			continue
		}
		e := &entry{Job: j, schedule: sched}
		s.entries = append(s.entries, e)
		s.byName[j.Name] = e
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// ConfigKey is a job's key under "jobs." in config: the name with "_" for
// "-", so that it can be set from the environment.
func ConfigKey(name string) string { return strings.ReplaceAll(name, "-", "_") }

// ParseSchedule parses a cron spec the way the scheduler does.
func ParseSchedule(spec string) (cron.Schedule, error) {
	if strings.HasPrefix(strings.TrimSpace(spec), "@every") {
		return nil, errors.New("@every is not allowed: its ticks depend on when a replica started; use a cron spec such as */5 * * * *")
	}
	if strings.Contains(spec, "TZ=") {
		return nil, errors.New("schedules are read in the configured time zone; remove the TZ= prefix")
	}
	return parser.Parse(spec)
}

// Replica returns this process's name in job_runs.
func (s *Scheduler) Replica() string { return s.cfg.Replica }

// Jobs returns the registry with overrides applied, in order.
func (s *Scheduler) Jobs() []Job {
	out := make([]Job, len(s.entries))
	for i, e := range s.entries {
		out[i] = e.Job
	}
	return out
}

// Start makes the scheduler fire enabled jobs on schedule and runs the
// run-at-start jobs once, in the background, as their latest tick: after
// downtime that tick was missed, and after a quick restart another replica
// (or this one) already holds it and nothing runs twice.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("jobs: scheduler already started")
	}
	if n, err := s.cfg.Runs.Abandon(ctx, s.cfg.Replica, s.cfg.Now()); err != nil {
		return err
	} else if n > 0 {
		s.cfg.Log.Warn("runs left unfinished by this replica's last process marked failed", "runs", n)
	}
	logger := cronLogger{s.cfg.Log}
	c := cron.New(
		cron.WithLocation(s.cfg.Location),
		cron.WithParser(parser),
		cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
	)
	s.stopCtx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, e := range s.entries {
		if !e.Enabled {
			continue
		}
		e := e
		c.Schedule(e.schedule, cron.FuncJob(func() { s.fire(e) }))
	}
	if n, err := s.cfg.Runs.Reap(ctx, s.cfg.wallNow()); err != nil {
		return err
	} else if n > 0 {
		s.cfg.Log.Warn("runs of replicas that died marked lost", "runs", n)
	}
	for _, e := range s.entries {
		if e.Enabled && e.RunAtStart {
			e := e
			s.bg.Add(1)
			go func() {
				defer s.bg.Done()
				s.catchUp(s.stopCtx, e)
			}()
		}
	}
	c.Start()
	s.cron, s.started = c, true
	s.cfg.Log.Info("scheduler started", "replica", s.cfg.Replica, "jobs", len(c.Entries()))
	return nil
}

// catchUp is run-at-start. It claims the schedule's latest tick, as before:
// after downtime that tick was missed, and after a quick restart another
// replica (or this one) already holds it. When the tick is held, it still
// runs once more if the last completed run is older than the schedule
// allows: the holder died (its run is lost or failed), or the platform
// clock moved on (PHUCDAP_CLOCK_OFFSET) past what the last run covered.
// The catch-up's tick names the latest run it follows, so replicas starting
// together run it once.
func (s *Scheduler) catchUp(ctx context.Context, e *entry) {
	tick := prevTick(e.schedule, s.cfg.wallNow().In(s.cfg.Location))
	if tick.IsZero() {
		return
	}
	res, err := s.runTick(ctx, e, tick, CauseStart)
	if err != nil {
		s.cfg.Log.Error("run-at-start failed", "job", e.Name, "err", err)
		return
	}
	if res.Claimed {
		return
	}
	// The tick is held. Its holder may be fine: done, or running with a
	// live lease. Then catch up only if the last completed run is more
	// than one interval behind the platform clock (downtime, or the clock
	// moved on). A holder that failed or died is caught up at once.
	want := prevTick(e.schedule, s.cfg.Now().In(s.cfg.Location))
	if want.IsZero() {
		return
	}
	before := prevTick(e.schedule, want.Add(-time.Second))
	last, latest, err := s.cfg.Runs.LastCompleted(ctx, e.Name)
	if err != nil {
		s.cfg.Log.Error("run-at-start failed", "job", e.Name, "err", err)
		return
	}
	holder, err := s.cfg.Runs.RunOfTick(ctx, e.Name, TickID(tick))
	if err != nil {
		s.cfg.Log.Error("run-at-start failed", "job", e.Name, "err", err)
		return
	}
	holderFine := holder != nil && (holder.Outcome == OK || holder.Outcome == Skipped ||
		(holder.Outcome == Running && holder.LeaseUntil.After(s.cfg.wallNow())))
	behind := !holderFine
	if last != nil && holderFine {
		behind = !before.IsZero() && last.AsOf.Before(before)
	}
	if !behind {
		return
	}
	r := Run{Job: e.Name, Tick: "catchup:" + TickID(want) + ":after:" + strconv.FormatInt(latest, 10), Cause: CauseStart, AsOf: s.cfg.Now()}
	if _, err := s.run(ctx, e, r); err != nil {
		s.cfg.Log.Error("catch-up at start failed", "job", e.Name, "err", err)
	}
}

// fire is what cron calls: claim the tick that just came, then run it.
func (s *Scheduler) fire(e *entry) {
	if _, err := s.cfg.Runs.Reap(s.stopCtx, s.cfg.wallNow()); err != nil {
		s.cfg.Log.Warn("could not reap lost runs", "err", err)
	}
	tick := prevTick(e.schedule, s.cfg.wallNow().In(s.cfg.Location))
	if _, err := s.runTick(s.stopCtx, e, tick, CauseSchedule); err != nil {
		s.cfg.Log.Error("scheduled run failed", "job", e.Name, "err", err)
	}
}

// Stop stops firing and waits for running jobs (scheduled, and manual
// ones started in the background), at most until ctx ends; then their
// contexts are cancelled. Call it before the database closes.
func (s *Scheduler) Stop(ctx context.Context) {
	s.mu.Lock()
	c, started := s.cron, s.started
	s.started, s.closed = false, true
	cancelRuns := s.cancel
	s.mu.Unlock()
	cancelAll := func() {
		if cancelRuns != nil {
			cancelRuns()
		}
		s.endLife()
	}
	all := make(chan struct{})
	go func() {
		if started {
			<-c.Stop().Done() // ends when the cron-started runs have returned
		}
		s.bg.Wait()
		close(all)
	}()
	select {
	case <-all:
	case <-ctx.Done():
		// Out of patience: cancel the runs, which then record their end.
		cancelAll()
		select {
		case <-all:
		case <-time.After(5 * time.Second):
		}
	}
	cancelAll()
	if started {
		s.cfg.Log.Info("scheduler stopped", "replica", s.cfg.Replica)
	}
}

// Result is what a run did.
type Result struct {
	Run     Run
	Claimed bool // false: another process holds the tick; nothing ran here
}

// TickID names a scheduled tick in job_runs.
func TickID(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// RunTick runs job name for the scheduled tick t, as of the platform
// clock, if this process claims the tick. Cron calls this; tests call it to
// fire "the same tick" on several schedulers.
func (s *Scheduler) RunTick(ctx context.Context, name string, t time.Time) (Result, error) {
	e, ok := s.byName[name]
	if !ok {
		return Result{}, unknownJob(name)
	}
	return s.runTick(ctx, e, t, CauseSchedule)
}

func (s *Scheduler) runTick(ctx context.Context, e *entry, t time.Time, cause Cause) (Result, error) {
	return s.run(ctx, e, Run{Job: e.Name, Tick: TickID(t), Cause: cause, AsOf: s.cfg.Now()})
}

// Manual is an operator's request to run a job now or as of an instant.
type Manual struct {
	// At is the instant to run as of; zero means the platform clock's now.
	At        time.Time
	By        string // audit label of who asked
	ByAccount int64
}

// ErrRunning refuses a manual run while the job has another manual run
// going (a double-clicked "Run now", or the CLI and a page at once).
var ErrRunning = fault.New(fault.Conflict, "jobs.running")

// RunManual runs a job by hand and waits for it. Its tick is "manual:"
// plus the instant and a nonce, so it never takes a scheduled tick and a
// second manual run really runs again (and, the jobs being state-based,
// finds nothing left). It ignores Enabled: an operator may run a disabled
// job on purpose. While a manual run of the job is going, it returns
// ErrRunning.
func (s *Scheduler) RunManual(ctx context.Context, name string, m Manual) (Result, error) {
	e, r, err := s.claimManual(ctx, name, m)
	if err != nil {
		return Result{}, err
	}
	if r.ID == 0 || !r.claimed {
		return Result{Run: r.Run}, ErrRunning
	}
	return s.execute(ctx, e, r.Run), nil
}

// StartManual claims a manual run as RunManual does and runs it in the
// background, owned by the scheduler's lifetime (the server's), so that
// the page that asked can show its progress and a closed browser does not
// cancel it. The result has the run's id; Claimed is false when a manual
// run of the job was already going, and the id is then that run's.
func (s *Scheduler) StartManual(ctx context.Context, name string, m Manual) (Result, error) {
	e, r, err := s.claimManual(ctx, name, m)
	if err != nil || !r.claimed {
		return Result{Run: r.Run}, err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		// Shutting down: record the claimed run as interrupted.
		r.Outcome, r.Error = Failed, "interrupted: the server was stopping"
		fin := r.StartedAt
		r.FinishedAt = &fin
		if ferr := s.cfg.Runs.Finish(context.WithoutCancel(ctx), r.Run); ferr != nil {
			s.cfg.Log.Error("could not record the end of a run", "err", ferr)
		}
		return Result{Run: r.Run, Claimed: true}, nil
	}
	s.bg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.bg.Done()
		s.execute(s.life, e, r.Run)
	}()
	return Result{Run: r.Run, Claimed: true}, nil
}

type claimedRun struct {
	Run
	claimed bool
}

func (s *Scheduler) claimManual(ctx context.Context, name string, m Manual) (*entry, claimedRun, error) {
	e, ok := s.byName[name]
	if !ok {
		return nil, claimedRun{}, unknownJob(name)
	}
	at := m.At
	if at.IsZero() {
		at = s.cfg.Now()
	}
	by := m.By
	if by == "" {
		by = "cli"
	}
	// A manual run whose replica died no longer holds the job.
	if _, err := s.cfg.Runs.Reap(ctx, s.cfg.wallNow()); err != nil {
		return nil, claimedRun{}, err
	}
	tick := "manual:" + at.UTC().Format(time.RFC3339Nano) + ":" + nonce()
	r, claimed, err := s.claim(ctx, Run{Job: e.Name, Tick: tick, Cause: CauseManual, AsOf: at.UTC(), StartedBy: by, ByAccount: m.ByAccount})
	return e, claimedRun{Run: r, claimed: claimed}, err
}

// claim records r as this replica's, if its tick is free.
func (s *Scheduler) claim(ctx context.Context, r Run) (Run, bool, error) {
	r.Replica = s.cfg.Replica
	r.StartedAt = s.cfg.Now()
	r.LeaseUntil = s.cfg.wallNow().Add(s.cfg.Lease)
	if r.StartedBy == "" {
		r.StartedBy = "scheduler"
	}
	id, claimed, err := s.cfg.Runs.Claim(ctx, r)
	if err != nil {
		return r, false, err
	}
	r.ID = id
	return r, claimed, nil
}

func (s *Scheduler) run(ctx context.Context, e *entry, r Run) (Result, error) {
	r, claimed, err := s.claim(ctx, r)
	if err != nil {
		return Result{}, err
	}
	if !claimed {
		r.ID = 0
		return Result{Run: r}, nil
	}
	return s.execute(ctx, e, r), nil
}

// execute runs a claimed run and records its end.
func (s *Scheduler) execute(ctx context.Context, e *entry, r Run) Result {
	id := r.ID
	log := s.cfg.Log.With("job", e.Name, "tick", r.Tick, "run", id)
	began := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	// The job's progress goes where it went (the CLI's terminal) and onto
	// the run's row, for the run page of any replica.
	rep := newRunReporter(s.cfg.Runs, id, s.cfg.wallNow, log)
	wctx, stopWriter := context.WithCancel(ctx)
	written := make(chan struct{})
	go func() { defer close(written); rep.run(wctx) }()
	ctx = progress.With(ctx, progress.Tee(progress.From(ctx), rep))

	// Renew the lease while the job works, on wall time: a process that
	// dies stops renewing, and its run is reaped as lost.
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		tk := time.NewTicker(s.cfg.Lease / 3)
		defer tk.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
				if err := s.cfg.Runs.Renew(ctx, id, s.cfg.wallNow().Add(s.cfg.Lease)); err != nil && ctx.Err() == nil {
					log.Warn("could not renew the run's lease", "err", err)
				}
			}
		}
	}()
	counts, runErr := s.call(ctx, e, r)
	stopWriter()
	<-written // the last progress is on the row before the outcome
	cancel()
	<-renewed
	r.Duration = time.Since(began)
	fin := r.StartedAt.Add(r.Duration)
	r.FinishedAt = &fin
	r.Counts = counts
	switch {
	case errors.Is(runErr, errNotWorkingDay):
		r.Outcome, r.Note = Skipped, "not a working day"
		runErr = nil
	case runErr != nil:
		r.Outcome, r.Error = Failed, runErr.Error()
	default:
		r.Outcome = OK
	}
	// Record the end even if ctx was cancelled mid-run (shutdown).
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	if err := s.cfg.Runs.Finish(fctx, r); err != nil {
		log.Error("could not record the end of a run", "err", err)
	}
	switch r.Outcome {
	case Failed:
		log.Error("job failed", "duration", r.Duration, "err", runErr)
	case Skipped:
		log.Info("job skipped", "reason", r.Note)
	default:
		log.Info("job done", "duration", r.Duration, "counts", map[string]int(counts))
	}
	return Result{Run: r, Claimed: true}
}

// runReporter keeps a run's progress and has it written on the run's row
// by its own goroutine (run), never by the job's: a job reporting from
// inside a transaction must not wait for a connection to write (SQLite has
// one). It asks for a write at each stage's start and end, and in between
// each time another percent is done (or, when the total is not known, at
// most once a second), so a million-row rollup costs a hundred small
// updates; a write that lags behind writes the latest state.
type runReporter struct {
	runs RunStore
	id   int64
	wall func() time.Time
	log  *slog.Logger
	kick chan struct{}

	mu      sync.Mutex
	p       Progress
	pct     int
	last    time.Time
	written Progress
}

func newRunReporter(runs RunStore, id int64, wall func() time.Time, log *slog.Logger) *runReporter {
	return &runReporter{runs: runs, id: id, wall: wall, log: log, kick: make(chan struct{}, 1)}
}

// ask asks the writer for a write; r.mu is held.
func (r *runReporter) ask() {
	r.last = r.wall()
	select {
	case r.kick <- struct{}{}:
	default: // one is pending: it will write the latest
	}
}

// run writes the progress when asked, until ctx ends, then once more.
func (r *runReporter) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			r.flush(context.WithoutCancel(ctx))
			return
		case <-r.kick:
			r.flush(ctx)
		}
	}
}

func (r *runReporter) flush(ctx context.Context) {
	r.mu.Lock()
	p := r.p
	same := p == r.written
	r.mu.Unlock()
	if same {
		return
	}
	if err := r.runs.Progress(ctx, r.id, p); err != nil {
		if ctx.Err() == nil {
			r.log.Warn("could not record the run's progress", "err", err)
		}
		return
	}
	r.mu.Lock()
	r.written = p
	r.mu.Unlock()
}

func (r *runReporter) Start(what string, total int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p, r.pct = Progress{Stage: what, Total: max(total, 0)}, 0
	r.ask()
}

func (r *runReporter) Add(n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.p.Done += n
	if pct := r.p.Percent(); pct >= 0 {
		if pct == r.pct {
			return
		}
		r.pct = pct
	} else if r.wall().Sub(r.last) < time.Second {
		return
	}
	r.ask()
}

func (r *runReporter) Done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ask()
}

var errNotWorkingDay = errors.New("not a working day")

// call runs the job's function, turning a panic into an error so the run
// is recorded as failed (cron.Recover only logs it).
func (s *Scheduler) call(ctx context.Context, e *entry, r Run) (counts Counts, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	if e.WorkingDaysOnly && s.cfg.WorkingDay != nil && !s.cfg.WorkingDay(ctx, r.AsOf) {
		return nil, errNotWorkingDay
	}
	return e.Run(ctx, r.AsOf)
}

// Status is what the jobs page shows of one job.
type Status struct {
	Job
	// Next is the next scheduled tick (for working-days-only jobs, the
	// next one on a working day); zero when disabled.
	Next     time.Time
	Last     *Run
	Failures []Run
	// Scheduled says whether this replica fires the job (jobs enabled
	// here and the job enabled).
	Scheduled bool
}

// Status lists every job with its last run, recent failures and next tick.
func (s *Scheduler) Status(ctx context.Context) ([]Status, error) {
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	wall := s.cfg.wallNow()
	// Cron fires on the wall clock; a job runs as of the platform clock,
	// which PHUCDAP_CLOCK_OFFSET may shift. Show the next run as the job
	// will see it, like the last run.
	offset := s.cfg.Now().Sub(wall).Round(time.Second)
	now := wall.In(s.cfg.Location)
	// A run whose replica died shows as lost here, whether or not any
	// scheduler is running.
	if _, err := s.cfg.Runs.Reap(ctx, wall); err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(s.entries))
	for _, e := range s.entries {
		st := Status{Job: e.Job, Scheduled: started && e.Enabled}
		if e.Enabled {
			st.Next = s.next(ctx, e, now, offset)
		}
		recent, err := s.cfg.Runs.Recent(ctx, e.Name, 1)
		if err != nil {
			return nil, err
		}
		if len(recent) > 0 {
			st.Last = &recent[0]
		}
		if st.Failures, err = s.cfg.Runs.RecentFailures(ctx, e.Name, 5); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// RunByID returns a run with its progress, or nil when there is none. A
// run whose replica died reads as lost.
func (s *Scheduler) RunByID(ctx context.Context, id int64) (*Run, error) {
	if _, err := s.cfg.Runs.Reap(ctx, s.cfg.wallNow()); err != nil {
		return nil, err
	}
	return s.cfg.Runs.Get(ctx, id)
}

func (s *Scheduler) next(ctx context.Context, e *entry, now time.Time, offset time.Duration) time.Time {
	t := e.schedule.Next(now)
	if t.IsZero() {
		return t
	}
	if !e.WorkingDaysOnly || s.cfg.WorkingDay == nil {
		return t.Add(offset)
	}
	// A working-days-only job skips weekends and holidays; look ahead far
	// enough to cross Tết.
	for i := 0; i < 400 && !t.IsZero(); i++ {
		if s.cfg.WorkingDay(ctx, t.Add(offset)) {
			return t.Add(offset)
		}
		t = e.schedule.Next(t)
	}
	return time.Time{}
}

// prevTick returns the schedule's latest activation at or before t, or the
// zero time if there is none within four years.
func prevTick(s cron.Schedule, t time.Time) time.Time {
	for _, w := range []time.Duration{2 * time.Second, 61 * time.Second, time.Hour, 25 * time.Hour, 8 * 24 * time.Hour,
		32 * 24 * time.Hour, 367 * 24 * time.Hour, 4 * 367 * 24 * time.Hour} {
		n := s.Next(t.Add(-w))
		if n.IsZero() || n.After(t) {
			continue
		}
		for {
			nn := s.Next(n)
			if nn.IsZero() || nn.After(t) {
				return n
			}
			n = nn
		}
	}
	return time.Time{}
}

// cronLogger sends robfig/cron's messages to slog; its routine chatter
// ("wake", "run") goes to debug.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}

func nonce() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
