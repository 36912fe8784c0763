-- Key lifecycle: a key is rotated by replacing its digest (created_on then says when the new key
-- was issued) and revoked by removing it. A revoked row stays, so that its username stays taken
-- (authenticationkey_username_lower_key) and keeps meaning one person in records and history.
ALTER TABLE authenticationkey
  ALTER COLUMN key_digest DROP NOT NULL,
  ADD COLUMN revoked_on timestamptz(3),
  -- A row is either a current key (a digest, never revoked) or a revoked one (no digest).
  ADD CONSTRAINT authenticationkey_revoked_has_no_digest CHECK ((key_digest IS NULL) = (revoked_on IS NOT NULL));

-- Every instance remembers verified keys for a while (src/plugins/auth.ts) and forgets one when it
-- hears its digest on this channel. A trigger, so that whatever changes a key is heard: the API's
-- rotate and revoke, and an operator's plain UPDATE, DELETE or TRUNCATE. NOTIFY is delivered at
-- commit, so a rolled-back change is never heard. The payload is the old digest in hex, or `all`.
CREATE FUNCTION authenticationkey_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('authenticationkey_changed', 'all');
  ELSE
    PERFORM pg_notify('authenticationkey_changed', encode(OLD.key_digest, 'hex'));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER authenticationkey_notify
  AFTER UPDATE OR DELETE ON authenticationkey
  FOR EACH ROW WHEN (OLD.key_digest IS NOT NULL)
  EXECUTE FUNCTION authenticationkey_notify();

CREATE TRIGGER authenticationkey_notify_truncate
  AFTER TRUNCATE ON authenticationkey
  FOR EACH STATEMENT
  EXECUTE FUNCTION authenticationkey_notify();
