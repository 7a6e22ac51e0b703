-- +goose Up
-- Chases (đôn đốc): the office or leadership chased a unit on a case. The
-- report counts them per unit chased (report figure "chased"); the case's
-- internal trail has the "chased" event written with each. request_key
-- makes a repeated request (a double-clicked submit, an API retry) write
-- nothing the second time: the request's key, the case and the unit.
CREATE TABLE case_chases (
    id          BIGSERIAL PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    note        TEXT NOT NULL DEFAULT '',
    actor_id    BIGINT,
    actor_label TEXT NOT NULL DEFAULT '',
    request_key TEXT UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_chases_created ON case_chases (created_at) INCLUDE (case_id, unit_id);
CREATE INDEX case_chases_case ON case_chases (case_id, id);

-- +goose Down
DROP TABLE case_chases;
