-- API keys: only a SHA-256 digest of each key is stored; the key itself is shown once at issue.
CREATE TABLE authenticationkey (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username varchar(64) NOT NULL CHECK (username ~ '^[A-Za-z0-9_.-]{1,64}$'),
  key_digest bytea NOT NULL CHECK (octet_length(key_digest) = 32),
  created_on timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT authenticationkey_key_digest_key UNIQUE (key_digest)
);

-- Usernames are unique ignoring case; the index makes concurrent registrations race safely.
CREATE UNIQUE INDEX authenticationkey_username_lower_key ON authenticationkey (lower(username));

CREATE TABLE record (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "timestamp" double precision,
  value1 varchar(255),
  value2 double precision,
  value3 boolean,
  creationdate timestamptz(3) NOT NULL DEFAULT now(),
  lastmodificationdate timestamptz(3) NOT NULL DEFAULT now(),
  lastmodifiedby varchar(64) NOT NULL,
  -- The API speaks JSON, which has no NaN or Infinity. Dates keep the millisecond precision
  -- they are shown with, so what a client reads back is exactly what is stored.
  CONSTRAINT record_timestamp_finite CHECK ("timestamp" IS NULL OR "timestamp" NOT IN ('NaN', 'Infinity', '-Infinity')),
  CONSTRAINT record_value2_finite CHECK (value2 IS NULL OR value2 NOT IN ('NaN', 'Infinity', '-Infinity'))
);
