-- +goose Up
-- Versioned built-in defaults for rules as for calendar years: one table
-- records, for each built-in item a stored row was built from or reviewed
-- against, that built-in's fingerprint. subject is 'calendar' (item: the
-- year) or 'rule' (item: rule_id@effective_from). A release whose built-in
-- has another fingerprint offers the correction; it is applied only when
-- someone accepts it. '' means unknown: reviewed once.
CREATE TABLE builtin_defaults (
    subject      TEXT NOT NULL,
    item         TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    reviewed_by  TEXT NOT NULL DEFAULT '',
    reviewed_at  DATETIME NOT NULL,
    PRIMARY KEY (subject, item)
);
INSERT INTO builtin_defaults (subject, item, fingerprint, reviewed_by, reviewed_at)
    SELECT 'calendar', CAST(year AS TEXT), fingerprint, reviewed_by, reviewed_at FROM calendar_builtin;
DROP TABLE calendar_builtin;

-- Where a stored rule version came from: 'builtin' (a release's default)
-- or 'admin' (added on the rules page or the API). A built-in correction
-- is never offered over an admin's version.
ALTER TABLE deadline_rules ADD COLUMN origin TEXT NOT NULL DEFAULT 'builtin';
UPDATE deadline_rules SET origin = 'admin' WHERE EXISTS (
    SELECT 1 FROM audit_log a WHERE a.action = 'deadline.rule.add' AND a.entity = 'deadline_rule'
    AND a.entity_id = deadline_rules.rule_id || '@' || deadline_rules.effective_from);

-- +goose Down
CREATE TABLE calendar_builtin (
    year         INTEGER PRIMARY KEY,
    fingerprint  TEXT NOT NULL,
    reviewed_by  TEXT NOT NULL DEFAULT '',
    reviewed_at  DATETIME NOT NULL
);
INSERT INTO calendar_builtin (year, fingerprint, reviewed_by, reviewed_at)
    SELECT CAST(item AS INTEGER), fingerprint, reviewed_by, reviewed_at FROM builtin_defaults WHERE subject = 'calendar';
DROP TABLE builtin_defaults;
ALTER TABLE deadline_rules DROP COLUMN origin;
