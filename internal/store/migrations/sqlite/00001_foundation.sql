-- +goose Up
CREATE TABLE units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('office', 'division', 'service_centre', 'group')),
    parent_id   INTEGER REFERENCES units (id),
    is_group    BOOLEAN NOT NULL DEFAULT FALSE,
    example     BOOLEAN NOT NULL DEFAULT FALSE,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL
);

CREATE TABLE unit_group_members (
    group_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, unit_id)
);

CREATE TABLE plans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    number        TEXT NOT NULL UNIQUE,
    issued_on     TEXT NOT NULL,
    issuing_body  TEXT NOT NULL,
    title         TEXT NOT NULL,
    appendix      TEXT NOT NULL DEFAULT '',
    year          INTEGER NOT NULL,
    source        TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE TABLE plan_dimensions (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    numeral  TEXT NOT NULL,
    ordinal  INTEGER NOT NULL,
    title    TEXT NOT NULL,
    UNIQUE (plan_id, numeral)
);

CREATE TABLE plan_tasks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id          INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    dimension_id     INTEGER NOT NULL REFERENCES plan_dimensions (id) ON DELETE CASCADE,
    key              TEXT NOT NULL,
    number           TEXT NOT NULL DEFAULT '',
    position         INTEGER NOT NULL,
    text             TEXT NOT NULL,
    timeframe        TEXT NOT NULL,
    timeframe_text   TEXT NOT NULL DEFAULT '',
    expected_result  TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, key)
);

CREATE TABLE plan_task_units (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id   INTEGER NOT NULL REFERENCES plan_tasks (id) ON DELETE CASCADE,
    unit_id   INTEGER NOT NULL REFERENCES units (id),
    role      TEXT NOT NULL CHECK (role IN ('lead', 'coordinate', 'compile', 'monitor', 'chase')),
    written   TEXT NOT NULL DEFAULT '',
    unknown   BOOLEAN NOT NULL DEFAULT FALSE,
    position  INTEGER NOT NULL,
    UNIQUE (task_id, unit_id, role)
);
CREATE INDEX plan_task_units_unit ON plan_task_units (unit_id);

CREATE TABLE plan_task_targets (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id   INTEGER NOT NULL REFERENCES plan_tasks (id) ON DELETE CASCADE,
    metric    TEXT NOT NULL,
    value     REAL NOT NULL,
    unit      TEXT NOT NULL,
    text      TEXT NOT NULL DEFAULT '',
    position  INTEGER NOT NULL,
    UNIQUE (task_id, metric)
);

-- +goose Down
DROP TABLE plan_task_targets;
DROP TABLE plan_task_units;
DROP TABLE plan_tasks;
DROP TABLE plan_dimensions;
DROP TABLE plans;
DROP TABLE unit_group_members;
DROP TABLE units;
