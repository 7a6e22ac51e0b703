-- +goose Up
-- A clock may time a duty: a statutory act owed besides the answer
-- (notifying the parties of an accepted denunciation, sending a suspension
-- decision, publishing a denunciation's conclusion).
ALTER TABLE case_clocks DROP CONSTRAINT case_clocks_kind_check;
ALTER TABLE case_clocks ADD CONSTRAINT case_clocks_kind_check
    CHECK (kind IN ('process', 'accept', 'answer', 'forward', 'contribution', 'duty'));

-- +goose Down
DELETE FROM case_clocks WHERE kind = 'duty';
ALTER TABLE case_clocks DROP CONSTRAINT case_clocks_kind_check;
ALTER TABLE case_clocks ADD CONSTRAINT case_clocks_kind_check
    CHECK (kind IN ('process', 'accept', 'answer', 'forward', 'contribution'));
