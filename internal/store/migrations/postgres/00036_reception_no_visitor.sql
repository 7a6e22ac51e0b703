-- +goose Up
-- A leadership reception day on which the leader sat and nobody came: the
-- office records it so, and it counts as held (plan 55 III.1, the days
-- held against those scheduled) without a visit or a citizen received,
-- and stops the reception-missed alert. One row per schedule and day: a
-- second record of the same day is a no-op.
CREATE TABLE reception_no_visitor_days (
    schedule_id  BIGINT NOT NULL REFERENCES reception_schedules (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (schedule_id, day)
);
CREATE INDEX reception_no_visitor_days_day ON reception_no_visitor_days (day);

-- +goose Down
DROP TABLE reception_no_visitor_days;
