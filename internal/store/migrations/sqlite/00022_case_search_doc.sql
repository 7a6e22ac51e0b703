-- +goose Up
-- PostgreSQL's trigram index over a case's whole search row (see the
-- PostgreSQL migration of the same number). SQLite's LIKE reads the table
-- either way, so there is nothing to change here; the version is kept so
-- that both dialects number their migrations alike.
SELECT 1;

-- +goose Down
SELECT 1;
