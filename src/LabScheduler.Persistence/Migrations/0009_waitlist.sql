-- Waitlists: a researcher queues for a taken interval; when it frees, the first waiter in line
-- is offered it (held for a while) or, where the instrument says so, booked into it at once.
CREATE TABLE waitlist (
    id               uuid        PRIMARY KEY,
    instrument_id    text        NOT NULL,
    team_id          text        NOT NULL,
    user_id          text        NOT NULL,
    during           tstzrange   NOT NULL CHECK (NOT isempty(during)),
    status           text        NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'withdrawn')),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    offer_expires_at timestamptz NULL,
    booking_id       uuid        NULL,
    version          integer     NOT NULL DEFAULT 1
);

CREATE INDEX waitlist_instrument_open ON waitlist (instrument_id, created_at) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_user ON waitlist (user_id, created_at);
CREATE INDEX waitlist_offer_expiry ON waitlist (offer_expires_at) WHERE status = 'offered';
