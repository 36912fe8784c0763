-- Idempotent creates (the contract's v2 "Idempotent creates"): the answer to a create sent with an
-- Idempotency-Key, committed in the transaction that created its records (src/idempotency.ts) and
-- kept until expires_at (IDEMPOTENCY_TTL_HOURS). Keys are scoped to the key holder's username.
CREATE TABLE idempotency_key (
  username varchar(64) NOT NULL,
  key varchar(255) NOT NULL,
  -- SHA-256 of the method, the route and the request's JSON body (keys sorted): the same request
  -- however its JSON was written.
  request_digest bytea NOT NULL CHECK (octet_length(request_digest) = 32),
  status smallint NOT NULL,
  -- The headers that go with the body (Location, ETag), and the body exactly as it was sent.
  headers jsonb NOT NULL,
  body text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (username, key)
);

-- The purge takes the oldest expired answers a batch at a time.
CREATE INDEX idempotency_key_expires_at ON idempotency_key (expires_at);
