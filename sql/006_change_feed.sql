-- The live change feed (the contract's v2 "Live change feed", src/feed.ts): readers are woken up
-- when history entries are committed. The notification carries nothing (NOTIFY folds identical
-- ones of a transaction into one): readers read the entries from record_history, so an entry is
-- never lost with a notification that was missed, nor cut by NOTIFY's 8 KB limit.
CREATE FUNCTION record_history_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('record_history', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER record_history_notify
  AFTER INSERT ON record_history
  FOR EACH STATEMENT
  EXECUTE FUNCTION record_history_notify();
