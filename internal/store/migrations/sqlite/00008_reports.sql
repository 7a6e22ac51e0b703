-- KPIs against the 100% target (issue 8): the indexes that keep a month's
-- report an index range per figure instead of a scan of every case, the
-- office's "publishable" mark on answers (the transparency page), the
-- nightly figures, and the background exports with their progress.
-- Keep in step with ../postgres/00008_reports.sql (SQLite has no INCLUDE:
-- the covering columns are plain key columns here).

-- +goose Up

-- One index per figure's time column (see store/report.go).
CREATE INDEX cases_received ON cases (received_at);
CREATE INDEX cases_accepted ON cases (accepted_at) WHERE accepted_at IS NOT NULL;
-- The on-time figures leave out cases classified not eligible or outside
-- our competence: an anti-join on this (small) partial index.
CREATE INDEX cases_excluded ON cases (id) WHERE eligible = FALSE OR within_competence = FALSE;
-- Clocks met or cancelled in a window; and those closed after their due
-- time, which were open and late at any instant between the two.
CREATE INDEX case_clocks_closed ON case_clocks (kind, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX case_clocks_closed_late ON case_clocks (kind, closed_at) WHERE closed_at >= due_at;
-- Clocks open now, by kind and due time: late now, due soon.
CREATE INDEX case_clocks_open_due ON case_clocks (kind, due_at) WHERE state = 'open';
-- Clocks running now (open or suspended): the backlog and carried over.
CREATE INDEX case_clocks_running ON case_clocks (kind, started_at, case_id) WHERE state IN ('open', 'suspended');
-- Outcomes and extensions are read from the case events of the window.
CREATE INDEX case_events_kind_at ON case_events (kind, created_at);
CREATE INDEX ratings_created ON ratings (created_at);
CREATE INDEX disputes_created ON disputes (created_at);

-- The office marks a published answer publishable on the transparency
-- page (never a denunciation's: the store refuses it). The page shows the
-- question and the answer with the petitioner's data removed.
ALTER TABLE answers ADD COLUMN publishable BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE answers ADD COLUMN publishable_at DATETIME;
ALTER TABLE answers ADD COLUMN publishable_by TEXT NOT NULL DEFAULT '';
CREATE INDEX answers_publishable ON answers (published_at) WHERE publishable = TRUE;

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
    rd                INTEGER,
    ad                INTEGER,
    met               INTEGER NOT NULL DEFAULT 0,
    on_time           INTEGER NOT NULL DEFAULT 0,
    late              INTEGER NOT NULL DEFAULT 0,
    extended          INTEGER NOT NULL DEFAULT 0,
    extended_on_time  INTEGER NOT NULL DEFAULT 0,
    contrib_on_time   INTEGER NOT NULL DEFAULT 0,
    contrib_late      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX report_facts_day ON report_facts (slice, day);

-- The watermark: every day up to and including through is in
-- report_facts. One row.
CREATE TABLE report_rollup (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    through   TEXT NOT NULL,
    taken_at  DATETIME NOT NULL
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
    taken_at           DATETIME NOT NULL,
    received           INTEGER NOT NULL DEFAULT 0,
    carried_over       INTEGER NOT NULL DEFAULT 0,
    eligible           INTEGER NOT NULL DEFAULT 0,
    answered_on_time   INTEGER NOT NULL DEFAULT 0,
    answered_late      INTEGER NOT NULL DEFAULT 0,
    open_late          INTEGER NOT NULL DEFAULT 0,
    extensions         INTEGER NOT NULL DEFAULT 0,
    not_eligible       INTEGER NOT NULL DEFAULT 0,
    forwarded          INTEGER NOT NULL DEFAULT 0,
    guided             INTEGER NOT NULL DEFAULT 0,
    withdrawn          INTEGER NOT NULL DEFAULT 0,
    rated              INTEGER NOT NULL DEFAULT 0,
    satisfied          INTEGER NOT NULL DEFAULT 0,
    reopened           INTEGER NOT NULL DEFAULT 0,
    contrib_on_time    INTEGER NOT NULL DEFAULT 0,
    contrib_late       INTEGER NOT NULL DEFAULT 0,
    contrib_open_late  INTEGER NOT NULL DEFAULT 0,
    late_now           INTEGER NOT NULL DEFAULT 0,
    due_soon           INTEGER NOT NULL DEFAULT 0,
    open_now           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, slice, slice_key)
);

-- Exports too long for one request run in the background: the page polls
-- the row's progress; the file is kept in chunks so any replica can serve
-- it. Rows older than a week are purged.
CREATE TABLE report_exports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    format       TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    params       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    rows_total   INTEGER NOT NULL DEFAULT 0,
    rows_done    INTEGER NOT NULL DEFAULT 0,
    file_name    TEXT NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    finished_at  DATETIME
);
CREATE INDEX report_exports_account ON report_exports (account_id, id);
CREATE INDEX report_exports_created ON report_exports (created_at);

CREATE TABLE report_export_chunks (
    export_id  INTEGER NOT NULL REFERENCES report_exports (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    data       BLOB NOT NULL,
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
DROP INDEX cases_accepted;
DROP INDEX cases_received;
