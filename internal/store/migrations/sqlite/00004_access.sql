-- +goose Up
-- Staff access (issue 5): accounts, roles, identity grants, sessions, API
-- tokens, the audit trail and the identity access log. Same shape as the
-- Postgres file; see there for the reasons.

CREATE TABLE accounts (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    email                 TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    phone                 TEXT NOT NULL DEFAULT '',
    unit_id               INTEGER REFERENCES units (id),
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash         TEXT NOT NULL,
    must_change_password  BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins         INTEGER NOT NULL DEFAULT 0,
    locked_until          DATETIME,
    last_login_at         DATETIME,
    created_at            DATETIME NOT NULL,
    updated_at            DATETIME NOT NULL
);

CREATE TABLE account_roles (
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('unit_officer', 'unit_head', 'office', 'leadership', 'admin', 'auditor')),
    PRIMARY KEY (account_id, role)
);

CREATE TABLE identity_grants (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    granted_by  INTEGER NOT NULL REFERENCES accounts (id),
    granted_at  DATETIME NOT NULL,
    revoked_by  INTEGER REFERENCES accounts (id),
    revoked_at  DATETIME
);
CREATE UNIQUE INDEX identity_grants_live ON identity_grants (account_id) WHERE revoked_at IS NULL;

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    account_id    INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    created_at    DATETIME NOT NULL,
    last_seen_at  DATETIME NOT NULL,
    expires_at    DATETIME NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    roles         TEXT NOT NULL,
    created_at    DATETIME NOT NULL,
    created_by    TEXT NOT NULL,
    last_used_at  DATETIME,
    revoked_at    DATETIME
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           DATETIME NOT NULL,
    actor_id     INTEGER,
    actor_label  TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL DEFAULT '',
    before_json  TEXT,
    after_json   TEXT,
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TABLE identity_access_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           DATETIME NOT NULL,
    account_id   INTEGER NOT NULL,
    actor_label  TEXT NOT NULL,
    case_id      INTEGER NOT NULL,
    reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX identity_access_log_at ON identity_access_log (at);
CREATE INDEX identity_access_log_case ON identity_access_log (case_id);

-- Coordinating units of a case (cơ quan phối hợp). The lead unit is
-- cases.lead_unit_id (migration 00003); unit staff see a case when their unit
-- is either. The role column leaves room for more unit roles on a case.
CREATE TABLE case_units (
    case_id  INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units (id),
    role     TEXT NOT NULL DEFAULT 'coordinate' CHECK (role IN ('coordinate')),
    PRIMARY KEY (case_id, unit_id, role)
);
CREATE INDEX case_units_unit ON case_units (unit_id, case_id);
CREATE INDEX cases_lead_unit_due ON cases (lead_unit_id, due_at);

-- Append-only, enforced by the database.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER identity_access_log_no_update BEFORE UPDATE ON identity_access_log
BEGIN
    SELECT RAISE(ABORT, 'identity_access_log is append-only: UPDATE refused');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER identity_access_log_no_delete BEFORE DELETE ON identity_access_log
BEGIN
    SELECT RAISE(ABORT, 'identity_access_log is append-only: DELETE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP INDEX cases_lead_unit_due;
DROP TABLE case_units;
DROP TABLE identity_access_log;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE identity_grants;
DROP TABLE account_roles;
DROP TABLE accounts;
