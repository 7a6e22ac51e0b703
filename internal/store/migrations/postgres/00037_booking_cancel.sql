-- +goose Up
-- A citizen cancels their own reception booking through the signed link
-- of its confirmation and reminder: the booking stays, marked cancelled
-- (the office's day list shows it so), its place is given back to the
-- day's slot, and it is neither confirmed nor reminded after. Its phone
-- key is replaced by one of its own ('cancelled:<id>'), so the unique
-- index of a day's phones lets the citizen book the day again.
ALTER TABLE reception_bookings ADD COLUMN cancelled_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE reception_bookings DROP COLUMN cancelled_at;
