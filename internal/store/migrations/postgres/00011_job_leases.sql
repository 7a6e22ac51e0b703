-- Job runs hold a lease (issue 15): the process running a job renews
-- lease_until while it works; a run still "running" after its lease has
-- expired belongs to a process that died, and is marked "lost".
-- Keep in step with ../sqlite/00011_job_leases.sql.

-- +goose Up
ALTER TABLE job_runs ADD COLUMN lease_until TIMESTAMPTZ;
ALTER TABLE job_runs DROP CONSTRAINT job_runs_outcome_check;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_outcome_check CHECK (outcome IN ('running', 'ok', 'failed', 'skipped', 'lost'));
CREATE INDEX job_runs_running ON job_runs (lease_until) WHERE outcome = 'running';

-- +goose Down
DROP INDEX job_runs_running;
UPDATE job_runs SET outcome = 'failed' WHERE outcome = 'lost';
ALTER TABLE job_runs DROP CONSTRAINT job_runs_outcome_check;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_outcome_check CHECK (outcome IN ('running', 'ok', 'failed', 'skipped'));
ALTER TABLE job_runs DROP COLUMN lease_until;
