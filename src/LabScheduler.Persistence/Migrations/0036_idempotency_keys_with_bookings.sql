-- A booking's Idempotency-Key is written by the instrument grain in the booking's own statement
-- (performance issue): the gateway no longer claims the key in a transaction of its own before the
-- booking and stores the response in another after it. Such a row names its booking, and a retry
-- is answered with that booking as it is now (same status code, same id); its body stays empty.
--
-- Nullable without a default: adding it rewrites nothing, and the previous version's statements,
-- which name their columns, work unchanged during a rolling upgrade (an old gateway replays such a
-- row as 201 with its Location and an empty body).
ALTER TABLE idempotency_keys ADD COLUMN booking_id uuid NULL;
