-- +goose Up
-- Every statutory clock of a case, one row each: processing the letter,
-- accepting it, answering or resolving it, forwarding it, and each
-- coordinating unit's contribution. The overdue sweep, the reminders and
-- the KPIs all read this table; the workflow writes it.
--
-- state: open (running), suspended (no due time until resumed), met (the
-- awaited act happened), cancelled (made moot: withdrawn, terminated,
-- forwarded before acceptance...). on_time is frozen once, when the clock
-- is met: closed_at < due_at. It is never recomputed, so a later calendar
-- edit cannot rewrite history.
CREATE TABLE case_clocks (
    id               BIGSERIAL PRIMARY KEY,
    case_id          BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('process', 'accept', 'answer', 'forward', 'contribution')),
    rule_id          TEXT NOT NULL DEFAULT '',
    unit_id          BIGINT REFERENCES units (id),
    started_at       TIMESTAMPTZ NOT NULL,
    due_at           TIMESTAMPTZ,
    state            TEXT NOT NULL CHECK (state IN ('open', 'suspended', 'met', 'cancelled')),
    clock            TEXT NOT NULL DEFAULT '',
    explanation_vi   TEXT NOT NULL DEFAULT '',
    explanation_en   TEXT NOT NULL DEFAULT '',
    extensions       INTEGER NOT NULL DEFAULT 0,
    closed_at        TIMESTAMPTZ,
    on_time          BOOLEAN,
    late_flagged_at  TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_clocks_case ON case_clocks (case_id);
-- The overdue sweep's index: only open clocks not yet flagged, so its cost
-- grows with the newly late, not with the table.
CREATE INDEX case_clocks_to_flag ON case_clocks (due_at, id) WHERE state = 'open' AND late_flagged_at IS NULL;
-- Open clocks by unit and due time: inboxes, reminders, due-soon counts.
CREATE INDEX case_clocks_open_unit ON case_clocks (unit_id, due_at) WHERE state = 'open';

-- +goose Down
DROP TABLE case_clocks;
