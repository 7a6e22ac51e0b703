package httpapi

import (
	"context"
	"time"

	"github.com/phucdap/phucdap/internal/alert"
	"github.com/phucdap/phucdap/internal/jobs"
)

// Jobs is what the jobs and alert operations need.
type Jobs struct {
	Scheduler *jobs.Scheduler
	Alerts    alert.Store
	Now       func() time.Time
}

// ListJobs implements GET /admin/jobs.
func (a *API) ListJobs(ctx context.Context, _ ListJobsRequestObject) (ListJobsResponseObject, error) {
	st, err := a.Jobs.Scheduler.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := ListJobs200JSONResponse{Replica: a.Jobs.Scheduler.Replica(), Jobs: make([]Job, 0, len(st))}
	for _, s := range st {
		j := Job{Name: s.Name, Description: s.Description, Schedule: s.Schedule, Enabled: s.Enabled, WorkingDaysOnly: s.WorkingDaysOnly,
			RunAtStart: s.RunAtStart, Scheduled: s.Scheduled, RecentFailures: make([]JobRun, 0, len(s.Failures))}
		if !s.Next.IsZero() {
			j.NextRun = ptr(s.Next.UTC())
		}
		if s.Last != nil {
			j.LastRun = ptr(jobRunJSON(*s.Last))
		}
		for _, f := range s.Failures {
			j.RecentFailures = append(j.RecentFailures, jobRunJSON(f))
		}
		out.Jobs = append(out.Jobs, j)
	}
	return out, nil
}

// RunJob implements POST /admin/jobs/{name}/run.
func (a *API) RunJob(ctx context.Context, req RunJobRequestObject) (RunJobResponseObject, error) {
	who := actor(ctx)
	// The run must not die with the request: a client that gives up should
	// not leave a sweep half-done (each batch commits on its own anyway).
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Minute)
	defer cancel()
	res, err := a.Jobs.Scheduler.RunManual(rctx, req.Name, jobs.Manual{By: who.Label(), ByAccount: who.AccountID})
	if err != nil {
		return nil, err
	}
	return RunJob200JSONResponse(jobRunJSON(res.Run)), nil
}

func jobRunJSON(r jobs.Run) JobRun {
	out := JobRun{Id: r.ID, Job: r.Job, Tick: r.Tick, Cause: JobRunCause(r.Cause), AsOf: r.AsOf.UTC(), Replica: r.Replica,
		StartedAt: r.StartedAt.UTC(), Outcome: JobRunOutcome(r.Outcome), Counts: map[string]int(r.Counts)}
	if out.Counts == nil {
		out.Counts = map[string]int{}
	}
	if r.StartedBy != "" {
		out.StartedBy = ptr(r.StartedBy)
	}
	if r.FinishedAt != nil {
		out.FinishedAt = ptr(r.FinishedAt.UTC())
		out.DurationMs = ptr(r.Duration.Milliseconds())
	}
	if r.Note != "" {
		out.Note = ptr(r.Note)
	}
	if r.Error != "" {
		out.Error = ptr(r.Error)
	}
	return out
}
