-- +goose Up
-- A visitor's rating of a reception session (plan 55 III.1 measures the
-- satisfaction of the citizens received): one per session, given through
-- the session's signed link, 1 to 5 stars with an optional comment. The
-- primary key makes the link work once.
CREATE TABLE reception_ratings (
    session_id  INTEGER PRIMARY KEY REFERENCES reception_sessions (id) ON DELETE CASCADE,
    stars       INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment     TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);

-- +goose Down
DROP TABLE reception_ratings;
