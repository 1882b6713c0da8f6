-- The notification outbox: rows written in the same statement as the booking change they tell
-- of (so an acknowledged change always has its notices, and a refused one none), delivered at
-- least once by the outbox job, which records each delivery.
CREATE TABLE notifications (
    id            uuid        PRIMARY KEY,
    user_id       text        NOT NULL,
    kind          text        NOT NULL,
    booking_id    uuid        NULL,
    payload       jsonb       NOT NULL,
    created_at    timestamptz NOT NULL,
    due_at        timestamptz NOT NULL,
    attempts      integer     NOT NULL DEFAULT 0,
    claimed_until timestamptz NULL,
    delivered_at  timestamptz NULL,
    delivered_by  text        NULL,
    skipped       boolean     NOT NULL DEFAULT false,
    last_error    text        NULL
);

CREATE INDEX notifications_due ON notifications (due_at) WHERE delivered_at IS NULL;
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_booking ON notifications (booking_id);
