-- Statements are frozen once per month, and nothing ever lands in a frozen month.
--
-- month_freezes has one row per frozen month: the freeze and its statement rows are written in one
-- transaction that first takes a SHARE lock on usage_ledger, so it waits for every ledger insert in
-- flight and no insert can slip in between reading the month and recording the freeze.
-- usage_ledger.statement_month is the statement a row belongs to: the month of the booking's start
-- (usage_ledger.month) while that month is open, else the first open month after it, where the row
-- shows as an adjustment. A trigger fills it on insert, so no writer can get it wrong.
CREATE TABLE month_freezes (
    month     date        PRIMARY KEY,
    frozen_at timestamptz NOT NULL
);

-- What of a statement's amount is adjustments: rows of earlier months that arrived after those froze.
ALTER TABLE month_statements ADD COLUMN adjustments numeric(18,2) NOT NULL DEFAULT 0;

INSERT INTO month_freezes (month, frozen_at)
SELECT month, min(frozen_at) FROM month_statements GROUP BY month;

-- The first month from m on that is not frozen (by the instant given, when not null).
CREATE FUNCTION open_statement_month(m date, written_at timestamptz) RETURNS date LANGUAGE plpgsql STABLE AS $$
DECLARE
    result date := m;
BEGIN
    WHILE EXISTS (SELECT 1 FROM month_freezes f
                  WHERE f.month = result AND (written_at IS NULL OR f.frozen_at < written_at)) LOOP
        result := (result + interval '1 month')::date;
    END LOOP;
    RETURN result;
END;
$$;

ALTER TABLE usage_ledger ADD COLUMN statement_month date;

-- Rows written before this migration: those written after their month froze are adjustments.
ALTER TABLE usage_ledger DISABLE TRIGGER usage_ledger_no_update;
UPDATE usage_ledger SET statement_month = open_statement_month(month, created_at);
ALTER TABLE usage_ledger ENABLE TRIGGER usage_ledger_no_update;

ALTER TABLE usage_ledger ALTER COLUMN statement_month SET NOT NULL;
ALTER TABLE usage_ledger ADD CONSTRAINT usage_ledger_statement_not_before_month CHECK (statement_month >= month);
CREATE INDEX usage_ledger_statement_month ON usage_ledger (statement_month, team_id);

CREATE FUNCTION usage_ledger_fill_statement_month() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.statement_month := open_statement_month(NEW.month, NULL);
    RETURN NEW;
END;
$$;

CREATE TRIGGER usage_ledger_statement_month BEFORE INSERT ON usage_ledger
    FOR EACH ROW EXECUTE FUNCTION usage_ledger_fill_statement_month();

-- A booking that changes (or appears) on a day already rolled up marks its time dirty, in the
-- same statement as the change; the next roll-up recomputes the lab-local days it touches.
-- Days are compared at UTC midnight with a day of slack either way, so no zone is needed here
-- (a dirty mark that turns out to touch no rolled-up day costs one recomputation, nothing more).
CREATE TABLE utilization_dirty (
    id            bigint    GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instrument_id text      NOT NULL,
    during        tstzrange NOT NULL
);

CREATE FUNCTION bookings_mark_rollup_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM utilization_rollup_progress p
               WHERE p.instrument_id = NEW.instrument_id
                 AND lower(NEW.during) < (p.until_day + 1)::timestamp AT TIME ZONE 'UTC') THEN
        INSERT INTO utilization_dirty (instrument_id, during) VALUES (NEW.instrument_id, NEW.during);
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.during <> NEW.during THEN
        INSERT INTO utilization_dirty (instrument_id, during)
        SELECT OLD.instrument_id, OLD.during FROM utilization_rollup_progress p
        WHERE p.instrument_id = OLD.instrument_id
          AND lower(OLD.during) < (p.until_day + 1)::timestamp AT TIME ZONE 'UTC';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER bookings_rollup_dirty AFTER INSERT OR UPDATE ON bookings
    FOR EACH ROW EXECUTE FUNCTION bookings_mark_rollup_dirty();
