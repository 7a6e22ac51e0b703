-- +goose Up
-- A recorded visit at citizen reception: who received, who came (a group
-- with its headcount and representatives), the content, the documents
-- handed over and the outcome (Luật Tiếp công dân Art. 28(1) a–d, or a
-- refusal). An outcome that needs follow-up links the case it opened. A
-- sealed session (a denunciation) keeps no identity and no content: they
-- are in its case, under the case's seal.
CREATE TABLE reception_sessions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule_id      INTEGER REFERENCES reception_schedules (id) ON DELETE SET NULL,
    day              TEXT NOT NULL,
    receiver         TEXT NOT NULL,
    leadership       BOOLEAN NOT NULL,
    kind             TEXT NOT NULL,
    sealed           BOOLEAN NOT NULL,
    name             TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    group_visit      BOOLEAN NOT NULL DEFAULT FALSE,
    headcount        INTEGER NOT NULL DEFAULT 1 CHECK (headcount >= 1),
    representatives  TEXT NOT NULL DEFAULT '',
    content          TEXT NOT NULL DEFAULT '',
    documents        TEXT NOT NULL DEFAULT '',
    outcome          TEXT NOT NULL CHECK (outcome IN ('accepted', 'verify', 'guided', 'forwarded', 'refused')),
    refusal_reason   TEXT NOT NULL DEFAULT '',
    case_id          INTEGER REFERENCES cases (id) ON DELETE SET NULL,
    created_at       DATETIME NOT NULL,
    created_by       TEXT NOT NULL
);
CREATE INDEX reception_sessions_day ON reception_sessions (day, id);
CREATE INDEX reception_sessions_case ON reception_sessions (case_id);

-- +goose Down
DROP TABLE reception_sessions;
