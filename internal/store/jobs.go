package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/phucdap/phucdap/internal/audit"
	"github.com/phucdap/phucdap/internal/jobs"
)

// Claim inserts the run. A unique violation means another replica (or an
// earlier start) already took the tick, or, for a manual run, that a
// manual run of the job is still going: claimed is false, err nil, and id
// that running manual run's (0 for a taken tick). A manual run is
// recorded in the audit trail in the same transaction.
func (s *JobRunStore) Claim(ctx context.Context, r jobs.Run) (int64, bool, error) {
	var id int64
	claimed := false
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		// ON CONFLICT DO NOTHING rather than catching the error: on
		// Postgres a failed INSERT would abort the transaction.
		var ids []int64
		err := tx.Raw("INSERT INTO job_runs (job, tick, cause, as_of, replica, started_by, started_at, outcome, lease_until) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?) ON CONFLICT DO NOTHING RETURNING id",
			r.Job, r.Tick, string(r.Cause), r.AsOf.UTC(), r.Replica, r.StartedBy, r.StartedAt.UTC(), leaseOf(r)).Scan(&ids).Error
		if err != nil {
			return fmt.Errorf("claim %s %s: %w", r.Job, r.Tick, err)
		}
		if len(ids) == 0 {
			// The tick is taken or, for a manual run, the job already has
			// a manual run going (job_runs_one_manual): id names that run.
			claimed = false
			if r.Cause == jobs.CauseManual {
				var running []int64
				if err := tx.Raw("SELECT id FROM job_runs WHERE job = ? AND outcome = 'running' AND cause = 'manual'", r.Job).
					Scan(&running).Error; err != nil {
					return fmt.Errorf("running manual run of %s: %w", r.Job, err)
				}
				if len(running) > 0 {
					id = running[0]
				}
			}
			return nil
		}
		id, claimed = ids[0], true
		if r.Cause == jobs.CauseManual {
			e := audit.Entry{At: r.StartedAt, ActorLabel: r.StartedBy, Action: "job.run", Entity: "job", EntityID: r.Job,
				After: map[string]any{"run": id, "as_of": r.AsOf.UTC()}}
			if r.ByAccount != 0 {
				by := r.ByAccount
				e.ActorID = &by
			}
			return recordAudit(ctx, tx, e)
		}
		return nil
	})
	return id, claimed, err
}

func leaseOf(r jobs.Run) any {
	if r.LeaseUntil.IsZero() {
		return nil
	}
	return r.LeaseUntil.UTC()
}

// Renew extends a running run's lease.
func (s *JobRunStore) Renew(ctx context.Context, id int64, until time.Time) error {
	err := s.db.Gorm.WithContext(ctx).Exec("UPDATE job_runs SET lease_until = ? WHERE id = ? AND outcome = 'running'", until.UTC(), id).Error
	if err != nil {
		return fmt.Errorf("renew run %d: %w", id, err)
	}
	return nil
}

// Progress records how far a running run has gone.
func (s *JobRunStore) Progress(ctx context.Context, id int64, p jobs.Progress) error {
	err := s.db.Gorm.WithContext(ctx).Exec("UPDATE job_runs SET progress_stage = ?, progress_done = ?, progress_total = ? "+
		"WHERE id = ? AND outcome = 'running'", p.Stage, p.Done, p.Total, id).Error
	if err != nil {
		return fmt.Errorf("progress of run %d: %w", id, err)
	}
	return nil
}

// Get returns the run id, or nil when there is none.
func (s *JobRunStore) Get(ctx context.Context, id int64) (*jobs.Run, error) {
	var rows []jobRunRow
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT "+jobRunCols+", lease_until FROM job_runs WHERE id = ?", id).
		Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("run %d: %w", id, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	r := rows[0].run()
	if rows[0].LeaseUntil != nil {
		r.LeaseUntil = rows[0].LeaseUntil.UTC()
	}
	return &r, nil
}

// Reap marks the runs whose lease expired before now as lost.
func (s *JobRunStore) Reap(ctx context.Context, now time.Time) (int, error) {
	res := s.db.Gorm.WithContext(ctx).Exec("UPDATE job_runs SET outcome = 'lost', finished_at = lease_until, "+
		"error = 'lost: the replica running it stopped renewing its lease (killed or cut off)' "+
		"WHERE outcome = 'running' AND lease_until < ?", now.UTC())
	if res.Error != nil {
		return 0, fmt.Errorf("reap runs: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// LastCompleted returns job's latest ok or skipped run and the id of its
// latest run of any outcome.
func (s *JobRunStore) LastCompleted(ctx context.Context, job string) (*jobs.Run, int64, error) {
	runs, err := s.list(ctx, "job = ? AND outcome IN ('ok', 'skipped') ORDER BY id DESC LIMIT 1", job)
	if err != nil {
		return nil, 0, err
	}
	var latest []int64
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT COALESCE(MAX(id), 0) FROM job_runs WHERE job = ?", job).Scan(&latest).Error; err != nil {
		return nil, 0, fmt.Errorf("latest run: %w", err)
	}
	var id int64
	if len(latest) > 0 {
		id = latest[0]
	}
	if len(runs) == 0 {
		return nil, id, nil
	}
	return &runs[0], id, nil
}

// RunOfTick returns the run that claimed (job, tick), or nil.
func (s *JobRunStore) RunOfTick(ctx context.Context, job, tick string) (*jobs.Run, error) {
	var rows []jobRunRow
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT "+jobRunCols+", lease_until FROM job_runs WHERE job = ? AND tick = ?", job, tick).
		Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("run of tick: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	r := rows[0].run()
	if rows[0].LeaseUntil != nil {
		r.LeaseUntil = rows[0].LeaseUntil.UTC()
	}
	return &r, nil
}

// Finish records the end of a run.
func (s *JobRunStore) Finish(ctx context.Context, r jobs.Run) error {
	counts, err := json.Marshal(r.Counts)
	if err != nil {
		return err
	}
	if r.Counts == nil {
		counts = []byte("{}")
	}
	fin := r.StartedAt
	if r.FinishedAt != nil {
		fin = *r.FinishedAt
	}
	err = s.db.Gorm.WithContext(ctx).Exec("UPDATE job_runs SET finished_at = ?, duration_ms = ?, outcome = ?, counts = ?, note = ?, error = ? WHERE id = ?",
		fin.UTC(), r.Duration.Milliseconds(), string(r.Outcome), string(counts), r.Note, r.Error, r.ID).Error
	if err != nil {
		return fmt.Errorf("finish run %d: %w", r.ID, err)
	}
	return nil
}

type jobRunRow struct {
	ID         int64
	Job        string
	Tick       string
	Cause      string
	AsOf       time.Time
	Replica    string
	StartedBy  string
	StartedAt  time.Time
	FinishedAt *time.Time
	DurationMs *int64
	Outcome    string
	Counts     string
	Note       string
	Error      string
	LeaseUntil *time.Time
	// The progress (migration 00024).
	ProgressStage string
	ProgressDone  int64
	ProgressTotal int64
}

func (r jobRunRow) run() jobs.Run {
	out := jobs.Run{ID: r.ID, Job: r.Job, Tick: r.Tick, Cause: jobs.Cause(r.Cause), AsOf: r.AsOf.UTC(), Replica: r.Replica,
		StartedBy: r.StartedBy, StartedAt: r.StartedAt.UTC(), FinishedAt: utcPtr(r.FinishedAt), Outcome: jobs.Outcome(r.Outcome),
		Note: r.Note, Error: r.Error, Progress: jobs.Progress{Stage: r.ProgressStage, Done: r.ProgressDone, Total: r.ProgressTotal}}
	if r.DurationMs != nil {
		out.Duration = time.Duration(*r.DurationMs) * time.Millisecond
	}
	if r.Counts != "" && r.Counts != "{}" {
		_ = json.Unmarshal([]byte(r.Counts), &out.Counts)
	}
	return out
}

const jobRunCols = "id, job, tick, cause, as_of, replica, started_by, started_at, finished_at, duration_ms, outcome, counts, note, error, " +
	"progress_stage, progress_done, progress_total"

func (s *JobRunStore) list(ctx context.Context, where string, args ...any) ([]jobs.Run, error) {
	var rows []jobRunRow
	if err := s.db.Gorm.WithContext(ctx).Raw("SELECT "+jobRunCols+" FROM job_runs WHERE "+where, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("job runs: %w", err)
	}
	out := make([]jobs.Run, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.run())
	}
	return out, nil
}

// Recent returns the latest runs of job, newest first.
func (s *JobRunStore) Recent(ctx context.Context, job string, limit int) ([]jobs.Run, error) {
	return s.list(ctx, "job = ? ORDER BY id DESC LIMIT "+strconv.Itoa(max(limit, 1)), job)
}

// RecentFailures returns the latest failed runs of job, newest first.
func (s *JobRunStore) RecentFailures(ctx context.Context, job string, limit int) ([]jobs.Run, error) {
	return s.list(ctx, "job = ? AND outcome IN ('failed', 'lost') ORDER BY id DESC LIMIT "+strconv.Itoa(max(limit, 1)), job)
}

// Abandon marks replica's unfinished runs as failed.
func (s *JobRunStore) Abandon(ctx context.Context, replica string, at time.Time) (int, error) {
	res := s.db.Gorm.WithContext(ctx).Exec("UPDATE job_runs SET outcome = 'failed', finished_at = ?, "+
		"error = 'interrupted: the replica stopped before the run finished' WHERE replica = ? AND outcome = 'running'", at.UTC(), replica)
	if res.Error != nil {
		return 0, fmt.Errorf("abandon runs: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}
