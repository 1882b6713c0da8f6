-- The database refuses what the booking rules refuse, for every instrument (not only capacity 1),
-- buffers included.
--
-- instrument_limits holds each instrument's capacity and buffer, written by the instrument grain
-- when it is created, when it activates and when its rules change. Every booking that holds time
-- sits on one seat, 0 .. capacity-1, and keeps `blocked` = [start, end + buffer) free of any other
-- booking on its seat: so no instant ever has more than `capacity` bookings, and a buffer is kept
-- after each. A trigger derives `blocked` from the limits and refuses a seat beyond capacity, so a
-- row written by anyone (another activation, a script, a bug) cannot get around either rule.
-- The exclusion constraint is deferrable: a rules change re-seats many rows in one transaction.
CREATE TABLE instrument_limits (
    instrument_id  text    PRIMARY KEY,
    capacity       integer NOT NULL CHECK (capacity >= 1),
    buffer_minutes integer NOT NULL CHECK (buffer_minutes >= 0)
);

ALTER TABLE bookings
    ADD COLUMN seat    integer   NOT NULL DEFAULT 0 CHECK (seat >= 0),
    ADD COLUMN blocked tstzrange NULL;

-- Existing rows: their buffer is not known here (rules live in grain state), so they block their
-- own time until the grain re-blocks them at its next activation; seats are given greedily by start
-- (the fewest seats any packing needs, which the grains' checks kept within capacity).
UPDATE bookings SET blocked = during;

DO $$
DECLARE
    r     record;
    ends  timestamptz[] := '{}';
    inst  text := NULL;
    found integer;
BEGIN
    FOR r IN SELECT id, instrument_id, during FROM bookings
             WHERE status IN ('pending', 'confirmed', 'checked-in')
             ORDER BY instrument_id, lower(during), id LOOP
        IF inst IS DISTINCT FROM r.instrument_id THEN
            inst := r.instrument_id;
            ends := '{}';
        END IF;
        found := NULL;
        FOR i IN 1 .. coalesce(array_length(ends, 1), 0) LOOP
            IF ends[i] <= lower(r.during) THEN
                found := i;
                EXIT;
            END IF;
        END LOOP;
        IF found IS NULL THEN
            ends := ends || upper(r.during);
            found := array_length(ends, 1);
        ELSE
            ends[found] := upper(r.during);
        END IF;
        UPDATE bookings SET seat = found - 1 WHERE id = r.id;
    END LOOP;
END;
$$;

ALTER TABLE bookings ALTER COLUMN blocked SET NOT NULL;
ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
    EXCLUDE USING gist (instrument_id WITH =, seat WITH =, blocked WITH &&)
    WHERE (status IN ('pending', 'confirmed', 'checked-in'))
    DEFERRABLE INITIALLY IMMEDIATE;

CREATE FUNCTION bookings_apply_limits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    limits instrument_limits%ROWTYPE;
BEGIN
    IF NEW.status NOT IN ('pending', 'confirmed', 'checked-in') THEN
        -- A row that holds no time blocks nothing; it keeps what it had.
        NEW.blocked := coalesce(NEW.blocked, NEW.during);
        RETURN NEW;
    END IF;
    SELECT * INTO limits FROM instrument_limits WHERE instrument_id = NEW.instrument_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'instrument % has no limits: bookings are written by its grain', NEW.instrument_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_within_limits';
    END IF;
    IF NEW.seat >= limits.capacity THEN
        RAISE EXCEPTION 'seat % is beyond the capacity % of instrument %', NEW.seat, limits.capacity, NEW.instrument_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'bookings_within_limits';
    END IF;
    NEW.blocked := tstzrange(lower(NEW.during), upper(NEW.during) + make_interval(mins => limits.buffer_minutes), '[)');
    RETURN NEW;
END;
$$;

-- Status-only changes (cancel, check-in, complete) keep their seat; every write that places a
-- booking, or revives one into holding time, goes through the limits.
CREATE TRIGGER bookings_limits BEFORE INSERT OR UPDATE OF during, seat, blocked, status ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_apply_limits();
