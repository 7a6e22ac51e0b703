-- +goose Up
-- After a reception session the visitor is sent its rating link by SMS or
-- Zalo when they gave a phone, through the ledger and outbox the case
-- notices use (00028): the outbox job picks each session not yet told
-- (noticed_at IS NULL), marks it and writes one ledger row per channel in
-- the same transaction. The phone is read from the session (or, for a
-- sealed session, from its case's identity) when the message is sent,
-- never copied into the ledger or the outbox.
ALTER TABLE reception_sessions ADD COLUMN noticed_at TIMESTAMPTZ;
-- Sessions recorded before this migration are not told now.
UPDATE reception_sessions SET noticed_at = created_at;
CREATE INDEX reception_sessions_to_notice ON reception_sessions (id) WHERE noticed_at IS NULL;
ALTER TABLE alerts ADD COLUMN session_id BIGINT REFERENCES reception_sessions (id) ON DELETE CASCADE;
CREATE INDEX alerts_session ON alerts (session_id) WHERE session_id IS NOT NULL;

-- +goose Down
DROP INDEX alerts_session;
ALTER TABLE alerts DROP COLUMN session_id;
DROP INDEX reception_sessions_to_notice;
ALTER TABLE reception_sessions DROP COLUMN noticed_at;
