-- The office edits its unit directory (issue 18): each unit gets an e-mail
-- address for alerts, the written forms a plan appendix may name it by
-- (its old names after a rename, abbreviations), and, once merged, the
-- unit that took over its open work. A merged or retired unit stays in
-- the table (active = FALSE) so that closed cases keep showing it.
-- Keep in step with ../postgres/00029_unit_directory.sql.

-- +goose Up
ALTER TABLE units ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN merged_into_id INTEGER REFERENCES units (id);
ALTER TABLE units ADD COLUMN retired_at DATETIME;

CREATE TABLE unit_aliases (
    unit_id  INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    alias    TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, alias)
);

-- +goose Down
DROP TABLE unit_aliases;
ALTER TABLE units DROP COLUMN retired_at;
ALTER TABLE units DROP COLUMN merged_into_id;
ALTER TABLE units DROP COLUMN email;
