-- +goose Up
-- Whether a case was forwarded by an elected body (a National Assembly body
-- or deputy, a People's Council deputy, a citizen reception board), set at
-- classification: such a body is told the result within 7 working days of
-- the resolution (Luật Tiếp công dân Art. 27(2)).
ALTER TABLE cases ADD COLUMN elected_body BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE cases DROP COLUMN elected_body;
