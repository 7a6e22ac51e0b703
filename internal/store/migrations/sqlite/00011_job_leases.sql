-- Job runs hold a lease (issue 15): the process running a job renews
-- lease_until while it works; a run still "running" after its lease has
-- expired belongs to a process that died, and is marked "lost".
-- Keep in step with ../postgres/00011_job_leases.sql. SQLite cannot change
-- a CHECK constraint, so the table is rebuilt (nothing references it).

-- +goose Up
CREATE TABLE job_runs_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    job          TEXT NOT NULL,
    tick         TEXT NOT NULL,
    cause        TEXT NOT NULL CHECK (cause IN ('schedule', 'start', 'manual')),
    as_of        DATETIME NOT NULL,
    replica      TEXT NOT NULL,
    started_by   TEXT NOT NULL DEFAULT '',
    started_at   DATETIME NOT NULL,
    finished_at  DATETIME,
    duration_ms  INTEGER,
    outcome      TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'failed', 'skipped', 'lost')),
    counts       TEXT NOT NULL DEFAULT '{}',
    note         TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    lease_until  DATETIME,
    UNIQUE (job, tick)
);
INSERT INTO job_runs_new (id, job, tick, cause, as_of, replica, started_by, started_at, finished_at, duration_ms, outcome, counts, note, error)
    SELECT id, job, tick, cause, as_of, replica, started_by, started_at, finished_at, duration_ms, outcome, counts, note, error FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_new RENAME TO job_runs;
CREATE INDEX job_runs_job ON job_runs (job, id);
CREATE INDEX job_runs_failed ON job_runs (job, id) WHERE outcome = 'failed';
CREATE INDEX job_runs_running ON job_runs (lease_until) WHERE outcome = 'running';

-- +goose Down
CREATE TABLE job_runs_old (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    job          TEXT NOT NULL,
    tick         TEXT NOT NULL,
    cause        TEXT NOT NULL CHECK (cause IN ('schedule', 'start', 'manual')),
    as_of        DATETIME NOT NULL,
    replica      TEXT NOT NULL,
    started_by   TEXT NOT NULL DEFAULT '',
    started_at   DATETIME NOT NULL,
    finished_at  DATETIME,
    duration_ms  INTEGER,
    outcome      TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'failed', 'skipped')),
    counts       TEXT NOT NULL DEFAULT '{}',
    note         TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    UNIQUE (job, tick)
);
INSERT INTO job_runs_old (id, job, tick, cause, as_of, replica, started_by, started_at, finished_at, duration_ms, outcome, counts, note, error)
    SELECT id, job, tick, cause, as_of, replica, started_by, started_at, finished_at, duration_ms,
        CASE outcome WHEN 'lost' THEN 'failed' ELSE outcome END, counts, note, error FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_old RENAME TO job_runs;
CREATE INDEX job_runs_job ON job_runs (job, id);
CREATE INDEX job_runs_failed ON job_runs (job, id) WHERE outcome = 'failed';
