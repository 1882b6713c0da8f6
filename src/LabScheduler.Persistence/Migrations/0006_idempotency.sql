-- Idempotency keys of the gateway's creating POSTs: the first response to a (user, key) is kept
-- with a hash of the request, so a retry gets the same answer and a different request with the
-- same key is refused. Rows older than the retention (at least 24 hours) are deleted.
CREATE TABLE idempotency_keys (
    user_id      text        NOT NULL,
    key          text        NOT NULL,
    request_hash bytea       NOT NULL,
    -- 0 while the first request runs, then its HTTP status.
    status       integer     NOT NULL,
    content_type text        NULL,
    location     text        NULL,
    body         bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
