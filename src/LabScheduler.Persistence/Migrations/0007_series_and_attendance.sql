-- Recurring series and attendance: a booking may belong to a series (booked all or nothing),
-- and records when it was checked in and when the session actually ended.
ALTER TABLE bookings
    ADD COLUMN series_id     uuid        NULL,
    ADD COLUMN checked_in_at timestamptz NULL,
    ADD COLUMN ended_at      timestamptz NULL;

CREATE INDEX bookings_series ON bookings (series_id) WHERE series_id IS NOT NULL;

-- The calendar sweep looks for bookings that hold time and have started.
CREATE INDEX bookings_holding_start ON bookings (lower(during))
    WHERE status IN ('pending', 'confirmed', 'checked-in');
