-- +goose Up
-- Issue 12: every acknowledged case has its clock from the transaction that
-- acknowledges it. When its due time cannot be computed (no calendar for
-- the year, a rule missing) the clock is stored running, with no due time,
-- and uncomputed says why; the office lists these ("clocks to fix") and the
-- sweep counts them.
ALTER TABLE case_clocks ADD COLUMN uncomputed TEXT NOT NULL DEFAULT '';
CREATE INDEX case_clocks_uncomputed ON case_clocks (id) WHERE state = 'open' AND uncomputed <> '';

-- +goose Down
DROP INDEX case_clocks_uncomputed;
ALTER TABLE case_clocks DROP COLUMN uncomputed;
