-- A job run says how far it has gone (issue 14): the running process
-- writes the stage it is in and its done/total units on the run's row, so
-- the run page of any replica shows the progress the CLI prints. And a
-- job has at most one manual run at a time: a double-clicked "Run now"
-- finds the run already going instead of starting a second one.
-- Keep in step with ../sqlite/00024_job_progress.sql.

-- +goose Up
ALTER TABLE job_runs ADD COLUMN progress_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE job_runs ADD COLUMN progress_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE job_runs ADD COLUMN progress_total BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX job_runs_one_manual ON job_runs (job) WHERE outcome = 'running' AND cause = 'manual';

-- +goose Down
DROP INDEX job_runs_one_manual;
ALTER TABLE job_runs DROP COLUMN progress_total;
ALTER TABLE job_runs DROP COLUMN progress_done;
ALTER TABLE job_runs DROP COLUMN progress_stage;
