-- +goose Up
-- PostgreSQL's search rows get the starts of their words, written by the
-- store (see the PostgreSQL migration of the same number). SQLite has no
-- index of them and reads the rows with LIKE, which the column would only
-- make longer, so its rows have none (store.searchCols); the version is
-- kept so that both dialects number their migrations alike.
SELECT 1;

-- +goose Down
SELECT 1;
