-- +goose Up
-- Issue 12: a calendar or rule change recomputes the running clocks. The
-- change records a request in its own transaction; the recompute-clocks
-- job walks the open clocks in batches of ids, checkpointing last_clock_id,
-- so it resumes after a restart and never blocks requests.
CREATE TABLE clock_recomputes (
    id             BIGSERIAL PRIMARY KEY,
    reason         TEXT NOT NULL,
    requested_by   TEXT NOT NULL DEFAULT '',
    requested_at   TIMESTAMPTZ NOT NULL,
    last_clock_id  BIGINT NOT NULL DEFAULT 0,
    checked        BIGINT NOT NULL DEFAULT 0,
    moved          BIGINT NOT NULL DEFAULT 0,
    failed         BIGINT NOT NULL DEFAULT 0,
    done_at        TIMESTAMPTZ
);
CREATE INDEX clock_recomputes_pending ON clock_recomputes (id) WHERE done_at IS NULL;

-- +goose Down
DROP INDEX clock_recomputes_pending;
DROP TABLE clock_recomputes;
