-- Member-state shares count bookings by the booking team's country, as it was when booked.
ALTER TABLE bookings ADD COLUMN team_state text NOT NULL DEFAULT '';
CREATE INDEX bookings_instrument_state_start ON bookings (instrument_id, team_state, lower(during));
