-- Scheduled work and alerts (issue 7): the per-tick claims of the job
-- runner, the alert ledger, the delivery outbox, the nightly KPI snapshots,
-- and the escalation mark on case clocks.
-- Keep in step with ../sqlite/00007_jobs_alerts.sql.

-- +goose Up

-- One row per run of a job. UNIQUE (job, tick) is the cluster-wide claim:
-- every replica that fires the same scheduled tick inserts the same key and
-- only the one whose insert succeeds runs it. Manual runs get a tick of
-- their own ("manual:…"), so they never take a scheduled tick's place.
CREATE TABLE job_runs (
    id           BIGSERIAL PRIMARY KEY,
    job          TEXT NOT NULL,
    tick         TEXT NOT NULL,
    cause        TEXT NOT NULL CHECK (cause IN ('schedule', 'start', 'manual')),
    as_of        TIMESTAMPTZ NOT NULL,
    replica      TEXT NOT NULL,
    started_by   TEXT NOT NULL DEFAULT '',
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    duration_ms  BIGINT,
    outcome      TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'failed', 'skipped')),
    counts       TEXT NOT NULL DEFAULT '{}',
    note         TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    UNIQUE (job, tick)
);
CREATE INDEX job_runs_job ON job_runs (job, id);
CREATE INDEX job_runs_failed ON job_runs (job, id) WHERE outcome = 'failed';

-- The alert ledger: what was decided to be told to whom. subject is what
-- the alert is about ('case:42', 'digest:2026-11-27', 'calendar:2027');
-- recipient is 'account:7' or 'webhook:<url>'. The unique key is the
-- issue's (case, recipient, kind, due time): an alert exists once, however
-- many replicas or reruns raise it, and a due time moved by an extension
-- makes a new key, which re-arms the ladder. It is written in the same
-- transaction as its outbox rows.
CREATE TABLE alerts (
    id          BIGSERIAL PRIMARY KEY,
    subject     TEXT NOT NULL,
    case_id     BIGINT REFERENCES cases (id) ON DELETE CASCADE,
    clock_id    BIGINT REFERENCES case_clocks (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    account_id  BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    due_at      TIMESTAMPTZ NOT NULL,
    in_app      BOOLEAN NOT NULL DEFAULT TRUE,
    payload     TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ,
    UNIQUE (subject, recipient, kind, due_at)
);
CREATE INDEX alerts_inbox ON alerts (account_id, id) WHERE in_app;
CREATE INDEX alerts_unread ON alerts (account_id) WHERE in_app AND read_at IS NULL;
CREATE INDEX alerts_case ON alerts (case_id);
CREATE INDEX alerts_clock ON alerts (clock_id);

-- Deliveries to send: e-mails and webhooks of alerts, and intake's receipt
-- e-mails (mail_queue_id), whose address is read from case_identities when
-- sending and never copied here (target ''). A row is due when pending and
-- next_attempt_at <= now; taking it pushes next_attempt_at forward by a
-- lease, so a crashed sender's rows come back by themselves.
CREATE TABLE outbox (
    id               BIGSERIAL PRIMARY KEY,
    alert_id         BIGINT REFERENCES alerts (id) ON DELETE CASCADE,
    mail_queue_id    BIGINT UNIQUE REFERENCES case_mail_queue (id) ON DELETE CASCADE,
    channel          TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    target           TEXT NOT NULL DEFAULT '',
    lang             TEXT NOT NULL DEFAULT 'vi',
    state            TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    sent_at          TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (id) WHERE state = 'dead';
CREATE INDEX outbox_alert ON outbox (alert_id);
CREATE INDEX case_mail_queue_unsent ON case_mail_queue (id) WHERE sent_at IS NULL;

-- The nightly figures for trend charts, one row per business day (Hà Nội).
CREATE TABLE kpi_snapshots (
    day            TEXT PRIMARY KEY,
    taken_at       TIMESTAMPTZ NOT NULL,
    open_clocks    BIGINT NOT NULL,
    late_open      BIGINT NOT NULL,
    due_soon       BIGINT NOT NULL,
    met            BIGINT NOT NULL,
    met_on_time    BIGINT NOT NULL,
    received       BIGINT NOT NULL,
    newly_late     BIGINT NOT NULL,
    alerts         BIGINT NOT NULL,
    dead_messages  BIGINT NOT NULL
);

-- Step 3 of the escalation ladder ("late for N working days → leadership")
-- is set once, like late_flagged_at, so that its query too costs what is
-- newly escalated, not the whole backlog of late clocks.
ALTER TABLE case_clocks ADD COLUMN escalated_at TIMESTAMPTZ;
CREATE INDEX case_clocks_to_escalate ON case_clocks (due_at, id)
    WHERE state = 'open' AND late_flagged_at IS NOT NULL AND escalated_at IS NULL;

-- +goose Down
DROP INDEX case_clocks_to_escalate;
ALTER TABLE case_clocks DROP COLUMN escalated_at;
DROP TABLE kpi_snapshots;
DROP INDEX case_mail_queue_unsent;
DROP TABLE outbox;
DROP TABLE alerts;
DROP TABLE job_runs;
