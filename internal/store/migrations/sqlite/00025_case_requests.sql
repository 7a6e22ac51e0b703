-- +goose Up
-- The request keys of workflow actions (the page form's one-time key, the
-- API's Idempotency-Key), with the action and the case: an action whose key
-- is here already is a repeated request (a double-clicked submit, an API
-- retry) and writes nothing. One table for every action that takes a key
-- (chase, schedule_dialogue, answer); case_chases.request_key, where the
-- chase kept its key, is no longer written.
CREATE TABLE case_requests (
    request_key TEXT PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    action      TEXT NOT NULL,
    created_at  DATETIME NOT NULL
);
CREATE INDEX case_requests_case ON case_requests (case_id);

-- +goose Down
DROP TABLE case_requests;
