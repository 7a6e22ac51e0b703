-- +goose Up
-- A staff list of cases (the inbox, GET /cases) is read soonest due first,
-- cases without a due time last, then by receipt and id: in PostgreSQL
-- "ORDER BY due_at, received_at, id" (ascending puts NULLs last). These
-- indexes hold that order, so a page is read off an index and stops at its
-- limit instead of sorting every case: one over the open cases (the list's
-- default; its condition is access.ClosedStatuses, as the list writes it)
-- and one over every case.
CREATE INDEX cases_list_open ON cases (due_at, received_at, id)
    WHERE status NOT IN ('answered', 'closed', 'withdrawn', 'terminated', 'forwarded', 'guided', 'rejected',
                         'not_eligible', 'filed', 'reopened', 'split');
CREATE INDEX cases_list ON cases (due_at, received_at, id);

-- +goose Down
DROP INDEX cases_list;
DROP INDEX cases_list_open;
