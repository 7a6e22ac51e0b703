-- +goose Up
-- A complaint's sub-type, chosen at classification: '' is an administrative
-- complaint (Luật Khiếu nại Art. 27-28, 36-37), 'disciplinary' a complaint
-- against a disciplinary decision on an official, timed by Art. 50.
ALTER TABLE cases ADD COLUMN complaint_subtype TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE cases DROP COLUMN complaint_subtype;
