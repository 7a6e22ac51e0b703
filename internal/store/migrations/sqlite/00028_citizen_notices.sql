-- +goose Up
-- The citizen is told at each step of the case (received, accepted,
-- forwarded, guided, extended, answered, late, closed). Each event of those
-- kinds is picked once by the outbox job, which marks it noticed_at and
-- writes the citizen's alerts (one per channel) into the ledger in the same
-- transaction, as the overdue sweep marks late_flagged_at: state-based, so
-- a job that was down catches up, and a second replica finds it marked.
ALTER TABLE case_events ADD COLUMN noticed_at DATETIME;
-- Events recorded before this migration were never announced: they stay
-- so, rather than reach every citizen of the archive at once.
UPDATE case_events SET noticed_at = created_at
 WHERE kind IN ('received', 'accepted', 'forwarded', 'guided', 'extended', 'answered', 'late', 'closed');
CREATE INDEX case_events_to_notice ON case_events (id)
    WHERE noticed_at IS NULL AND kind IN ('received', 'accepted', 'forwarded', 'guided', 'extended', 'answered', 'late', 'closed');

-- A citizen who turned notifications off (by the signed link of an e-mail,
-- or on the tracking page): nothing more is sent about the case. Turning
-- them on again deletes the row; both are in the audit trail.
CREATE TABLE case_notice_optouts (
    case_id       INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    via           TEXT NOT NULL CHECK (via IN ('link', 'page')),
    opted_out_at  DATETIME NOT NULL
);

-- +goose Down
DROP TABLE case_notice_optouts;
DROP INDEX case_events_to_notice;
ALTER TABLE case_events DROP COLUMN noticed_at;
