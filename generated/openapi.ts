// Generated from openapi.yaml by `npm run generate`. Do not edit by hand.
export interface paths {
    "/api/generate_key/{username}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Issue an API key (deprecated GET form)
         * @deprecated
         * @description Same as `POST /api/generate_key/{username}`. Kept because the original service
         *     documented a GET; a GET that creates something can be replayed by caches, crawlers
         *     and link previews, so new clients should POST. Responses carry `Deprecation: true`.
         */
        get: operations["generateKeyDeprecated"];
        put?: never;
        /**
         * Issue an API key
         * @description Issues a new API key for `username` and returns it. The key is shown only in this
         *     response: Phoenix stores just its SHA-256 digest. Usernames are unique ignoring
         *     case. Any request body is ignored.
         */
        post: operations["generateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/rotate_key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate your API key
         * @description Replaces the key sent in the `api-key` header with a new one, for the same username, and
         *     returns it. The new key is shown only in this response. The old key answers 401 from
         *     then on, on every instance, within a second. Of several rotations sent at once with the
         *     same key, exactly one succeeds; the others answer 401. `created_on` is when the new key
         *     was issued. Any request body is ignored.
         */
        post: operations["rotateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/revoke_key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke your API key
         * @description Revokes the key sent in the `api-key` header. It answers 401 from then on, on every
         *     instance, within a second. The username stays taken (a new key cannot be issued for it,
         *     in any case), and records keep the `lastmodifiedby` it wrote. Any request body is
         *     ignored.
         */
        post: operations["revokeKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List records
         * @description Without parameters, returns every record as a plain JSON array in ascending `id` order,
         *     streamed: the table is read in batches of 1,000 rows, each its own brief query, only as
         *     fast as the client reads, so a large table costs the server no more memory than a small
         *     one and a slow client holds no database connection. The list is therefore not one
         *     snapshot: every record that exists for the whole time of the list appears exactly once,
         *     as it was when its batch was read; records created or removed meanwhile may or may not
         *     appear. A response that cannot be completed (the database fails mid-list) is aborted
         *     before its end, so the client sees a failed transfer, never a short but valid array.
         *     An instance streams at most `LIST_STREAMS_MAX` (default 8) full lists at once; more wait
         *     up to a second, then get a 503 with `Retry-After`: use `limit` for pages instead.
         *
         *     For pages, pass `limit` (and `after_id`, the last id of the previous page): while more
         *     records may follow, the response has a `Link: <…>; rel="next"` header with the URL of
         *     the next page. Pages are keyset-based, so records created or removed meanwhile never
         *     make a record appear twice or be skipped. `lastmodifiedby` and `value3` filter the
         *     records, with or without `limit`.
         *
         *     With a replica (`READ_DATABASE_URL`) the list is read from it and may trail the latest
         *     writes; send `Phoenix-Consistency-Token` to include a write of yours.
         */
        get: operations["listRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * List records (headers only)
         * @description The status and headers `GET /api/list` would answer, with no body. With `limit` the page
         *     is read (for its `Link`); without it, nothing is read from the table.
         */
        head: operations["listRecordsHead"];
        patch?: never;
        trace?: never;
    };
    "/api/create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a record
         * @description Creates a record from the four value fields. At least one of them must be
         *     non-null; absent fields are stored as null. `lastmodifiedby` is the username of
         *     the key in the `api-key` header. With an `Idempotency-Key`, a retry creates nothing
         *     more and gets the first answer again.
         */
        post: operations["createRecord"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/bulk_create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create many records at once
         * @description Creates 1 to 1000 records from a JSON array of record inputs, each under the rules of
         *     `POST /api/create` (only the four value fields, strict types, at least one of them
         *     non-null). All or nothing: every record is created, in one statement and one
         *     transaction, or none is. `records_info` lists the records in the order sent; their ids
         *     ascend in that order. `lastmodifiedby` is the username of the key in the `api-key` header.
         *
         *     A bad element is a 400 whose `errors` name the element's index (from 0) and field, like
         *     `2.value2`; an element with no field populated is named by its index alone (`2`). An
         *     empty array or one of more than 1000 elements is a 400 naming `body`. The body may be up
         *     to 1048576 bytes (1 MiB, `x-body-limit`), more than the other operations take. The whole
         *     request counts as one write against `WRITES_PER_SECOND`. With an `Idempotency-Key`, a
         *     retry creates nothing more and gets the first answer again, as for `POST /api/create`.
         */
        post: operations["bulkCreateRecords"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/read/{record_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a record
         * @description Returns the record with this id, and its version as `ETag`. With `If-None-Match` naming
         *     that ETag, a 304 with no body instead: the copy you hold is current.
         *
         *     With a replica (`READ_DATABASE_URL`) the record is read from it and may trail the latest
         *     writes (a record just created may not be found yet); send `Phoenix-Consistency-Token` to
         *     see a write of yours.
         */
        get: operations["readRecord"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * Read a record (headers only)
         * @description The status and headers `GET /api/read/{record_id}` would answer, with no body.
         */
        head: operations["readRecordHead"];
        patch?: never;
        trace?: never;
    };
    "/api/modify/{record_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Modify a record
         * @description Changes the fields present in the body and leaves absent ones as they are;
         *     `null` clears a field. At least one field must be present. Sets
         *     `lastmodificationdate` and `lastmodifiedby` (the username of the key in the
         *     `api-key` header). With `If-Match`, only if the record is still at the version you name
         *     (no lost updates): otherwise a 412 with the current `ETag`, and nothing changes.
         */
        patch: operations["modifyRecord"];
        trace?: never;
    };
    "/api/remove/{record_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a record
         * @description Deletes the record with this id (its history stays readable). Any request body is
         *     ignored. With `If-Match`, only if the record is still at the version you name: otherwise
         *     a 412 with the current `ETag`, and nothing changes.
         */
        delete: operations["removeRecord"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/history/{record_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A record's history
         * @description Every change of the record, oldest first: its creation, each modify and its removal,
         *     each with its version, who made it, when, and the record as it was after that change
         *     (for a remove: as it was when removed; a remove's version is one more than the record's
         *     last). The database writes each entry in the transaction of the change, so no change
         *     exists without its entry, including changes an operator makes with plain SQL (the
         *     username is then their database role). A removed record keeps its history. Records
         *     created before Phoenix kept histories have entries from their next change on.
         *
         *     Paged by version, like the list: at most `limit` entries (default and most 1000) after
         *     `after_version`; while more may follow, the response has a `Link: <…>; rel="next"`
         *     header with the URL of the next page.
         *
         *     With a replica (`READ_DATABASE_URL`) the history is read from it and may trail the latest
         *     changes; send `Phoenix-Consistency-Token` to include a write of yours.
         */
        get: operations["getHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live change feed (Server-Sent Events)
         * @description Every create, modify and remove, as Server-Sent Events, in `change_id` order: each event
         *     has `id:` its `change_id`, `event:` the operation (`create`, `modify`, `remove`) and
         *     `data:` the history entry as one line of JSON (as in `GET /api/history/{record_id}`).
         *     Changes made through any instance (and with plain SQL) appear on every instance.
         *
         *     Without `Last-Event-ID` or `after`, the feed starts with the next change. With either,
         *     every change after that id is sent first, then the live ones: a client that reconnects
         *     with the last id it saw (a browser's `EventSource` sends `Last-Event-ID` by itself) misses
         *     nothing and gets nothing twice. `Last-Event-ID` wins over `after`.
         *
         *     A comment line (`: heartbeat`) comes at least every 15 s, so that proxies keep an idle
         *     stream open. A client that reads too slowly (over 1 MiB waiting for it) is disconnected,
         *     and can resume from its last id. A shutdown ends every stream at once. An instance serves
         *     at most `CHANGE_FEED_CLIENTS_MAX` (default 1000) streams; more get a 503.
         *
         *     An entry is sent once every change with a lower id has committed or rolled back, so the
         *     feed trails the commit by a few milliseconds, and a long-running writing transaction
         *     holds it back until it ends.
         */
        get: operations["getChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness probe
         * @description Answers 200 while the process is up, whatever the state of the database, and 503 once it
         *     has begun shutting down.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * Liveness probe (headers only)
         * @description The status `GET /healthz` would answer, with no body.
         */
        head: operations["getHealthHead"];
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness probe
         * @description Answers 200 when the database answers a query, 503 otherwise, within 2 seconds whatever
         *     the database does (a frozen or unreachable one included).
         *
         *     With a replica (`READ_DATABASE_URL`), the body also says how the replica is (`replica`),
         *     asked at the same time. The replica never makes this a 503: while it is away the primary
         *     answers reads, so the instance can still serve every request.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * Readiness probe (headers only)
         * @description The status `GET /readyz` would answer (within 2 seconds), with no body.
         */
        head: operations["getReadinessHead"];
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Request counts and latency histograms by route and status
         *     (`http_requests_total`, `http_request_duration_seconds`), the database connections of
         *     this instance by state (`db_pool_connections`, `db_pool_max_connections`, `db_up`) and
         *     Node.js process metrics, in the Prometheus text format. With a replica
         *     (`READ_DATABASE_URL`): `db_replica_up` (1 while reads go to it), `db_replica_lag_seconds`
         *     (as `lag_seconds` in `/readyz`) and `db_replica_lag_bytes` (the primary's WAL it has not
         *     replayed), `NaN` while unknown.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @example sumit */
        Username: string;
        /**
         * Format: int32
         * @example 5
         */
        RecordId: number;
        /**
         * @description A float chosen by the client (not server time). Stored as an IEEE-754 double, like every
         *     JSON number here: integers beyond ±2^53 come back rounded (9007199254740993 as
         *     9007199254740992), `-0` comes back as `0`, and a number too large for a double (`1e400`)
         *     is refused.
         * @example 828283281.21
         */
        Timestamp: number | null;
        /**
         * @description Text of at most 255 characters (no NUL characters), stored exactly as sent: a string with
         *     an unpaired UTF-16 surrogate (`"\ud800"`) is refused rather than altered, as is a body that
         *     is not valid UTF-8.
         * @example German Shepherd
         */
        Value1: string | null;
        /**
         * @description A float, stored as an IEEE-754 double (see `timestamp`).
         * @example 781230.21
         */
        Value2: number | null;
        /** @example true */
        Value3: boolean | null;
        Record: {
            id: components["schemas"]["RecordId"];
            timestamp: components["schemas"]["Timestamp"];
            value1: components["schemas"]["Value1"];
            value2: components["schemas"]["Value2"];
            value3: components["schemas"]["Value3"];
            /**
             * @description Username of the key that last created or modified the record.
             * @example sumit
             */
            lastmodifiedby: string;
            /**
             * Format: date-time
             * @description When the record was created (UTC).
             * @example 2026-11-25T09:30:00.000Z
             */
            creationdate: string;
            /**
             * Format: date-time
             * @description When the record was created or last modified (UTC).
             * @example 2026-11-25T09:30:00.000Z
             */
            lastmodificationdate: string;
        };
        /**
         * @description The fields of a new record. Only these four fields are accepted; at least one
         *     must be non-null.
         */
        RecordInput: {
            timestamp?: components["schemas"]["Timestamp"];
            value1?: components["schemas"]["Value1"];
            value2?: components["schemas"]["Value2"];
            value3?: components["schemas"]["Value3"];
        };
        /** @description The records to create, 1 to 1000, each a `RecordInput` (at least one non-null field). */
        RecordInputList: components["schemas"]["RecordInput"][];
        /**
         * @description The fields to change. Only these four fields are accepted; at least one must be
         *     present. Absent fields are left unchanged and `null` clears a field.
         */
        RecordPatch: {
            timestamp?: components["schemas"]["Timestamp"];
            value1?: components["schemas"]["Value1"];
            value2?: components["schemas"]["Value2"];
            value3?: components["schemas"]["Value3"];
        };
        KeyIssued: {
            /** @constant */
            status: "success";
            /** @example sumit */
            username: string;
            /**
             * @description The key, shown only here. Send it in the `api-key` header.
             * @example phx_5tqMEmc3K8b1VJ3pn2hNcS6ylyPo6Ai0wQpXgk1Yh0s
             */
            api_key: string;
            /**
             * Format: date-time
             * @example 2026-11-25T09:30:00.000Z
             */
            created_on: string;
            /** @constant */
            message: "Congrats! Your API Key has been created!";
        };
        KeyRotated: {
            /** @constant */
            status: "success";
            /** @example sumit */
            username: string;
            /**
             * @description The new key, shown only here. Send it in the `api-key` header from now on.
             * @example phx_x2XWTlU5Gcxzq_4Hz-N2spKhtqOVMiuFRiBsTBioexY
             */
            api_key: string;
            /**
             * Format: date-time
             * @description When the new key was issued.
             * @example 2026-11-26T08:15:00.000Z
             */
            created_on: string;
            /** @constant */
            message: "Your API Key has been rotated! The old key no longer works.";
        };
        KeyRevoked: {
            /** @constant */
            status: "success";
            /** @constant */
            message: "Your API Key has been revoked!";
        };
        RecordCreated: {
            /** @constant */
            status: "success";
            /** @constant */
            message: "Your entry has successfully been added to the database!";
            record_info: components["schemas"]["Record"];
        };
        RecordsCreated: {
            /** @constant */
            status: "success";
            /** @constant */
            message: "Your entries have successfully been added to the database!";
            /** @description The records created, in the order sent (ids ascending). */
            records_info: components["schemas"]["Record"][];
        };
        RecordFound: {
            /** @constant */
            status: "success";
            /** @constant */
            message: "Record found!";
            record_info: components["schemas"]["Record"];
        };
        RecordModified: {
            /** @constant */
            status: "success";
            /** @constant */
            message: "Your record has successfully been modified!";
            record_info: components["schemas"]["Record"];
        };
        RecordRemoved: {
            /** @constant */
            status: "success";
            /** @constant */
            message: "Your record has been removed!";
        };
        HistoryEntry: {
            /**
             * @description Orders every change of every record (the change feed's event id).
             * @example 23
             */
            change_id: number;
            /**
             * @description The record's version after this change (its ETag without the quotes).
             * @example 2
             */
            version: number;
            /** @enum {string} */
            operation: "create" | "modify" | "remove";
            /**
             * @description Who made the change: the username of the key sent with it, or the database role of
             *     whoever changed the record with SQL.
             * @example falcon
             */
            username: string;
            /**
             * Format: date-time
             * @description When the change was made (UTC; the start of its transaction).
             * @example 2026-11-25T11:15:42.512Z
             */
            at: string;
            record: components["schemas"]["Record"];
        };
        HistoryFound: {
            /** @constant */
            status: "success";
            /** @constant */
            message: "History found!";
            history: components["schemas"]["HistoryEntry"][];
        };
        FieldError: {
            /**
             * @description The body field or path parameter at fault (`body` for the body as a whole).
             * @example value2
             */
            field: string;
            /** @example must be a number or null */
            problem: string;
        };
        Failure: {
            /** @constant */
            status: "failed";
            /** @example The record does not exist! Please try a different record number! */
            message: string;
            /** @description Present on validation failures; names every offending field. */
            errors?: components["schemas"]["FieldError"][];
        };
        Health: {
            /** @constant */
            status: "ok";
        };
        Readiness: {
            /** @constant */
            status: "ok";
            replica?: components["schemas"]["ReplicaReadiness"];
        };
        Unready: {
            /** @constant */
            status: "unavailable";
            replica?: components["schemas"]["ReplicaReadiness"];
        };
        /**
         * @description Present only when a replica is configured (`READ_DATABASE_URL`). `ok`: it answers as a
         *     standby, and reads go to it. `unavailable`: it does not answer (or just failed a read):
         *     reads go to the primary. `not_a_standby`: it answers but is no longer a replica (e.g.
         *     promoted), so nothing is read from it.
         * @example {
         *       "status": "ok",
         *       "lag_seconds": 0
         *     }
         */
        ReplicaReadiness: {
            /** @enum {unknown} */
            status: "ok" | "unavailable" | "not_a_standby";
            /**
             * @description How far its data trails: 0 when it has replayed all the WAL it has received, else the
             *     age of the last transaction it replayed; null when unknown.
             */
            lag_seconds: number | null;
        };
    };
    responses: {
        /** @description The key was issued. */
        KeyIssued: {
            headers: {
                "Cache-Control": components["headers"]["NoStore"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "success",
                 *       "username": "sumit",
                 *       "api_key": "phx_5tqMEmc3K8b1VJ3pn2hNcS6ylyPo6Ai0wQpXgk1Yh0s",
                 *       "created_on": "2026-11-25T09:30:00.000Z",
                 *       "message": "Congrats! Your API Key has been created!"
                 *     }
                 */
                "application/json": components["schemas"]["KeyIssued"];
            };
        };
        /** @description The key was issued. Prefer the POST form. */
        KeyIssuedDeprecated: {
            headers: {
                "Cache-Control": components["headers"]["NoStore"];
                /** @description Always `true`; this form of the operation is deprecated. */
                Deprecation: "true";
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "success",
                 *       "username": "sumit",
                 *       "api_key": "phx_5tqMEmc3K8b1VJ3pn2hNcS6ylyPo6Ai0wQpXgk1Yh0s",
                 *       "created_on": "2026-11-25T09:30:00.000Z",
                 *       "message": "Congrats! Your API Key has been created!"
                 *     }
                 */
                "application/json": components["schemas"]["KeyIssued"];
            };
        };
        /** @description The key was rotated; the old key no longer works. */
        KeyRotated: {
            headers: {
                "Cache-Control": components["headers"]["NoStore"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "success",
                 *       "username": "sumit",
                 *       "api_key": "phx_x2XWTlU5Gcxzq_4Hz-N2spKhtqOVMiuFRiBsTBioexY",
                 *       "created_on": "2026-11-26T08:15:00.000Z",
                 *       "message": "Your API Key has been rotated! The old key no longer works."
                 *     }
                 */
                "application/json": components["schemas"]["KeyRotated"];
            };
        };
        /** @description The username is missing or not 1 to 64 letters, digits, `_`, `-` or `.`. */
        InvalidUsername: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The username is already registered (ignoring case). */
        UsernameTaken: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "The username you are trying to register has been already used!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /**
         * @description The body or the `Idempotency-Key` is invalid: the body not JSON, not UTF-8, not an
         *     object, with an unknown field, a value of the wrong type, a `value1` over 255 characters
         *     or with an unpaired surrogate, or no field populated.
         */
        InvalidRecord: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /**
         * @description The record id or the body is invalid: not JSON, not UTF-8, not an object, an unknown
         *     field, a value of the wrong type, a `value1` over 255 characters or with an unpaired
         *     surrogate, or no field populated.
         */
        InvalidRecordPatch: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The record id is missing or not a positive integer in range. */
        InvalidRecordId: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /**
         * @description The record id is missing or not a positive integer in range, or
         *     `Phoenix-Consistency-Token` is not a token.
         */
        InvalidRead: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The `api-key` header is missing or holds no current key (never issued, rotated or revoked). */
        Unauthenticated: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "You are not authenticated! Please add an authentication key to the header and try again!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description A request with this `Idempotency-Key` is still being processed; try again after `Retry-After` seconds. */
        IdempotencyInFlight: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "A request with this Idempotency-Key is still being processed! Please try again later!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description This `Idempotency-Key` was used before with a different request (method, route or JSON body); nothing was created. */
        IdempotencyMismatch: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "This Idempotency-Key has already been used with a different request!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The record's current ETag is among those `If-None-Match` named; no body. */
        NotModified: {
            headers: {
                ETag: components["headers"]["ETag"];
                [name: string]: unknown;
            };
            content?: never;
        };
        /**
         * @description `If-Match` did not name the record's current ETag: the record was changed since it was
         *     read. Nothing was changed; `ETag` is the record's current one. With a replica, a
         *     `Phoenix-Consistency-Token` too: a read that sends it sees that version.
         */
        PreconditionFailed: {
            headers: {
                ETag: components["headers"]["ETag"];
                "Phoenix-Consistency-Token": components["headers"]["ConsistencyToken"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "The record has been changed since you read it! Please read it again and try again!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description No record has this id. */
        RecordNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "The record does not exist! Please try a different record number!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The body is larger than the server accepts. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "The request body is too large! Please send at most 16384 bytes and try again!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /**
         * @description The body is invalid: not JSON, not UTF-8, not an array, empty or over 1000 elements, or
         *     an element that `POST /api/create` would refuse (an unknown field, a value of the wrong
         *     type, a `value1` over 255 characters or with an unpaired surrogate, no field populated).
         *     Each problem is named `index.field`, the index counting from 0; an element with no field
         *     populated by its index alone; the array as a whole as `body`.
         */
        InvalidRecordList: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The body is larger than 1048576 bytes (1 MiB), what this operation accepts. */
        BulkPayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "The request body is too large! Please send at most 1048576 bytes and try again!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The body is not sent as `application/json`. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "Please set the Content-Type header to application/json and try again!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /**
         * @description The request could not be read: bytes that are not HTTP, a NUL in a header, an
         *     undecodable `%`-escape in the URL. When Node's HTTP parser refused it, the connection is
         *     closed after this answer (`Connection: close`).
         */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Failure"];
            };
        };
        /**
         * @description The request took too long to arrive: its headers within `HEADERS_TIMEOUT_SECONDS`
         *     (default 10) or all of it within `REQUEST_TIMEOUT_SECONDS` (default 30). The connection
         *     is closed after this answer.
         */
        RequestTimeout: {
            headers: {
                Connection: components["headers"]["ConnectionClose"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "The request took too long to arrive! Please send it again."
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /** @description The request's header block is over 16 KB. The connection is closed after this answer. */
        HeadersTooLarge: {
            headers: {
                Connection: components["headers"]["ConnectionClose"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "The request headers are too large! Please send less than 16 KB of headers and try again!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /**
         * @description Over a limit: keys issued by this client address (`KEY_ISSUE_PER_MINUTE`, default 10 a
         *     minute) or writes with this key (`WRITES_PER_SECOND`, default 100 a second). Wait
         *     `Retry-After` seconds. Every response of a limited operation carries the `RateLimit-*`
         *     headers, so a client can pace itself before it gets here.
         */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                "RateLimit-Limit": components["headers"]["RateLimitLimit"];
                "RateLimit-Remaining": components["headers"]["RateLimitRemaining"];
                "RateLimit-Reset": components["headers"]["RateLimitReset"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "Too many requests! Please slow down and try again later!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /**
         * @description A browser reported (Fetch Metadata: `Sec-Fetch-Site` other than `same-origin` or `none`,
         *     `Sec-Fetch-Mode` other than `cors`) that a page on another site sent this request without
         *     being able to read the answer: a form, a link, an image, a no-cors fetch. The key would be
         *     lost and the name squatted, so nothing is issued. A page calling with `fetch()` is served.
         */
        CrossSiteRefused: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "A page on another site cannot issue a key it cannot read! Please call this API from a script (fetch) instead of a form, link or image."
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
        /**
         * @description The database is unreachable or did not answer within `QUERY_TIMEOUT_SECONDS`, or this
         *     instance is shutting down (then with `Connection: close`); try again after `Retry-After`
         *     seconds. After a timeout the outcome of a write is unknown: read it back before retrying.
         */
        ServiceUnavailable: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "status": "failed",
                 *       "message": "The database is temporarily unavailable! Please try again in a few seconds!"
                 *     }
                 */
                "application/json": components["schemas"]["Failure"];
            };
        };
    };
    parameters: {
        /** @description At most this many records (1 to 1000). Without it, all records. */
        ListLimit: number;
        /** @description Only records whose id is greater than this one. */
        ListAfterId: number;
        /** @description Only records last created or modified by this username (ignoring case). */
        ListLastModifiedBy: components["schemas"]["Username"];
        /** @description Only records whose `value3` is this boolean. */
        ListValue3: boolean;
        /** @description 1 to 64 letters, digits, `_`, `-` or `.`; unique ignoring case. */
        Username: components["schemas"]["Username"];
        /** @description The id of a record. */
        RecordId: components["schemas"]["RecordId"];
        /**
         * @description ETags of the record you hold (or `*`): when the record's current ETag is among them
         *     (weak comparison, RFC 9110 §13.1.2), the answer is a 304 with no body.
         */
        IfNoneMatch: string;
        /**
         * @description Apply the change only if the record is still at one of these versions: its ETags, as
         *     read (or `*`, any version). Compared strongly (RFC 9110 §13.1.1): a weak `W/"3"` never
         *     matches, nor does anything that is not `*` or a list of ETags. The check and the write
         *     are one atomic step, so of several clients writing with the same ETag exactly one
         *     succeeds; the others get a 412 with the current ETag. Without it, the write is
         *     unconditional (as in v1).
         */
        IfMatch: string;
        /**
         * @description Makes the request safe to retry: 1 to 255 printable ASCII characters (no spaces), e.g. a
         *     UUID, new for each distinct create and the same for every retry of it. Scoped to the
         *     username of the `api-key`. A request that succeeded (201) is answered again with the same
         *     status, headers and body (and `Idempotent-Replayed: true`) for `IDEMPOTENCY_TTL_HOURS`
         *     (default 24), creating nothing more; the answer is committed in the same transaction as
         *     the records, so a crash never separates them. The same key with a different request is a
         *     422; while the first is still in flight, a 409 with `Retry-After`. A request that failed
         *     stores nothing: its key may be used again.
         */
        IdempotencyKey: string;
        /**
         * @description The `Phoenix-Consistency-Token` of a write's response, sent back unchanged: the read then
         *     sees that write and every write answered before it (read your writes), through any
         *     instance. It is opaque: do not build, change or compare tokens. With a replica
         *     (`READ_DATABASE_URL`) the read is answered from the replica once it has caught up with
         *     the token (it is given up to 250 ms), otherwise from the primary. Without a replica
         *     every read already sees every write, and a token changes nothing. A value that is not
         *     such a token is a 400 naming this header, with or without a replica.
         */
        ConsistencyToken: string;
        /** @description At most this many entries (1 to 1000, default 1000). */
        HistoryLimit: number;
        /** @description Only entries whose version is greater than this one. */
        HistoryAfterVersion: number;
    };
    requestBodies: never;
    headers: {
        /**
         * @description Sent on a successful write (and on a 412) when the server reads from a replica
         *     (`READ_DATABASE_URL`): an opaque token for the point just after this write (for a 412:
         *     the change that made your ETag stale) in the database's history. Send it unchanged in the
         *     `Phoenix-Consistency-Token` header of a read (list, read, history) to see this write.
         *     Absent without a replica, where every read already sees every write (and exceptionally
         *     when the database did not answer right after the write).
         */
        ConsistencyToken: string;
        /** @description Present (`true`) when this is the stored answer to an earlier request with the same `Idempotency-Key`. */
        IdempotentReplayed: "true";
        /**
         * @description The record's version as a strong entity tag, e.g. `"3"`: 1 at create, one more on every
         *     modify. Send it back in `If-Match` (modify, remove) or `If-None-Match` (read).
         */
        ETag: string;
        /** @description Requests allowed in the current window. */
        RateLimitLimit: number;
        /** @description Requests left in the current window. */
        RateLimitRemaining: number;
        /** @description Seconds until the window starts again. */
        RateLimitReset: number;
        /** @description Always `close`; the server closes the connection after this response. */
        ConnectionClose: "close";
        /** @description Always `no-store`; the response holds a secret. */
        NoStore: "no-store";
        /** @description Seconds to wait before trying again. */
        RetryAfter: number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    generateKeyDeprecated: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 1 to 64 letters, digits, `_`, `-` or `.`; unique ignoring case. */
                username: components["parameters"]["Username"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: components["responses"]["KeyIssuedDeprecated"];
            400: components["responses"]["InvalidUsername"];
            403: components["responses"]["CrossSiteRefused"];
            408: components["responses"]["RequestTimeout"];
            409: components["responses"]["UsernameTaken"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    generateKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 1 to 64 letters, digits, `_`, `-` or `.`; unique ignoring case. */
                username: components["parameters"]["Username"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: components["responses"]["KeyIssued"];
            400: components["responses"]["InvalidUsername"];
            403: components["responses"]["CrossSiteRefused"];
            408: components["responses"]["RequestTimeout"];
            409: components["responses"]["UsernameTaken"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    rotateKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: components["responses"]["KeyRotated"];
            401: components["responses"]["Unauthenticated"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key was revoked. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "success",
                     *       "message": "Your API Key has been revoked!"
                     *     }
                     */
                    "application/json": components["schemas"]["KeyRevoked"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listRecords: {
        parameters: {
            query?: {
                /** @description At most this many records (1 to 1000). Without it, all records. */
                limit?: components["parameters"]["ListLimit"];
                /** @description Only records whose id is greater than this one. */
                after_id?: components["parameters"]["ListAfterId"];
                /** @description Only records last created or modified by this username (ignoring case). */
                lastmodifiedby?: components["parameters"]["ListLastModifiedBy"];
                /** @description Only records whose `value3` is this boolean. */
                value3?: components["parameters"]["ListValue3"];
            };
            header?: {
                /**
                 * @description The `Phoenix-Consistency-Token` of a write's response, sent back unchanged: the read then
                 *     sees that write and every write answered before it (read your writes), through any
                 *     instance. It is opaque: do not build, change or compare tokens. With a replica
                 *     (`READ_DATABASE_URL`) the read is answered from the replica once it has caught up with
                 *     the token (it is given up to 250 ms), otherwise from the primary. Without a replica
                 *     every read already sees every write, and a token changes nothing. A value that is not
                 *     such a token is a 400 naming this header, with or without a replica.
                 */
                "Phoenix-Consistency-Token"?: components["parameters"]["ConsistencyToken"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The records, ascending by id. */
            200: {
                headers: {
                    /**
                     * @description Present when `limit` was given and more records may follow: the next page,
                     *     as `</api/list?limit=…&after_id=…>; rel="next"` (filters kept).
                     */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "id": 1,
                     *         "timestamp": 2392822832.21,
                     *         "value1": "Boston Terrier",
                     *         "value2": 9938212273.32,
                     *         "value3": true,
                     *         "lastmodifiedby": "ironman",
                     *         "creationdate": "2026-11-25T09:30:00.000Z",
                     *         "lastmodificationdate": "2026-11-25T09:30:00.000Z"
                     *       },
                     *       {
                     *         "id": 2,
                     *         "timestamp": 8929109,
                     *         "value1": "The only thing permanent in life is impermanence!",
                     *         "value2": null,
                     *         "value3": false,
                     *         "lastmodifiedby": "thor",
                     *         "creationdate": "2026-11-25T09:31:12.250Z",
                     *         "lastmodificationdate": "2026-11-25T10:02:45.001Z"
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["Record"][];
                };
            };
            /** @description A query parameter is invalid or unknown, or `Phoenix-Consistency-Token` is malformed. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Failure"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listRecordsHead: {
        parameters: {
            query?: {
                /** @description At most this many records (1 to 1000). Without it, all records. */
                limit?: components["parameters"]["ListLimit"];
                /** @description Only records whose id is greater than this one. */
                after_id?: components["parameters"]["ListAfterId"];
                /** @description Only records last created or modified by this username (ignoring case). */
                lastmodifiedby?: components["parameters"]["ListLastModifiedBy"];
                /** @description Only records whose `value3` is this boolean. */
                value3?: components["parameters"]["ListValue3"];
            };
            header?: {
                /**
                 * @description The `Phoenix-Consistency-Token` of a write's response, sent back unchanged: the read then
                 *     sees that write and every write answered before it (read your writes), through any
                 *     instance. It is opaque: do not build, change or compare tokens. With a replica
                 *     (`READ_DATABASE_URL`) the read is answered from the replica once it has caught up with
                 *     the token (it is given up to 250 ms), otherwise from the primary. Without a replica
                 *     every read already sees every write, and a token changes nothing. A value that is not
                 *     such a token is a 400 naming this header, with or without a replica.
                 */
                "Phoenix-Consistency-Token"?: components["parameters"]["ConsistencyToken"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description As for GET; no body. */
            200: {
                headers: {
                    /** @description As for GET. */
                    Link?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description A query parameter is invalid or unknown, or `Phoenix-Consistency-Token` is malformed; no body. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            /** @description As for GET; no body. */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    createRecord: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the request safe to retry: 1 to 255 printable ASCII characters (no spaces), e.g. a
                 *     UUID, new for each distinct create and the same for every retry of it. Scoped to the
                 *     username of the `api-key`. A request that succeeded (201) is answered again with the same
                 *     status, headers and body (and `Idempotent-Replayed: true`) for `IDEMPOTENCY_TTL_HOURS`
                 *     (default 24), creating nothing more; the answer is committed in the same transaction as
                 *     the records, so a crash never separates them. The same key with a different request is a
                 *     422; while the first is still in flight, a 409 with `Retry-After`. A request that failed
                 *     stores nothing: its key may be used again.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "timestamp": 6789998212,
                 *       "value1": "Hello",
                 *       "value2": 2021.01,
                 *       "value3": true
                 *     }
                 */
                "application/json": components["schemas"]["RecordInput"];
            };
        };
        responses: {
            /** @description The record was created. */
            201: {
                headers: {
                    /** @description Where the new record can be read. */
                    Location: string;
                    ETag: components["headers"]["ETag"];
                    "Idempotent-Replayed": components["headers"]["IdempotentReplayed"];
                    "Phoenix-Consistency-Token": components["headers"]["ConsistencyToken"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "success",
                     *       "message": "Your entry has successfully been added to the database!",
                     *       "record_info": {
                     *         "id": 5,
                     *         "timestamp": 6789998212,
                     *         "value1": "Hello",
                     *         "value2": 2021.01,
                     *         "value3": true,
                     *         "lastmodifiedby": "sumit",
                     *         "creationdate": "2026-11-25T09:30:00.000Z",
                     *         "lastmodificationdate": "2026-11-25T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RecordCreated"];
                };
            };
            400: components["responses"]["InvalidRecord"];
            401: components["responses"]["Unauthenticated"];
            408: components["responses"]["RequestTimeout"];
            409: components["responses"]["IdempotencyInFlight"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyMismatch"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    bulkCreateRecords: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the request safe to retry: 1 to 255 printable ASCII characters (no spaces), e.g. a
                 *     UUID, new for each distinct create and the same for every retry of it. Scoped to the
                 *     username of the `api-key`. A request that succeeded (201) is answered again with the same
                 *     status, headers and body (and `Idempotent-Replayed: true`) for `IDEMPOTENCY_TTL_HOURS`
                 *     (default 24), creating nothing more; the answer is committed in the same transaction as
                 *     the records, so a crash never separates them. The same key with a different request is a
                 *     422; while the first is still in flight, a 409 with `Retry-After`. A request that failed
                 *     stores nothing: its key may be used again.
                 */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "timestamp": 6789998212,
                 *         "value1": "Hello",
                 *         "value2": 2021.01,
                 *         "value3": true
                 *       },
                 *       {
                 *         "value1": "World"
                 *       }
                 *     ]
                 */
                "application/json": components["schemas"]["RecordInputList"];
            };
        };
        responses: {
            /** @description Every record was created. */
            201: {
                headers: {
                    "Idempotent-Replayed": components["headers"]["IdempotentReplayed"];
                    "Phoenix-Consistency-Token": components["headers"]["ConsistencyToken"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "success",
                     *       "message": "Your entries have successfully been added to the database!",
                     *       "records_info": [
                     *         {
                     *           "id": 5,
                     *           "timestamp": 6789998212,
                     *           "value1": "Hello",
                     *           "value2": 2021.01,
                     *           "value3": true,
                     *           "lastmodifiedby": "sumit",
                     *           "creationdate": "2026-11-25T09:30:00.000Z",
                     *           "lastmodificationdate": "2026-11-25T09:30:00.000Z"
                     *         },
                     *         {
                     *           "id": 6,
                     *           "timestamp": null,
                     *           "value1": "World",
                     *           "value2": null,
                     *           "value3": null,
                     *           "lastmodifiedby": "sumit",
                     *           "creationdate": "2026-11-25T09:30:00.000Z",
                     *           "lastmodificationdate": "2026-11-25T09:30:00.000Z"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["RecordsCreated"];
                };
            };
            400: components["responses"]["InvalidRecordList"];
            401: components["responses"]["Unauthenticated"];
            408: components["responses"]["RequestTimeout"];
            409: components["responses"]["IdempotencyInFlight"];
            413: components["responses"]["BulkPayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["IdempotencyMismatch"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    readRecord: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description ETags of the record you hold (or `*`): when the record's current ETag is among them
                 *     (weak comparison, RFC 9110 §13.1.2), the answer is a 304 with no body.
                 */
                "If-None-Match"?: components["parameters"]["IfNoneMatch"];
                /**
                 * @description The `Phoenix-Consistency-Token` of a write's response, sent back unchanged: the read then
                 *     sees that write and every write answered before it (read your writes), through any
                 *     instance. It is opaque: do not build, change or compare tokens. With a replica
                 *     (`READ_DATABASE_URL`) the read is answered from the replica once it has caught up with
                 *     the token (it is given up to 250 ms), otherwise from the primary. Without a replica
                 *     every read already sees every write, and a token changes nothing. A value that is not
                 *     such a token is a 400 naming this header, with or without a replica.
                 */
                "Phoenix-Consistency-Token"?: components["parameters"]["ConsistencyToken"];
            };
            path: {
                /** @description The id of a record. */
                record_id: components["parameters"]["RecordId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The record. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "success",
                     *       "message": "Record found!",
                     *       "record_info": {
                     *         "id": 5,
                     *         "timestamp": 828283281.21,
                     *         "value1": "No, I don't think I will..",
                     *         "value2": 781230.21,
                     *         "value3": true,
                     *         "lastmodifiedby": "captain_america",
                     *         "creationdate": "2026-11-25T09:30:00.000Z",
                     *         "lastmodificationdate": "2026-11-25T09:30:00.000Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RecordFound"];
                };
            };
            304: components["responses"]["NotModified"];
            400: components["responses"]["InvalidRead"];
            404: components["responses"]["RecordNotFound"];
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    readRecordHead: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description ETags of the record you hold (or `*`): when the record's current ETag is among them
                 *     (weak comparison, RFC 9110 §13.1.2), the answer is a 304 with no body.
                 */
                "If-None-Match"?: components["parameters"]["IfNoneMatch"];
                /**
                 * @description The `Phoenix-Consistency-Token` of a write's response, sent back unchanged: the read then
                 *     sees that write and every write answered before it (read your writes), through any
                 *     instance. It is opaque: do not build, change or compare tokens. With a replica
                 *     (`READ_DATABASE_URL`) the read is answered from the replica once it has caught up with
                 *     the token (it is given up to 250 ms), otherwise from the primary. Without a replica
                 *     every read already sees every write, and a token changes nothing. A value that is not
                 *     such a token is a 400 naming this header, with or without a replica.
                 */
                "Phoenix-Consistency-Token"?: components["parameters"]["ConsistencyToken"];
            };
            path: {
                /** @description The id of a record. */
                record_id: components["parameters"]["RecordId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The record exists; no body. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            304: components["responses"]["NotModified"];
            /** @description The record id is invalid, or `Phoenix-Consistency-Token` is malformed; no body. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No record has this id; no body. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            /** @description As for GET; no body. */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    modifyRecord: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Apply the change only if the record is still at one of these versions: its ETags, as
                 *     read (or `*`, any version). Compared strongly (RFC 9110 §13.1.1): a weak `W/"3"` never
                 *     matches, nor does anything that is not `*` or a list of ETags. The check and the write
                 *     are one atomic step, so of several clients writing with the same ETag exactly one
                 *     succeeds; the others get a 412 with the current ETag. Without it, the write is
                 *     unconditional (as in v1).
                 */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The id of a record. */
                record_id: components["parameters"]["RecordId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "value1": "Yes I think I won't....",
                 *       "value2": 1920.02,
                 *       "value3": false
                 *     }
                 */
                "application/json": components["schemas"]["RecordPatch"];
            };
        };
        responses: {
            /** @description The record was modified. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    "Phoenix-Consistency-Token": components["headers"]["ConsistencyToken"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "success",
                     *       "message": "Your record has successfully been modified!",
                     *       "record_info": {
                     *         "id": 5,
                     *         "timestamp": 828283281.21,
                     *         "value1": "Yes I think I won't....",
                     *         "value2": 1920.02,
                     *         "value3": false,
                     *         "lastmodifiedby": "falcon",
                     *         "creationdate": "2026-11-25T09:30:00.000Z",
                     *         "lastmodificationdate": "2026-11-25T11:15:42.512Z"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["RecordModified"];
                };
            };
            400: components["responses"]["InvalidRecordPatch"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["RecordNotFound"];
            408: components["responses"]["RequestTimeout"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    removeRecord: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Apply the change only if the record is still at one of these versions: its ETags, as
                 *     read (or `*`, any version). Compared strongly (RFC 9110 §13.1.1): a weak `W/"3"` never
                 *     matches, nor does anything that is not `*` or a list of ETags. The check and the write
                 *     are one atomic step, so of several clients writing with the same ETag exactly one
                 *     succeeds; the others get a 412 with the current ETag. Without it, the write is
                 *     unconditional (as in v1).
                 */
                "If-Match"?: components["parameters"]["IfMatch"];
            };
            path: {
                /** @description The id of a record. */
                record_id: components["parameters"]["RecordId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The record was removed. */
            200: {
                headers: {
                    "Phoenix-Consistency-Token": components["headers"]["ConsistencyToken"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "success",
                     *       "message": "Your record has been removed!"
                     *     }
                     */
                    "application/json": components["schemas"]["RecordRemoved"];
                };
            };
            400: components["responses"]["InvalidRecordId"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["RecordNotFound"];
            408: components["responses"]["RequestTimeout"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getHistory: {
        parameters: {
            query?: {
                /** @description At most this many entries (1 to 1000, default 1000). */
                limit?: components["parameters"]["HistoryLimit"];
                /** @description Only entries whose version is greater than this one. */
                after_version?: components["parameters"]["HistoryAfterVersion"];
            };
            header?: {
                /**
                 * @description The `Phoenix-Consistency-Token` of a write's response, sent back unchanged: the read then
                 *     sees that write and every write answered before it (read your writes), through any
                 *     instance. It is opaque: do not build, change or compare tokens. With a replica
                 *     (`READ_DATABASE_URL`) the read is answered from the replica once it has caught up with
                 *     the token (it is given up to 250 ms), otherwise from the primary. Without a replica
                 *     every read already sees every write, and a token changes nothing. A value that is not
                 *     such a token is a 400 naming this header, with or without a replica.
                 */
                "Phoenix-Consistency-Token"?: components["parameters"]["ConsistencyToken"];
            };
            path: {
                /** @description The id of a record. */
                record_id: components["parameters"]["RecordId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The record's changes, oldest first. */
            200: {
                headers: {
                    /**
                     * @description Present while more entries may follow: the next page, as
                     *     `</api/history/5?limit=…&after_version=…>; rel="next"`.
                     */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "success",
                     *       "message": "History found!",
                     *       "history": [
                     *         {
                     *           "change_id": 17,
                     *           "version": 1,
                     *           "operation": "create",
                     *           "username": "sumit",
                     *           "at": "2026-11-25T09:30:00.000Z",
                     *           "record": {
                     *             "id": 5,
                     *             "timestamp": 6789998212,
                     *             "value1": "Hello",
                     *             "value2": 2021.01,
                     *             "value3": true,
                     *             "lastmodifiedby": "sumit",
                     *             "creationdate": "2026-11-25T09:30:00.000Z",
                     *             "lastmodificationdate": "2026-11-25T09:30:00.000Z"
                     *           }
                     *         },
                     *         {
                     *           "change_id": 23,
                     *           "version": 2,
                     *           "operation": "modify",
                     *           "username": "falcon",
                     *           "at": "2026-11-25T11:15:42.512Z",
                     *           "record": {
                     *             "id": 5,
                     *             "timestamp": 6789998212,
                     *             "value1": "Hello again",
                     *             "value2": 2021.01,
                     *             "value3": true,
                     *             "lastmodifiedby": "falcon",
                     *             "creationdate": "2026-11-25T09:30:00.000Z",
                     *             "lastmodificationdate": "2026-11-25T11:15:42.512Z"
                     *           }
                     *         },
                     *         {
                     *           "change_id": 31,
                     *           "version": 3,
                     *           "operation": "remove",
                     *           "username": "sumit",
                     *           "at": "2026-11-25T12:00:00.000Z",
                     *           "record": {
                     *             "id": 5,
                     *             "timestamp": 6789998212,
                     *             "value1": "Hello again",
                     *             "value2": 2021.01,
                     *             "value3": true,
                     *             "lastmodifiedby": "falcon",
                     *             "creationdate": "2026-11-25T09:30:00.000Z",
                     *             "lastmodificationdate": "2026-11-25T11:15:42.512Z"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["HistoryFound"];
                };
            };
            /** @description The record id or a query parameter is invalid or unknown, or `Phoenix-Consistency-Token` is malformed. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Failure"];
                };
            };
            /** @description No record with this id exists or ever existed. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "failed",
                     *       "message": "The record does not exist! Please try a different record number!"
                     *     }
                     */
                    "application/json": components["schemas"]["Failure"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getChanges: {
        parameters: {
            query?: {
                /** @description Send every change after this `change_id` first. */
                after?: number;
            };
            header?: {
                /** @description The `id` of the last event received, as `EventSource` sends it when it reconnects. */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /**
             * @description An endless `text/event-stream`. Each event is `id: <change_id>`, `event: <operation>`
             *     and `data: <history entry as JSON>` lines, then an empty line.
             */
            200: {
                headers: {
                    /** @description Always `no-store`. */
                    "Cache-Control": "no-store";
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example retry: 1000
                     *
                     *     id: 23
                     *     event: modify
                     *     data: {"change_id":23,"version":2,"operation":"modify","username":"falcon","at":"2026-11-25T11:15:42.512Z","record":{"id":5,"timestamp":6789998212,"value1":"Hello again","value2":2021.01,"value3":true,"lastmodifiedby":"falcon","creationdate":"2026-11-25T09:30:00.000Z","lastmodificationdate":"2026-11-25T11:15:42.512Z"}}
                     *
                     *     : heartbeat
                     */
                    "text/event-stream": string;
                };
            };
            /** @description `after` or `Last-Event-ID` is not a change id, or the query has an unknown parameter. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Failure"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ok"
                     *     }
                     */
                    "application/json": components["schemas"]["Health"];
                };
            };
            400: components["responses"]["BadRequest"];
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getHealthHead: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is up; no body. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request could not be read; no body. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            /** @description As for GET; no body. */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The database is reachable. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            400: components["responses"]["BadRequest"];
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            /** @description The database is not reachable. */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "unavailable"
                     *     }
                     */
                    "application/json": components["schemas"]["Unready"];
                };
            };
        };
    };
    getReadinessHead: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The database is reachable; no body. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request could not be read; no body. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
            /** @description As for GET; no body. */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example # HELP http_requests_total HTTP requests answered
                     *     # TYPE http_requests_total counter
                     *     http_requests_total{method="GET",route="/api/read/:record_id",status_code="200"} 42
                     */
                    "text/plain": string;
                };
            };
            400: components["responses"]["BadRequest"];
            408: components["responses"]["RequestTimeout"];
            431: components["responses"]["HeadersTooLarge"];
        };
    };
}
