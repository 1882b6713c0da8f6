-- Reports read bookings of every status by instrument and time.
CREATE INDEX bookings_instrument_during_all ON bookings USING gist (instrument_id, during);
