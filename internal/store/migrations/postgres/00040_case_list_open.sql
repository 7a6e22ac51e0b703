-- +goose Up
-- SQLite's index over the open cases in a staff list's order (see the
-- SQLite migration of the same number). PostgreSQL has had it since
-- migration 00039, so there is nothing to change here; the version is kept
-- so that both dialects number their migrations alike.
SELECT 1;

-- +goose Down
SELECT 1;
