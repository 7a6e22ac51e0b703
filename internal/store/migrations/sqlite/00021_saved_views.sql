-- +goose Up
-- A staff user's named filters of a list (the inbox, a report's
-- drill-down): the list's query string, applied by opening the list with
-- it. Per user; a name (NFC, diacritics kept) is unique within the user's
-- views of one list.
CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    list        TEXT NOT NULL CHECK (list IN ('inbox', 'report_cases')),
    name        TEXT NOT NULL,
    query       TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX saved_views_name ON saved_views (account_id, list, name);

-- +goose Down
DROP TABLE saved_views;
