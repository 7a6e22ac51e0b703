-- +goose Up
-- A staff list of cases (the inbox, GET /cases) is read soonest due first,
-- cases without a due time last, then by receipt and id: in SQLite
-- "ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at,
-- received_at, id" (ascending puts NULLs first). This index holds that
-- order, so a page is read off it and stops at its limit instead of
-- sorting every case. PostgreSQL has a second, partial index over the open
-- cases; SQLite would not use it, as it cannot match the list's bound
-- statuses to an index's condition.
CREATE INDEX cases_list ON cases (CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, received_at, id);

-- +goose Down
DROP INDEX cases_list;
