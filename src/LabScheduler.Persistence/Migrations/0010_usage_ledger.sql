-- The usage ledger: append-only. A booking's outcome (usage when it completes, no-show) is
-- written once, in the same statement as the status change; a correction is a reversal row plus
-- a new row, never an update, so a month's statement never changes silently.
CREATE TABLE usage_ledger (
    id              uuid          PRIMARY KEY,
    -- The order rows were written in (a statement reads top to bottom).
    seq             bigint        GENERATED ALWAYS AS IDENTITY,
    booking_id      uuid          NOT NULL,
    kind            text          NOT NULL CHECK (kind IN ('usage', 'no-show', 'reversal')),
    reverses        uuid          NULL REFERENCES usage_ledger (id),
    -- A correcting entry names the entry it replaces (which a reversal cancelled).
    corrects        uuid          NULL REFERENCES usage_ledger (id),
    team_id         text          NOT NULL,
    team_state      text          NOT NULL,
    instrument_id   text          NOT NULL,
    lab_id          text          NOT NULL,
    lab_state       text          NOT NULL,
    tariff          text          NOT NULL CHECK (tariff IN ('internal', 'partner', 'external')),
    booked_minutes  integer       NOT NULL,
    actual_minutes  integer       NOT NULL,
    charged_minutes integer       NOT NULL,
    hourly_rate     numeric(18,4) NOT NULL,
    amount          numeric(18,2) NOT NULL,
    currency        char(3)       NOT NULL,
    month           date          NOT NULL,
    created_at      timestamptz   NOT NULL
);

-- Exactly one original outcome row per booking, whatever retries or restarts happen; corrections
-- add a reversal and a correcting row, and each entry is reversed or corrected at most once.
CREATE UNIQUE INDEX usage_ledger_one_outcome ON usage_ledger (booking_id) WHERE kind <> 'reversal' AND corrects IS NULL;
CREATE UNIQUE INDEX usage_ledger_one_reversal ON usage_ledger (reverses) WHERE reverses IS NOT NULL;
CREATE UNIQUE INDEX usage_ledger_one_correction ON usage_ledger (corrects) WHERE corrects IS NOT NULL;
CREATE INDEX usage_ledger_team_month ON usage_ledger (team_id, month);
CREATE INDEX usage_ledger_lab_month ON usage_ledger (lab_id, month);
CREATE INDEX usage_ledger_instrument_month ON usage_ledger (instrument_id, month);

-- Ledger rows are never changed or removed.
CREATE FUNCTION usage_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'usage_ledger is append-only: write a reversal instead';
END;
$$;

CREATE TRIGGER usage_ledger_no_update BEFORE UPDATE OR DELETE ON usage_ledger
    FOR EACH ROW EXECUTE FUNCTION usage_ledger_append_only();

-- Quota checks sum a team's minutes on an instrument in a month.
CREATE INDEX bookings_team_instrument_start ON bookings (team_id, instrument_id, lower(during));
