-- +goose Up
-- Issue 12: one KPI system. The nightly kpi_snapshots (00007) counted its
-- own figures with its own definitions, and only a test read them; the
-- report's snapshots (report_snapshots, 00008) are the one record.
DROP TABLE kpi_snapshots;

-- +goose Down
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
