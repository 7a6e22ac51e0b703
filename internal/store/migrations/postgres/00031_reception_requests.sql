-- +goose Up
-- The one-time keys of the reception session form: a repeated submit (a
-- double click, a reload) finds its key here and records nothing again;
-- the case the first submit opened is kept with the key, so a retry after
-- a failure between the case and the session reuses that case.
CREATE TABLE reception_requests (
    request_key TEXT PRIMARY KEY,
    case_id     BIGINT REFERENCES cases (id) ON DELETE SET NULL,
    session_id  BIGINT REFERENCES reception_sessions (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE reception_requests;
