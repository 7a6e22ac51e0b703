-- +goose Up
-- Issue 12: versioned built-in defaults. For each stored year, the
-- fingerprint (calendar.YearTable.Fingerprint) of the built-in table it was
-- last built from or reviewed against. A release whose built-in year has
-- another fingerprint offers the correction ("phucdap calendar diff YEAR",
-- the admin calendar page); it is applied only when someone accepts it,
-- never over the office's own edits. '' means unknown: reviewed once.
CREATE TABLE calendar_builtin (
    year         INTEGER PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    reviewed_by  TEXT NOT NULL DEFAULT '',
    reviewed_at  DATETIME NOT NULL
);

-- +goose Down
DROP TABLE calendar_builtin;
