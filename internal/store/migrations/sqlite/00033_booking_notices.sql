-- +goose Up
-- The citizen who booked a reception day is told by e-mail, SMS or Zalo,
-- through the ledger and outbox the case notices use (00028): the outbox
-- job picks each booking not yet confirmed (noticed_at IS NULL), marks it
-- and writes one ledger row per channel in the same transaction; the
-- reception-reminder job does the same with reminded_at the day before.
-- State-based: a job that was down catches up, a second replica finds the
-- booking marked. A repeated booking (the citizen's response was lost)
-- clears noticed_at, and the ledger's key (one confirmation per booking,
-- channel and day) sends it again at most once a day. The booking's phone
-- key (00027 calls it keyed) is a plain SHA-256: see reception.phoneKey.
ALTER TABLE reception_bookings ADD COLUMN noticed_at DATETIME;
ALTER TABLE reception_bookings ADD COLUMN reminded_at DATETIME;
-- Bookings made before this migration were never confirmed, and are not
-- now: their day may be tomorrow. They still get the reminder.
UPDATE reception_bookings SET noticed_at = created_at;
CREATE INDEX reception_bookings_to_notice ON reception_bookings (id) WHERE noticed_at IS NULL;
CREATE INDEX reception_bookings_to_remind ON reception_bookings (day) WHERE reminded_at IS NULL;

-- A booking's ledger rows name it: its contact is read from it when the
-- message is sent, never copied into the ledger or the outbox.
ALTER TABLE alerts ADD COLUMN booking_id INTEGER REFERENCES reception_bookings (id) ON DELETE CASCADE;
CREATE INDEX alerts_booking ON alerts (booking_id) WHERE booking_id IS NOT NULL;

-- +goose Down
DROP INDEX alerts_booking;
-- SQLite cannot drop a column a foreign key is on: alerts.booking_id stays,
-- NULL from then on.
UPDATE alerts SET booking_id = NULL;
DROP INDEX reception_bookings_to_remind;
DROP INDEX reception_bookings_to_notice;
ALTER TABLE reception_bookings DROP COLUMN reminded_at;
ALTER TABLE reception_bookings DROP COLUMN noticed_at;
