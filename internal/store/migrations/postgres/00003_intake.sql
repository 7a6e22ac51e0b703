-- Citizen intake (issue 4): topics, cases with their petitioner identity
-- kept apart, attachments, the public timeline, answers, ratings, disputes,
-- and the counters that make intake safe to retry and hard to abuse.
-- Keep in step with ../sqlite/00003_intake.sql.

-- +goose Up
CREATE TABLE topics (
    id            BIGSERIAL PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    name_vi       TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    plan_task_id  BIGINT REFERENCES plan_tasks (id) ON DELETE SET NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- Gap-free tracking numbers: one row per agency and year, bumped in the
-- transaction that inserts the cases, so a rolled-back intake leaves no gap.
CREATE TABLE case_sequences (
    agency  TEXT NOT NULL,
    year    INTEGER NOT NULL,
    issued  BIGINT NOT NULL,
    PRIMARY KEY (agency, year)
);

-- The working case file. It holds no name, phone, e-mail or address: those
-- live in case_identities (Luật Tố cáo Art. 8(3), 9, 47, 56).
CREATE TABLE cases (
    id                  BIGSERIAL PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    agency              TEXT NOT NULL,
    year                INTEGER NOT NULL,
    seq                 BIGINT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('kien_nghi', 'phan_anh', 'khieu_nai', 'to_cao')),
    channel             TEXT NOT NULL,
    topic_id            BIGINT REFERENCES topics (id),
    plan_task_id        BIGINT REFERENCES plan_tasks (id) ON DELETE SET NULL,
    title               TEXT NOT NULL,
    content             TEXT NOT NULL,
    place               TEXT NOT NULL DEFAULT '',
    lang                TEXT NOT NULL DEFAULT 'vi',
    secret_salt         TEXT NOT NULL,
    secret_hash         TEXT NOT NULL,
    dedup_key           TEXT NOT NULL,
    status              TEXT NOT NULL,
    received_at         TIMESTAMPTZ NOT NULL,
    accepted_at         TIMESTAMPTZ,
    due_at              TIMESTAMPTZ,
    due_rule            TEXT NOT NULL DEFAULT '',
    due_explanation_vi  TEXT NOT NULL DEFAULT '',
    due_explanation_en  TEXT NOT NULL DEFAULT '',
    lead_unit_id        BIGINT REFERENCES units (id),
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (agency, year, seq)
);
CREATE INDEX cases_dedup ON cases (dedup_key, received_at);
CREATE INDEX cases_status_due ON cases (status, due_at);

-- The petitioner, 1:1 with the case, for every kind so that permissions
-- apply uniformly. phone_hash and email_hash (salted with the case's salt)
-- let tracking check "code + phone" without reading the clear values.
CREATE TABLE case_identities (
    case_id       BIGINT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    id_number     TEXT NOT NULL DEFAULT '',
    phone_hash    TEXT NOT NULL DEFAULT '',
    email_hash    TEXT NOT NULL DEFAULT '',
    keep_secret   BOOLEAN NOT NULL,
    consent_at    TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE answers (
    id            BIGSERIAL PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    body          TEXT NOT NULL,
    signer        TEXT NOT NULL DEFAULT '',
    published_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX answers_case ON answers (case_id);

-- Files of a case (answer_id NULL) or of an answer. storage_key names the
-- content-addressed file in the file store.
CREATE TABLE attachments (
    id           BIGSERIAL PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    answer_id    BIGINT REFERENCES answers (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);
CREATE INDEX attachments_key ON attachments (storage_key);

-- Append-only history. public = on the citizen's timeline; the rest is the
-- internal trail.
CREATE TABLE case_events (
    id          BIGSERIAL PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    public      BOOLEAN NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    unit_id     BIGINT REFERENCES units (id),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE ratings (
    id          BIGSERIAL PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    answer_id   BIGINT NOT NULL UNIQUE REFERENCES answers (id) ON DELETE CASCADE,
    stars       INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE disputes (
    id          BIGSERIAL PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    answer_id   BIGINT NOT NULL UNIQUE REFERENCES answers (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- Idempotency-Key (API) and the web form's one-time token. The secret is
-- kept so that a replay returns the first receipt; rows older than a day
-- are purged.
CREATE TABLE idempotency_keys (
    key           TEXT PRIMARY KEY,
    request_hash  TEXT NOT NULL,
    case_id       BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    secret        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Fixed-window abuse counters; bucket is a hash, never a clear IP or phone.
CREATE TABLE rate_counters (
    bucket        TEXT NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    hits          INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);

-- Receipts to e-mail once the alerts issue brings SMTP. The address is read
-- from case_identities when sending, never copied here.
CREATE TABLE case_mail_queue (
    id          BIGSERIAL PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    template    TEXT NOT NULL,
    lang        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    UNIQUE (case_id, template)
);

-- +goose Down
DROP TABLE case_mail_queue;
DROP TABLE rate_counters;
DROP TABLE idempotency_keys;
DROP TABLE disputes;
DROP TABLE ratings;
DROP TABLE case_events;
DROP TABLE attachments;
DROP TABLE answers;
DROP TABLE case_identities;
DROP TABLE cases;
DROP TABLE case_sequences;
DROP TABLE topics;
