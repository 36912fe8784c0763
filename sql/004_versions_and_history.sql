-- Versions (the contract's v2 "Versions and conditional writes"): 1 at create, one more on every
-- change. A trigger bumps it, so that an operator's plain UPDATE changes a record's ETag too.
ALTER TABLE record ADD COLUMN version integer NOT NULL DEFAULT 1;

CREATE FUNCTION record_next_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END
$$;

CREATE TRIGGER record_next_version
  BEFORE UPDATE ON record
  FOR EACH ROW
  EXECUTE FUNCTION record_next_version();

-- Who made a change: the API sets `phoenix.username` to the key holder's username for the
-- statement it runs (set_config(…, true): it ends with the transaction); anyone else, an operator
-- in psql, is their database role.
CREATE FUNCTION record_change_username() RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('phoenix.username', true), ''), current_user::text)
$$;

-- History (the contract's v2 "History"): one row per created, modified or removed record, written
-- by the triggers below in the transaction of the change, so no change exists without its entry,
-- whoever made it. `record` columns are the record as it was after the change (for a remove: as it
-- was when removed, its version then one more than the record's last). change_id orders every
-- change of every record (the change feed's event ids).
CREATE TABLE record_history (
  change_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  record_id integer NOT NULL,
  version integer NOT NULL,
  operation text NOT NULL CHECK (operation IN ('create', 'modify', 'remove')),
  username text NOT NULL,
  at timestamptz(3) NOT NULL DEFAULT now(),
  "timestamp" double precision,
  value1 varchar(255),
  value2 double precision,
  value3 boolean,
  lastmodifiedby varchar(64) NOT NULL,
  creationdate timestamptz(3) NOT NULL,
  lastmodificationdate timestamptz(3) NOT NULL
);

CREATE INDEX record_history_record_id_version ON record_history (record_id, version, change_id);

-- One call per statement, not per row (transition tables): a bulk create of 1,000 records writes
-- its 1,000 entries with one INSERT.
CREATE FUNCTION record_history_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO record_history (record_id, version, operation, username, "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate)
    SELECT id, version, 'create', record_change_username(), "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate
    FROM new_rows ORDER BY id;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO record_history (record_id, version, operation, username, "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate)
    SELECT id, version, 'modify', record_change_username(), "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate
    FROM new_rows ORDER BY id;
  ELSE
    INSERT INTO record_history (record_id, version, operation, username, "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate)
    SELECT id, version + 1, 'remove', record_change_username(), "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate
    FROM old_rows ORDER BY id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER record_history_insert
  AFTER INSERT ON record
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION record_history_write();

CREATE TRIGGER record_history_update
  AFTER UPDATE ON record
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION record_history_write();

CREATE TRIGGER record_history_delete
  AFTER DELETE ON record
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT
  EXECUTE FUNCTION record_history_write();
