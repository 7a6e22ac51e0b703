-- +goose Up
-- A clock may time a duty: a statutory act owed besides the answer
-- (notifying the parties of an accepted denunciation, sending a suspension
-- decision, publishing a denunciation's conclusion). SQLite cannot alter a
-- CHECK constraint and case_clocks is referenced by other tables (a
-- rebuild would cascade their rows away), so the stored definition is
-- widened in place, as the SQLite manual describes for loosening a
-- constraint: every existing row satisfies the wider one.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'kind IN (''process'', ''accept'', ''answer'', ''forward'', ''contribution'')',
    'kind IN (''process'', ''accept'', ''answer'', ''forward'', ''contribution'', ''duty'')')
    WHERE type = 'table' AND name = 'case_clocks';
PRAGMA writable_schema = OFF;

-- +goose Down
DELETE FROM case_clocks WHERE kind = 'duty';
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'kind IN (''process'', ''accept'', ''answer'', ''forward'', ''contribution'', ''duty'')',
    'kind IN (''process'', ''accept'', ''answer'', ''forward'', ''contribution'')')
    WHERE type = 'table' AND name = 'case_clocks';
PRAGMA writable_schema = OFF;
