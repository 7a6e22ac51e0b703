-- +goose Up
-- A reception session whose case was sealed after it was recorded (the
-- office reclassified the case as a denunciation) is sealed as a session
-- recorded as a denunciation is: no identity, content or refusal reason on
-- it (the case holds them under its seal). sealIdentities now seals the
-- sessions with their case; this seals those sealed before it did.
UPDATE reception_sessions SET sealed = TRUE, name = '', phone = '', representatives = '', content = '', documents = '', refusal_reason = ''
    WHERE sealed = FALSE AND case_id IN (SELECT id FROM cases WHERE identity_sealed = TRUE);

-- +goose Down
-- The identities blanked are not restored: they are the case's.
SELECT 1;
