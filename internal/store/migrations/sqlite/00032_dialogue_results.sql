-- +goose Up
-- A reception session may be a dialogue (đối thoại). Plan 55 III.1 asks
-- that each dialogue's result be published: until its row exists here the
-- office's list shows it as pending (no statutory clock: the law sets
-- none). The row holds only what the public reads, redacted when it was
-- published; a sealed session's result carries no text at all.
ALTER TABLE reception_sessions ADD COLUMN dialogue BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX reception_sessions_dialogue ON reception_sessions (day, id) WHERE dialogue;

CREATE TABLE reception_dialogue_results (
    session_id    INTEGER PRIMARY KEY REFERENCES reception_sessions (id) ON DELETE CASCADE,
    result        TEXT NOT NULL DEFAULT '',
    published_at  DATETIME NOT NULL,
    published_by  TEXT NOT NULL
);
CREATE INDEX reception_dialogue_results_at ON reception_dialogue_results (published_at);

-- +goose Down
DROP TABLE reception_dialogue_results;
DROP INDEX reception_sessions_dialogue;
ALTER TABLE reception_sessions DROP COLUMN dialogue;
