-- Bookings: one row per booking, written by the instrument grain (the single writer of its
-- instrument's bookings) before it acknowledges. The exclusion constraint is defence in depth:
-- whatever happens above (two activations of one grain during a membership change, a bug),
-- two bookings that hold time on a capacity-1 instrument can never overlap in storage.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE bookings (
    id            uuid        PRIMARY KEY,
    instrument_id text        NOT NULL,
    lab_id        text        NOT NULL,
    team_id       text        NOT NULL,
    user_id       text        NOT NULL,
    status        text        NOT NULL CHECK (status IN
                  ('pending', 'confirmed', 'rejected', 'cancelled', 'checked-in', 'completed', 'no-show', 'expired')),
    -- Half-open [start, end), stored in UTC as timestamptz.
    during        tstzrange   NOT NULL CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
                                              AND NOT lower_inf(during) AND NOT upper_inf(during)),
    -- True when the instrument had capacity 1 at booking time: such bookings may not overlap.
    exclusive     boolean     NOT NULL,
    purpose       text        NOT NULL DEFAULT '',
    status_reason text        NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    -- Optimistic concurrency: every update names the version it read and adds one.
    version       integer     NOT NULL DEFAULT 1,
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (instrument_id WITH =, during WITH &&)
        WHERE (exclusive AND status IN ('pending', 'confirmed', 'checked-in'))
);

-- An activation loads the bookings of its instrument that still hold time.
CREATE INDEX bookings_instrument_active ON bookings (instrument_id, upper(during))
    WHERE status IN ('pending', 'confirmed', 'checked-in');
CREATE INDEX bookings_instrument_start ON bookings (instrument_id, lower(during));
CREATE INDEX bookings_team_start ON bookings (team_id, lower(during));
CREATE INDEX bookings_user_start ON bookings (user_id, lower(during));
CREATE INDEX bookings_lab_start ON bookings (lab_id, lower(during));
