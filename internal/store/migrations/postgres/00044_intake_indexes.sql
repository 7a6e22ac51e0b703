-- +goose Up
-- Index entries a petition's intake writes and no query reads (issue 14:
-- what PostgreSQL writes per petition bounds the intake). Every query
-- keeps its plan.
--
-- A tracking code had two indexes: the UNIQUE constraint's cases_code_key
-- (text's default operator class) and cases_code_prefix (text_pattern_ops,
-- migration 00018), which a search by a code's start reads in byte order
-- (~>=~, ~<~, ORDER BY … USING ~>~). One unique index with text_pattern_ops
-- does both: its operator family's equality is text's own =, so a lookup
-- by code (tracking, a case by its code, an insert's uniqueness check, ON
-- CONFLICT (code)) reads it as it read cases_code_key, and a search by code
-- walks it as before, under the same name. PostgreSQL takes no UNIQUE
-- constraint over a non-default operator class, so the uniqueness is the
-- index's.
CREATE UNIQUE INDEX cases_code_unique ON cases (code text_pattern_ops);
ALTER TABLE cases DROP CONSTRAINT cases_code_key;
DROP INDEX cases_code_prefix;
ALTER INDEX cases_code_unique RENAME TO cases_code_prefix;

-- A new case has no lead unit, its clock no unit and a citizen's audit row
-- no actor: these indexes are read only for a given unit or actor
-- ("lead_unit_id = ?", "IN (…)", "unit_id = ?", "actor_id = ?", and the
-- foreign keys' checks, all of which imply IS NOT NULL), so the rows
-- without one need no entry.
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
ALTER TABLE cases ADD CONSTRAINT cases_code_key UNIQUE (code);
DROP INDEX cases_code_prefix;
CREATE INDEX cases_code_prefix ON cases (code text_pattern_ops);
