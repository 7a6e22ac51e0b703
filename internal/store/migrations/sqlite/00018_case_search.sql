-- +goose Up
-- Search over cases: see the PostgreSQL migration of the same number. The
-- store writes the folded texts; SQLite scans them with LIKE.
CREATE TABLE case_search (
    case_id    INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    head       TEXT NOT NULL,
    body       TEXT NOT NULL,
    contact    TEXT NOT NULL
);

-- +goose Down
DROP TABLE case_search;
