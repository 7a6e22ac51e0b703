-- +goose Up
-- Secrets the server generates once and keeps: the key of the signed
-- links printed on paper (a visit's rating link, a booking's cancel link,
-- an e-mail's notice link) must survive a restart and be the same on
-- every replica when no key is configured. The first start to insert a
-- name wins; the others read its value.
CREATE TABLE stored_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE stored_secrets;
