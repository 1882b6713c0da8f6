-- The directory of users and teams: ids and names for lists and search. The user and team grains
-- write their row before their state, so the directory may name an entry whose creation then
-- failed (lists skip it), never miss one that exists.
CREATE TABLE user_directory (
    id           text PRIMARY KEY,
    display_name text NOT NULL,
    email        text NOT NULL
);

CREATE TABLE team_directory (
    id   text PRIMARY KEY,
    name text NOT NULL
);

-- Users and teams created before this migration, from their grain state (JSON, camelCase).
DO $$
DECLARE
    state jsonb;
    r     record;
BEGIN
    FOR r IN SELECT PayloadBinary FROM OrleansStorage WHERE PayloadBinary IS NOT NULL LOOP
        BEGIN
            state := convert_from(r.PayloadBinary, 'UTF8')::jsonb;
        EXCEPTION WHEN others THEN
            CONTINUE; -- not JSON: not a user's or team's state
        END;
        IF jsonb_typeof(state -> 'profile') = 'object' AND state -> 'profile' ? 'id' THEN
            IF state -> 'profile' ? 'email' THEN
                INSERT INTO user_directory (id, display_name, email)
                VALUES (state -> 'profile' ->> 'id', coalesce(state -> 'profile' ->> 'displayName', ''), state -> 'profile' ->> 'email')
                ON CONFLICT (id) DO NOTHING;
            ELSIF state -> 'profile' ? 'institution' THEN
                INSERT INTO team_directory (id, name)
                VALUES (state -> 'profile' ->> 'id', coalesce(state -> 'profile' ->> 'name', ''))
                ON CONFLICT (id) DO NOTHING;
            END IF;
        END IF;
    END LOOP;
END;
$$;
