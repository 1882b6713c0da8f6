-- Outbox claims a deliverer can check, and dead letters (issue 11).
--
-- claim_token: each claim of a batch writes a new token; a deliverer records delivered, skipped or
-- failed only on rows that still carry its token, so one whose claim expired and was taken over
-- learns that (no row updated) instead of overwriting the new owner's record.
--
-- dead_at: set when a notice failed its last allowed attempt; it is not claimed again until an
-- administrator retries it. A dead row's claimed_until is 'infinity' as well, so a silo of the
-- previous version (which knows neither column) skips it too during a rolling upgrade.
--
-- Both columns are nullable without defaults: adding them rewrites nothing, and the old version's
-- statements, which name their columns, work unchanged.
ALTER TABLE notifications ADD COLUMN claim_token uuid NULL;
ALTER TABLE notifications ADD COLUMN dead_at timestamptz NULL;

-- The administrators' lists: dead and pending ones by age, delivered ones by age.
CREATE INDEX notifications_dead ON notifications (created_at, id) WHERE dead_at IS NOT NULL AND delivered_at IS NULL;
CREATE INDEX notifications_by_age ON notifications (created_at, id);
