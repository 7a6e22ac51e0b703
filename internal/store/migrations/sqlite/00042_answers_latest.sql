-- +goose Up
-- The latest published answer of a case, which every lookup by tracking
-- code reads (ORDER BY published_at DESC, id DESC LIMIT 1), comes straight
-- off this index: with answers_case alone the case's answers were fetched
-- and sorted at every lookup, and the sort's set-up was a measurable part
-- of the statement's cost on PostgreSQL.
CREATE INDEX answers_case_latest ON answers (case_id, published_at DESC, id DESC) WHERE published_at IS NOT NULL;

-- +goose Down
DROP INDEX answers_case_latest;
