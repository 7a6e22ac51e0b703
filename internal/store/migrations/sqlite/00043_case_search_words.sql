-- +goose Up
-- See the PostgreSQL migration of the same number: revision is the version
-- of the store's recipe a search row was written by; rows of an older one
-- are rewritten by the search-index job. SQLite scans the rows with
-- LIKE and has no index to change.
ALTER TABLE case_search ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE case_search DROP COLUMN revision;
