-- The catalog is a table (issue 8, part 4). Every instrument is one row, written by its grain in the
-- same transaction as the change (and its audit record), and read with SQL by listings and searches,
-- which activate no instrument grain. What grows with history lives in tables of its own, so the
-- row stays small: blackouts (all kept, past ones for reports), training sign-offs, and team quotas
-- (one owner: the instrument grain writes them, the team's view reads them from here).
--
-- definition and opening_hours hold the JSON the grain state held (camelCase, enums as camelCase
-- strings, NodaTime values in ISO forms), so instruments created before this migration move over
-- verbatim (below).
CREATE TABLE instruments (
    id             text PRIMARY KEY,
    lab_id         text        NOT NULL,
    member_state   text        NOT NULL,
    partner_states text[]      NOT NULL DEFAULT '{}',
    time_zone      text        NOT NULL,
    category       text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('active', 'maintenance', 'retired')),
    definition     jsonb       NOT NULL,
    opening_hours  jsonb       NOT NULL,
    -- Raised by every change: a write that expects an older version was made by a stale activation.
    version        integer     NOT NULL DEFAULT 1,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX instruments_by_category ON instruments (category, id);
CREATE INDEX instruments_by_lab ON instruments (lab_id, id);
CREATE INDEX instruments_by_member_state ON instruments (member_state, id);

CREATE TABLE instrument_blackouts (
    id            uuid PRIMARY KEY,
    instrument_id text        NOT NULL REFERENCES instruments (id),
    during        tstzrange   NOT NULL CHECK (NOT isempty(during)),
    reason        text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX instrument_blackouts_by_time ON instrument_blackouts USING gist (instrument_id, during);

CREATE TABLE instrument_authorizations (
    instrument_id text        NOT NULL REFERENCES instruments (id),
    user_id       text        NOT NULL,
    granted_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instrument_id, user_id)
);

CREATE TABLE team_quotas (
    team_id           text    NOT NULL,
    instrument_id     text    NOT NULL REFERENCES instruments (id),
    minutes_per_month integer NOT NULL CHECK (minutes_per_month >= 0),
    PRIMARY KEY (team_id, instrument_id)
);

CREATE INDEX team_quotas_by_instrument ON team_quotas (instrument_id);

CREATE TABLE lab_catalog (
    id           text PRIMARY KEY,
    member_state text NOT NULL
);

-- Instruments, their blackouts, sign-offs and quotas, and labs, from the grain states that held them.
DO $$
DECLARE
    state jsonb;
    r     record;
BEGIN
    FOR r IN SELECT PayloadBinary FROM OrleansStorage WHERE PayloadBinary IS NOT NULL LOOP
        BEGIN
            state := convert_from(r.PayloadBinary, 'UTF8')::jsonb;
        EXCEPTION WHEN others THEN
            CONTINUE;
        END;
        IF jsonb_typeof(state) <> 'object' THEN
            CONTINUE;
        END IF;

        -- An instrument's state: its definition with rates, and the lists this migration moves out.
        IF jsonb_typeof(state -> 'definition') = 'object' AND state -> 'definition' ? 'rates' AND state ? 'labId' THEN
            INSERT INTO instruments (id, lab_id, member_state, partner_states, time_zone, category, status, definition, opening_hours)
            VALUES (
                state -> 'definition' ->> 'id',
                state ->> 'labId',
                coalesce(state ->> 'memberState', ''),
                coalesce(ARRAY(SELECT jsonb_array_elements_text(coalesce(state -> 'partnerStates', '[]'))), '{}'),
                coalesce(state ->> 'timeZone', 'UTC'),
                state -> 'definition' ->> 'category',
                coalesce(state ->> 'status', 'active'),
                state -> 'definition',
                coalesce(state -> 'openingHours', '{}'))
            ON CONFLICT (id) DO NOTHING;

            INSERT INTO instrument_blackouts (id, instrument_id, during, reason)
            SELECT (b ->> 'id')::uuid, state -> 'definition' ->> 'id',
                   tstzrange((b -> 'interval' ->> 'start')::timestamptz, (b -> 'interval' ->> 'end')::timestamptz),
                   coalesce(b ->> 'reason', '')
            FROM jsonb_array_elements(coalesce(state -> 'blackouts', '[]')) AS b
            ON CONFLICT (id) DO NOTHING;

            INSERT INTO instrument_authorizations (instrument_id, user_id)
            SELECT state -> 'definition' ->> 'id', u
            FROM jsonb_array_elements_text(coalesce(state -> 'authorizedUsers', '[]')) AS u
            ON CONFLICT DO NOTHING;

            INSERT INTO team_quotas (team_id, instrument_id, minutes_per_month)
            SELECT q.key, state -> 'definition' ->> 'id', q.value::integer
            FROM jsonb_each_text(coalesce(state -> 'quotas', '{}')) AS q
            ON CONFLICT DO NOTHING;

        -- The catalog's state: its labs.
        ELSIF jsonb_typeof(state -> 'labs') = 'object' AND jsonb_typeof(state -> 'instruments') = 'object' THEN
            INSERT INTO lab_catalog (id, member_state)
            SELECT l.key, coalesce(l.value ->> 'memberState', '')
            FROM jsonb_each(state -> 'labs') AS l
            ON CONFLICT (id) DO NOTHING;
        END IF;
    END LOOP;
END;
$$;
