-- +goose Up
-- Bookings of a place at a reception day. reception_slots counts the
-- places taken per schedule and day: a booking takes one by a
-- conditional update (booked < capacity), so two citizens booking the last
-- place at once cannot both have it. The phone key (a keyed hash of the
-- normalised phone) makes a second booking of the same day by the same
-- phone a unique-key violation. The identity of a denunciation's booking
-- is sealed (sealed = TRUE): the pages show it only to the grant holders.
CREATE TABLE reception_slots (
    schedule_id  INTEGER NOT NULL REFERENCES reception_schedules (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    booked       INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    PRIMARY KEY (schedule_id, day)
);

CREATE TABLE reception_bookings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    code         TEXT NOT NULL UNIQUE,
    schedule_id  INTEGER NOT NULL REFERENCES reception_schedules (id) ON DELETE CASCADE,
    day          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    topic_id     INTEGER REFERENCES topics (id) ON DELETE SET NULL,
    description  TEXT NOT NULL,
    sealed       BOOLEAN NOT NULL,
    name         TEXT NOT NULL,
    phone        TEXT NOT NULL,
    email        TEXT NOT NULL DEFAULT '',
    phone_key    TEXT NOT NULL,
    lang         TEXT NOT NULL DEFAULT 'vi',
    created_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX reception_bookings_phone ON reception_bookings (schedule_id, day, phone_key);
CREATE INDEX reception_bookings_day ON reception_bookings (day, id);

-- +goose Down
DROP TABLE reception_bookings;
DROP TABLE reception_slots;
