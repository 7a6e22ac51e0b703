-- +goose Up
-- Citizen reception (Luật Tiếp công dân, NĐ 154/2026): the regular
-- reception days of the leadership and the office's daily desk, and the
-- published changes of single days (cancelled, or moved, with a reason).
CREATE TABLE reception_schedules (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('leadership', 'desk')),
    host          TEXT NOT NULL,
    repeat        TEXT NOT NULL CHECK (repeat IN ('monthly', 'weekly', 'working_days')),
    day_of_month  INTEGER NOT NULL DEFAULT 0,
    weekday       INTEGER NOT NULL DEFAULT 0,
    start_min     INTEGER NOT NULL,
    end_min       INTEGER NOT NULL,
    place         TEXT NOT NULL,
    online_url    TEXT NOT NULL DEFAULT '',
    capacity      INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    valid_from    TEXT NOT NULL,
    valid_until   TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- One change per regular day of a schedule; a later change replaces it.
CREATE TABLE reception_changes (
    id            BIGSERIAL PRIMARY KEY,
    schedule_id   BIGINT NOT NULL REFERENCES reception_schedules (id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    cancelled     BOOLEAN NOT NULL,
    moved_to      TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX reception_changes_day ON reception_changes (schedule_id, day);

-- +goose Down
DROP TABLE reception_changes;
DROP TABLE reception_schedules;
