-- +goose Up
-- As PostgreSQL's migration of this number: a new case has no lead unit,
-- its clock no unit and a citizen's audit row no actor, and these indexes
-- are read only for a given unit or actor ("lead_unit_id = ?", "IN (…)",
-- "unit_id = ?", "actor_id = ?"), terms from which SQLite proves IS NOT
-- NULL, so the rows without one need no entry. A tracking code already
-- has one index here: the UNIQUE constraint's compares codes by their
-- bytes (BINARY), which serves a lookup by code and a search by a code's
-- start alike.
DROP INDEX cases_lead_unit_due;
CREATE INDEX cases_lead_unit_due ON cases (lead_unit_id, due_at) WHERE lead_unit_id IS NOT NULL;
DROP INDEX case_clocks_open_unit;
CREATE INDEX case_clocks_open_unit ON case_clocks (unit_id, due_at) WHERE state = 'open' AND unit_id IS NOT NULL;
DROP INDEX audit_log_actor;
CREATE INDEX audit_log_actor ON audit_log (actor_id, at) WHERE actor_id IS NOT NULL;

-- +goose Down
DROP INDEX audit_log_actor;
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
DROP INDEX case_clocks_open_unit;
CREATE INDEX case_clocks_open_unit ON case_clocks (unit_id, due_at) WHERE state = 'open';
DROP INDEX cases_lead_unit_due;
CREATE INDEX cases_lead_unit_due ON cases (lead_unit_id, due_at);
