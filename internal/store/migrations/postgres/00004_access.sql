-- +goose Up
-- Staff access (issue 5): accounts, roles, identity grants, sessions, API
-- tokens, the audit trail and the identity access log.

CREATE TABLE accounts (
    id                    BIGSERIAL PRIMARY KEY,
    email                 TEXT NOT NULL UNIQUE,  -- lower-cased
    name                  TEXT NOT NULL,
    phone                 TEXT NOT NULL DEFAULT '',
    unit_id               BIGINT REFERENCES units (id),
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash         TEXT NOT NULL,         -- argon2id, PHC string
    must_change_password  BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins         INTEGER NOT NULL DEFAULT 0,
    locked_until          TIMESTAMPTZ,
    last_login_at         TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);

CREATE TABLE account_roles (
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('unit_officer', 'unit_head', 'office', 'leadership', 'admin', 'auditor')),
    PRIMARY KEY (account_id, role)
);

-- identity.read is a per-person grant by the office's head, not a role:
-- each row says who gave it and when, and who took it back.
CREATE TABLE identity_grants (
    id          BIGSERIAL PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id),
    granted_by  BIGINT NOT NULL REFERENCES accounts (id),
    granted_at  TIMESTAMPTZ NOT NULL,
    revoked_by  BIGINT REFERENCES accounts (id),
    revoked_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX identity_grants_live ON identity_grants (account_id) WHERE revoked_at IS NULL;

-- Only the SHA-256 of a session id is stored. account_id NULL is a
-- pre-login session that only carries the login form's CSRF token.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    account_id    BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            BIGSERIAL PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts (id),
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    roles         TEXT NOT NULL,  -- comma-separated, a subset of the account's
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    TEXT NOT NULL,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- The audit trail. actor_id has no foreign key: the trail must outlive
-- anything it mentions.
CREATE TABLE audit_log (
    id           BIGSERIAL PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    actor_id     BIGINT,
    actor_label  TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL DEFAULT '',
    before_json  JSONB,
    after_json   JSONB,
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_action ON audit_log (action, at);

-- Every read of a denouncer's identity: who, when, which case, why.
CREATE TABLE identity_access_log (
    id           BIGSERIAL PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    account_id   BIGINT NOT NULL,
    actor_label  TEXT NOT NULL,
    case_id      BIGINT NOT NULL,
    reason       TEXT NOT NULL CHECK (length(btrim(reason)) > 0),
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX identity_access_log_at ON identity_access_log (at);
CREATE INDEX identity_access_log_case ON identity_access_log (case_id);

-- Coordinating units of a case (cơ quan phối hợp). The lead unit is
-- cases.lead_unit_id (migration 00003); unit staff see a case when their unit
-- is either. The role column leaves room for more unit roles on a case.
CREATE TABLE case_units (
    case_id  BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    unit_id  BIGINT NOT NULL REFERENCES units (id),
    role     TEXT NOT NULL DEFAULT 'coordinate' CHECK (role IN ('coordinate')),
    PRIMARY KEY (case_id, unit_id, role)
);
CREATE INDEX case_units_unit ON case_units (unit_id, case_id);
CREATE INDEX cases_lead_unit_due ON cases (lead_unit_id, due_at);

-- Append-only, enforced by the database. A trigger rather than REVOKE:
-- REVOKE binds only a role that is neither the owner nor a superuser, and
-- phucdap is often run as the owner of its schema (and the tests connect as
-- superuser), where a REVOKE would silently not apply. A trigger refuses
-- UPDATE, DELETE and TRUNCATE for every role. Only a superuser who drops or
-- disables the trigger can get past it, and that is a DDL change the
-- database's own logs show.
-- +goose StatementBegin
CREATE FUNCTION phucdap_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION phucdap_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION phucdap_append_only();
CREATE TRIGGER identity_access_log_append_only BEFORE UPDATE OR DELETE ON identity_access_log
    FOR EACH ROW EXECUTE FUNCTION phucdap_append_only();
CREATE TRIGGER identity_access_log_no_truncate BEFORE TRUNCATE ON identity_access_log
    FOR EACH STATEMENT EXECUTE FUNCTION phucdap_append_only();

-- +goose Down
DROP INDEX cases_lead_unit_due;
DROP TABLE case_units;
DROP TABLE identity_access_log;
DROP TABLE audit_log;
DROP FUNCTION phucdap_append_only();
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE identity_grants;
DROP TABLE account_roles;
DROP TABLE accounts;
