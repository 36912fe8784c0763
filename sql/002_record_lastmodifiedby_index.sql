-- GET /api/list?lastmodifiedby=… filters ignoring case and pages by id: this index serves both.
CREATE INDEX record_lastmodifiedby_lower_id ON record (lower(lastmodifiedby), id);
