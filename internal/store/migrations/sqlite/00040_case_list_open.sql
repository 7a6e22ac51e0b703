-- +goose Up
-- The open cases' index of a staff list's order, as PostgreSQL has it
-- (migration 00039): the list (the inbox's default, GET /cases) writes the
-- closed statuses as literals, in access.ClosedStatuses's order, so SQLite
-- matches them to this index's condition and reads the open cases' first
-- page off it, where it walked cases_list past every closed case.
CREATE INDEX cases_list_open ON cases (CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, received_at, id)
    WHERE status NOT IN ('answered', 'closed', 'withdrawn', 'terminated', 'forwarded', 'guided', 'rejected',
                         'not_eligible', 'filed', 'reopened', 'split');

-- +goose Down
DROP INDEX cases_list_open;
