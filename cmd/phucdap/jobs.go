package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/jobs"
	"github.com/phucdap/phucdap/internal/progress"
	"github.com/phucdap/phucdap/internal/reception"
	"github.com/phucdap/phucdap/internal/store"
)

// registry is every scheduled job with its defaults: the alert service's,
// the KPI snapshot and the recompute of the running clocks.
func registry(s *alert.Service, kpiSnapshot, recomputeClocks, receptionMissed, searchIndex jobs.Func) []jobs.Job {
	fn := func(f func(context.Context, time.Time) (map[string]int, error)) jobs.Func {
		return func(ctx context.Context, now time.Time) (jobs.Counts, error) {
			c, err := f(ctx, now)
			return jobs.Counts(c), err
		}
	}
	return []jobs.Job{
		{Name: "overdue-sweep", Description: "flag every open clock past its due time once, and raise the escalation ladder",
			Schedule: "*/5 * * * *", Enabled: true, RunAtStart: true, Run: fn(s.Sweep)},
		{Name: "due-soon", Description: "remind the acting unit 3 and 1 working days before a due date",
			Schedule: "0 8 * * *", Enabled: true, WorkingDaysOnly: true, Run: fn(s.DueSoon)},
		{Name: "daily-digest", Description: "e-mail each office member and unit head the late and due-soon cases and the on-time rate",
			Schedule: "30 7 * * *", Enabled: true, WorkingDaysOnly: true, Run: fn(s.DailyDigest)},
		{Name: "kpi-snapshot", Description: "store the month's KPIs by unit; roll the closed days up for the reports",
			Schedule: "55 23 * * *", Enabled: true, Run: kpiSnapshot},
		{Name: "outbox", Description: "deliver queued e-mails and webhooks, with retries",
			Schedule: "* * * * *", Enabled: true, RunAtStart: true, Run: fn(s.Deliver)},
		{Name: "recompute-clocks", Description: "after a calendar or rule change, compute the running clocks' due times again, in batches",
			Schedule: "* * * * *", Enabled: true, RunAtStart: true, Run: recomputeClocks},
		// Daily and at start: the job itself decides (from 1 November,
		// weekly, until next year is confirmed), so a missed day is caught up.
		{Name: "calendar-reminder", Description: "from 1 November, remind admins and the office weekly to confirm next year's working-day calendar",
			Schedule: "0 9 * * *", Enabled: true, RunAtStart: true, Run: fn(s.CalendarReminder)},
		// Daily and at start: a reminder missed while the service was down
		// goes on the reception day itself; the bookings' marks keep it once.
		{Name: "reception-reminder", Description: "remind each citizen who booked a reception day, the day before, by e-mail, SMS or Zalo",
			Schedule: "0 8 * * *", Enabled: true, RunAtStart: true, Run: fn(s.BookingReminders)},
		// Working days, and at start: a day is asked of once its next
		// working day has ended (the office had it to record the day);
		// the ledger keeps it to one alert.
		{Name: "reception-missed", Description: "tell the office of each leadership reception day with no session recorded, once",
			Schedule: "15 8 * * *", Enabled: true, WorkingDaysOnly: true, RunAtStart: true, Run: receptionMissed},
		// At start, and hourly: after an upgrade whose search rows are
		// written by a newer recipe, or onto cases from before the search
		// table, the rows are rewritten here, in batches, while the
		// search keeps answering from the rows it has.
		{Name: "search-index", Description: "write the search rows of cases that have none or have one of an older recipe, in batches",
			Schedule: "7 * * * *", Enabled: true, RunAtStart: true, Run: searchIndex},
	}
}

// searchIndex is the search-index job (store.CaseAccessStore.IndexSearch).
func searchIndex(st *store.CaseAccessStore) jobs.Func {
	return func(ctx context.Context, _ time.Time) (jobs.Counts, error) {
		n, err := st.IndexSearch(ctx)
		return jobs.Counts{"indexed": n}, err
	}
}

// receptionMissed is the reception-missed job: the leadership's reception
// days with no session recorded (reception.Service.Unrecorded), each told
// to the office once (alert.Service.ReceptionMissed).
func receptionMissed(rs *reception.Service, as *alert.Service) jobs.Func {
	return func(ctx context.Context, now time.Time) (jobs.Counts, error) {
		days, err := rs.Unrecorded(ctx, now)
		if err != nil {
			return nil, err
		}
		list := make([]alert.MissedReception, 0, len(days))
		for _, o := range days {
			list = append(list, alert.MissedReception{ScheduleID: o.Schedule.ID, Day: o.Day, Host: o.Schedule.Host, Place: o.Schedule.Place,
				StartMin: o.Schedule.StartMin, EndMin: o.Schedule.EndMin})
		}
		c, err := as.ReceptionMissed(ctx, now, list)
		return jobs.Counts(c), err
	}
}

func cmdJobs(ctx context.Context, env *cliEnv, args []string) error {
	sub, rest, err := subcommand(env, "jobs", `Usage: phucdap jobs list | jobs run NAME [--at TIME]

list  prints every scheduled job: schedule (Asia/Ho_Chi_Minh), flags, the
      last run and the next one.
run   runs one job now, or as of TIME (RFC 3339, e.g.
      2026-11-30T09:00:00+07:00), whatever the schedule and the replica's
      jobs switch. A manual run never takes a scheduled tick, and jobs are
      state-based: running twice does the work once. A run as of a future
      TIME also runs the outbox as of TIME, so the deliveries it queued go
      now; whatever is still queued is printed with the time it is due.`, args, "list", "run")
	if err != nil {
		return err
	}
	if sub == "list" {
		return cmdJobsList(ctx, env, rest)
	}
	return cmdJobsRun(ctx, env, rest)
}

func cmdJobsRun(ctx context.Context, env *cliEnv, args []string) error {
	fs, cfgPath := newFlagSet(env, "jobs run", "jobs run NAME [--at TIME] [flags]\n\nRuns a job as of TIME (RFC 3339; default: now) and prints what it did.")
	at := fs.String("at", "", "run as of this instant, RFC 3339 (e.g. 2026-11-30T09:00:00+07:00)")
	pos, err := parseArgs(env, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return usageError{"jobs run needs exactly one job NAME; see phucdap jobs list"}
	}
	var when time.Time
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageError{fmt.Sprintf("--at %q: want RFC 3339, e.g. 2026-11-30T09:00:00+07:00", *at)}
		}
		when = t
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	// Long work (the KPI rollup, a clock recompute) says how far it has
	// gone on stderr: a bar on a terminal, lines otherwise.
	res, err := a.scheduler.RunManual(progress.With(ctx, progress.For(env.stderr)), pos[0], jobs.Manual{At: when, By: "cli"})
	if err != nil {
		if errors.Is(err, jobs.ErrUnknownJob) {
			return usageError{describe(err).Error() + "; see phucdap jobs list"}
		}
		return err
	}
	r := res.Run
	fmt.Fprintf(env.stdout, "%s: %s in %s (as of %s, run %d)", r.Job, r.Outcome, r.Duration.Round(time.Millisecond),
		r.AsOf.In(a.cfg.Location).Format(time.RFC3339), r.ID)
	if r.Note != "" {
		fmt.Fprintf(env.stdout, ": %s", r.Note)
	}
	fmt.Fprintln(env.stdout)
	if len(r.Counts) > 0 {
		fmt.Fprintf(env.stdout, "  %s\n", r.Counts.String())
	}
	if r.Outcome == jobs.Failed {
		return fmt.Errorf("job %s failed: %s", r.Job, r.Error)
	}
	return a.deliverFutureRun(ctx, env, r)
}

// deliverFutureRun settles what a run as of a future instant queued. Its
// alerts' deliveries are due at that instant, so the scheduled outbox (which
// runs as of now) would hold them until then: the CLI delivers them now,
// running the outbox as of the same instant, and says what, if anything,
// is still queued and from when.
func (a *app) deliverFutureRun(ctx context.Context, env *cliEnv, r jobs.Run) error {
	now := a.clock.Now()
	if r.Job == "outbox" || !r.AsOf.After(now) {
		return nil
	}
	if r.Counts["queued"] > 0 || r.Counts["alerts"] > 0 {
		res, err := a.scheduler.RunManual(ctx, "outbox", jobs.Manual{At: r.AsOf, By: "cli"})
		if err != nil {
			return err
		}
		o := res.Run
		fmt.Fprintf(env.stdout, "outbox: %s, as of the same instant, so what it queued goes now (run %d)\n", o.Outcome, o.ID)
		if len(o.Counts) > 0 {
			fmt.Fprintf(env.stdout, "  %s\n", o.Counts.String())
		}
		if o.Outcome == jobs.Failed {
			return fmt.Errorf("job outbox failed: %s", o.Error)
		}
	}
	n, first, err := a.alertStore.QueuedAfter(ctx, now)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(env.stdout, "still queued: %d deliveries, the first due at %s (no channel configured, or a retry after a failure); the outbox job sends them from then\n",
			n, first.In(a.cfg.Location).Format(time.RFC3339))
	}
	return nil
}

func cmdJobsList(ctx context.Context, env *cliEnv, args []string) error {
	fs, cfgPath := newFlagSet(env, "jobs list", "jobs list [flags]\n\nLists the scheduled jobs with their last and next run.")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	a, err := open(ctx, env, *cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	st, err := a.scheduler.Status(ctx)
	if err != nil {
		return err
	}
	loc := a.cfg.Location
	tw := tabwriter.NewWriter(env.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSCHEDULE\tENABLED\tWORKING DAYS\tAT START\tLAST RUN\tOUTCOME\tNEXT RUN")
	for _, s := range st {
		last, outcome := "-", "-"
		if s.Last != nil {
			last = s.Last.StartedAt.In(loc).Format("2006-01-02 15:04:05")
			outcome = string(s.Last.Outcome)
		}
		next := "-"
		if !s.Next.IsZero() {
			next = s.Next.In(loc).Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%t\t%t\t%t\t%s\t%s\t%s\n", s.Name, s.Schedule, s.Enabled, s.WorkingDaysOnly, s.RunAtStart, last, outcome, next)
	}
	return tw.Flush()
}
