-- Month-end statements, frozen: the run after a month ends writes each team's totals once
-- (a later run changes nothing); corrections made afterwards show in the live statement and in
-- the ledger, never silently in the frozen one.
CREATE TABLE month_statements (
    month      date          NOT NULL,
    team_id    text          NOT NULL,
    currency   char(3)       NOT NULL,
    amount     numeric(18,2) NOT NULL,
    minutes    bigint        NOT NULL,
    entries    integer       NOT NULL,
    frozen_at  timestamptz   NOT NULL,
    PRIMARY KEY (month, team_id, currency)
);

-- Nightly roll-ups of utilization per instrument, team and lab-local day, so long report ranges
-- read one row per instrument-day instead of every booking.
CREATE TABLE utilization_daily (
    instrument_id  text    NOT NULL,
    team_id        text    NOT NULL,
    day            date    NOT NULL,
    booked_minutes bigint  NOT NULL,
    used_minutes   bigint  NOT NULL,
    no_shows       integer NOT NULL,
    cancellations  integer NOT NULL,
    bookings       integer NOT NULL,
    PRIMARY KEY (instrument_id, day, team_id)
);

-- Per instrument, the first lab-local day not yet rolled up.
CREATE TABLE utilization_rollup_progress (
    instrument_id text PRIMARY KEY,
    until_day     date NOT NULL
);
