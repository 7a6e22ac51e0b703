-- +goose Up
-- The working-day calendar is data: one row per year an admin maintains,
-- and its entries (days off, weekend days worked). Years without a row fall
-- back to the rules' draft and are flagged as unconfirmed.
CREATE TABLE calendar_years (
    year          INTEGER PRIMARY KEY,
    confirmed     BOOLEAN NOT NULL DEFAULT FALSE,
    confirmed_by  TEXT NOT NULL DEFAULT '',
    confirmed_at  TIMESTAMPTZ,
    note          TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE calendar_entries (
    id           BIGSERIAL PRIMARY KEY,
    year         INTEGER NOT NULL REFERENCES calendar_years (year) ON DELETE CASCADE,
    date         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('day_off', 'working_saturday')),
    name         TEXT NOT NULL DEFAULT '',
    name_en      TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    unconfirmed  BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (date)
);
CREATE INDEX calendar_entries_year ON calendar_entries (year);

-- Statutory rules, effective-dated. The rule itself is stored as JSON (the
-- shape of deadline.Rule) so new variants need no migration; the columns
-- beside it are what queries select on.
CREATE TABLE deadline_rules (
    id              BIGSERIAL PRIMARY KEY,
    rule_id         TEXT NOT NULL,
    effective_from  TEXT NOT NULL,
    body            TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (rule_id, effective_from)
);

-- Admin overrides of a configurable limit, per scope (e.g. a topic or an
-- urgency level; '' is global).
CREATE TABLE deadline_overrides (
    id          BIGSERIAL PRIMARY KEY,
    rule_id     TEXT NOT NULL,
    scope       TEXT NOT NULL DEFAULT '',
    limit_days  INTEGER NOT NULL CHECK (limit_days > 0),
    unit        TEXT NOT NULL DEFAULT '' CHECK (unit IN ('', 'calendar_days', 'working_days')),
    reason      TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (rule_id, scope)
);

-- +goose Down
DROP TABLE deadline_overrides;
DROP TABLE deadline_rules;
DROP TABLE calendar_entries;
DROP TABLE calendar_years;
