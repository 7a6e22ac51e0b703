-- +goose Up
-- Issue 12: one KPI system. The nightly kpi_snapshots (00007) counted its
-- own figures with its own definitions, and only a test read them; the
-- report's snapshots (report_snapshots, 00008) are the one record.
DROP TABLE kpi_snapshots;

-- +goose Down
CREATE TABLE kpi_snapshots (
    day            TEXT PRIMARY KEY,
    taken_at       DATETIME NOT NULL,
    open_clocks    INTEGER NOT NULL,
    late_open      INTEGER NOT NULL,
    due_soon       INTEGER NOT NULL,
    met            INTEGER NOT NULL,
    met_on_time    INTEGER NOT NULL,
    received       INTEGER NOT NULL,
    newly_late     INTEGER NOT NULL,
    alerts         INTEGER NOT NULL,
    dead_messages  INTEGER NOT NULL
);
