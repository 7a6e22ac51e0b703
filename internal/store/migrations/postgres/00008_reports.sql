-- KPIs against the 100% target (issue 8): the indexes that keep a month's
-- report an index range per figure instead of a scan of every case, the
-- office's "publishable" mark on answers (the transparency page), the
-- nightly figures, and the background exports with their progress.
-- Keep in step with ../sqlite/00008_reports.sql.

-- +goose Up

-- One index per figure's time column (see store/report.go); INCLUDE makes
-- the by-unit report's scans index-only where it can.
CREATE INDEX cases_received ON cases (received_at) INCLUDE (lead_unit_id);
CREATE INDEX cases_accepted ON cases (accepted_at) INCLUDE (lead_unit_id) WHERE accepted_at IS NOT NULL;
-- The slice keys of a case, narrow enough to stay in memory: ratings,
-- disputes and events find their case's unit (or task, kind, channel,
-- topic) by an index-only lookup instead of a visit to the wide row.
CREATE INDEX cases_keys ON cases (id) INCLUDE (lead_unit_id, plan_task_id, kind, channel, topic_id);
-- The on-time figures leave out cases classified not eligible or outside
-- our competence: an anti-join on this (small) partial index.
CREATE INDEX cases_excluded ON cases (id) WHERE eligible = FALSE OR within_competence = FALSE;
-- Clocks met or cancelled in a window; and those closed after their due
-- time, which were open and late at any instant between the two.
CREATE INDEX case_clocks_closed ON case_clocks (kind, closed_at) INCLUDE (state, unit_id, on_time, extensions, case_id, started_at, due_at)
    WHERE closed_at IS NOT NULL;
CREATE INDEX case_clocks_closed_late ON case_clocks (kind, closed_at) WHERE closed_at >= due_at;
-- Clocks open now, by kind and due time: late now, due soon.
CREATE INDEX case_clocks_open_due ON case_clocks (kind, due_at) INCLUDE (unit_id, case_id, started_at) WHERE state = 'open';
-- Clocks running now (open or suspended): the backlog and carried over.
CREATE INDEX case_clocks_running ON case_clocks (kind, started_at) INCLUDE (case_id, unit_id, due_at) WHERE state IN ('open', 'suspended');
-- Outcomes and extensions are read from the case events of the window.
CREATE INDEX case_events_kind_at ON case_events (kind, created_at) INCLUDE (case_id);
CREATE INDEX ratings_created ON ratings (created_at) INCLUDE (case_id, stars);
CREATE INDEX disputes_created ON disputes (created_at) INCLUDE (case_id);

-- The office marks a published answer publishable on the transparency
-- page (never a denunciation's: the store refuses it). The page shows the
-- question and the answer with the petitioner's data removed.
ALTER TABLE answers ADD COLUMN publishable BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE answers ADD COLUMN publishable_at TIMESTAMPTZ;
ALTER TABLE answers ADD COLUMN publishable_by TEXT NOT NULL DEFAULT '';
CREATE INDEX answers_publishable ON answers (published_at) WHERE publishable;

-- The answers and coordinating units' parts published on each closed day,
-- rolled up by the nightly job (kpi-snapshot) and never changed after: a
-- met clock's on_time, closing time and unit are frozen, and the workflow
-- allows no reclassification of an answered case. One set of rows per
-- slicing (slice: unit, plan_task, kind, channel, topic; slice_key as the
-- report's keys, '' for none), per start day of the answer clock (rd, and
-- ad the day itself, as local day numbers since 1970-01-01: the
-- response-time histogram). A report without conditions reads the rolled
-- days from here and only the days after the watermark from case_clocks:
-- a month's answers cost a few thousand rows, not tens of thousands.
CREATE TABLE report_facts (
    day               TEXT NOT NULL,
    slice             TEXT NOT NULL CHECK (slice IN ('unit', 'plan_task', 'kind', 'channel', 'topic')),
    slice_key         TEXT NOT NULL,
    rd                BIGINT,
    ad                BIGINT,
    met               BIGINT NOT NULL DEFAULT 0,
    on_time           BIGINT NOT NULL DEFAULT 0,
    late              BIGINT NOT NULL DEFAULT 0,
    extended          BIGINT NOT NULL DEFAULT 0,
    extended_on_time  BIGINT NOT NULL DEFAULT 0,
    contrib_on_time   BIGINT NOT NULL DEFAULT 0,
    contrib_late      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX report_facts_day ON report_facts (slice, day);

-- The watermark: every day up to and including through is in
-- report_facts. One row.
CREATE TABLE report_rollup (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    through   TEXT NOT NULL,
    taken_at  TIMESTAMPTZ NOT NULL
);

-- The nightly KPI snapshot (job kpi-snapshot): the month-to-date figures
-- and the present state as they stood that night, per unit and for the
-- whole department (slice 'total', slice_key ''). Live reports recount
-- from the frozen facts; the snapshot keeps what was shown, day by day.
CREATE TABLE report_snapshots (
    day                TEXT NOT NULL,
    slice              TEXT NOT NULL CHECK (slice IN ('total', 'unit')),
    slice_key          TEXT NOT NULL,
    period             TEXT NOT NULL,
    taken_at           TIMESTAMPTZ NOT NULL,
    received           BIGINT NOT NULL DEFAULT 0,
    carried_over       BIGINT NOT NULL DEFAULT 0,
    eligible           BIGINT NOT NULL DEFAULT 0,
    answered_on_time   BIGINT NOT NULL DEFAULT 0,
    answered_late      BIGINT NOT NULL DEFAULT 0,
    open_late          BIGINT NOT NULL DEFAULT 0,
    extensions         BIGINT NOT NULL DEFAULT 0,
    not_eligible       BIGINT NOT NULL DEFAULT 0,
    forwarded          BIGINT NOT NULL DEFAULT 0,
    guided             BIGINT NOT NULL DEFAULT 0,
    withdrawn          BIGINT NOT NULL DEFAULT 0,
    rated              BIGINT NOT NULL DEFAULT 0,
    satisfied          BIGINT NOT NULL DEFAULT 0,
    reopened           BIGINT NOT NULL DEFAULT 0,
    contrib_on_time    BIGINT NOT NULL DEFAULT 0,
    contrib_late       BIGINT NOT NULL DEFAULT 0,
    contrib_open_late  BIGINT NOT NULL DEFAULT 0,
    late_now           BIGINT NOT NULL DEFAULT 0,
    due_soon           BIGINT NOT NULL DEFAULT 0,
    open_now           BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, slice, slice_key)
);

-- Exports too long for one request run in the background: the page polls
-- the row's progress; the file is kept in chunks so any replica can serve
-- it. Rows older than a week are purged.
CREATE TABLE report_exports (
    id           BIGSERIAL PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    format       TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    params       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    rows_total   BIGINT NOT NULL DEFAULT 0,
    rows_done    BIGINT NOT NULL DEFAULT 0,
    file_name    TEXT NOT NULL DEFAULT '',
    size         BIGINT NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ
);
CREATE INDEX report_exports_account ON report_exports (account_id, id);
CREATE INDEX report_exports_created ON report_exports (created_at);

CREATE TABLE report_export_chunks (
    export_id  BIGINT NOT NULL REFERENCES report_exports (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    data       BYTEA NOT NULL,
    PRIMARY KEY (export_id, seq)
);

-- +goose Down
DROP TABLE report_export_chunks;
DROP TABLE report_exports;
DROP TABLE report_snapshots;
DROP TABLE report_rollup;
DROP TABLE report_facts;
DROP INDEX answers_publishable;
ALTER TABLE answers DROP COLUMN publishable_by;
ALTER TABLE answers DROP COLUMN publishable_at;
ALTER TABLE answers DROP COLUMN publishable;
DROP INDEX disputes_created;
DROP INDEX ratings_created;
DROP INDEX case_events_kind_at;
DROP INDEX case_clocks_running;
DROP INDEX case_clocks_open_due;
DROP INDEX case_clocks_closed_late;
DROP INDEX case_clocks_closed;
DROP INDEX cases_excluded;
DROP INDEX cases_keys;
DROP INDEX cases_accepted;
DROP INDEX cases_received;
