import { hostname } from 'node:os'
import postgres, { type Sql } from 'postgres'

export interface DatabaseOptions {
  url: string
  poolMax: number
  /** Seconds a statement may take, waiting for a connection included (see statements.ts). */
  queryTimeoutSeconds: number
  /**
   * `url` is a transaction pooler (PgBouncer with `pool_mode = transaction`; DIRECT_DATABASE_URL
   * set): consecutive statements may run on different server sessions, so nothing may be prepared
   * or left in a session, and only the startup parameters PgBouncer tracks may be sent.
   */
  transactionPooler?: boolean
}

/** Unique to this process, so that its connections can be told apart from other instances' (metrics). */
export const applicationName = `phoenix/${hostname()}/${process.pid}`.slice(0, 63)

/**
 * PostgreSQL's text form of a timestamptz ('2026-01-01 00:00:00.12+00') as RFC 3339 UTC text
 * with milliseconds, exactly as `Date#toISOString` writes it: the form the API shows. Sessions
 * run in UTC with at most millisecond precision (`timestamptz(3)`), so the common case is a few
 * slices; anything else (another offset, more digits, a year past 9999 or BC) goes through a Date.
 * This runs twice per record, 200,000 times for a list of 100,000: a regex and a Date each time
 * were 40% of what such a list allocated.
 */
export function timestamptzToIso (value: string): string {
  const length = value.length
  if (value.charCodeAt(4) === 0x2d && value.charCodeAt(10) === 0x20 && value.endsWith('+00')) {
    if (length === 22) return `${value.slice(0, 10)}T${value.slice(11, 19)}.000Z`
    if (length >= 24 && length <= 26 && value.charCodeAt(19) === 0x2e) {
      return `${value.slice(0, 10)}T${value.slice(11, 19)}.${value.slice(20, length - 3).padEnd(3, '0')}Z`
    }
  }
  return new Date(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString()
}

// timestamptz (oid 1184) as text instead of a Date.
const timestamptz = {
  to: 1184,
  from: [1184],
  serialize: (value: string | Date) => (value instanceof Date ? value : new Date(value)).toISOString(),
  parse: timestamptzToIso
}

export function createSql ({ url, poolMax, queryTimeoutSeconds, transactionPooler = false }: DatabaseOptions): Sql<{ timestamptz: string }> {
  return postgres(url, {
    // A named prepared statement lives in one server session, which a transaction pooler hands to
    // another client after the statement: unnamed ones (parsed anew each time) work anywhere.
    prepare: !transactionPooler,
    max: poolMax,
    // Fail fast while the database is unreachable: the request gets a 503, not a hang. By default
    // postgres.js waits longer and longer between reconnects (up to 20 s, the count shared by the
    // whole pool) and queues queries behind those waits; every query tries to connect at once
    // instead, so each gets its answer (a 503, or success once the database is back) at once.
    backoff: () => 0,
    connect_timeout: Math.min(5, queryTimeoutSeconds),
    // Only the built-in types are used: no round trip to look up others on every new connection.
    fetch_types: false,
    idle_timeout: 60,
    max_lifetime: 30 * 60,
    onnotice: () => {},
    types: { timestamptz },
    connection: {
      application_name: applicationName,
      TimeZone: 'UTC',
      // The server's own bound, for statements a deadline abandoned (see statements.ts). PgBouncer
      // refuses a client that sends it (it forwards only the parameters it tracks, application_name
      // and TimeZone among them): behind one, the role's default carries it (boundStatements).
      ...(transactionPooler ? {} : { statement_timeout: queryTimeoutSeconds * 1000 })
    }
  })
}

/**
 * Behind a transaction pooler, the server-side statement bound (QUERY_TIMEOUT_SECONDS) as the
 * default of the role the pooler logs in as, in this database only: every session the pooler
 * opens from now on starts with it. The session that runs this gets it too (same query string,
 * so the same server session), as does one opened before the setting existed only when the pooler
 * replaces it (PgBouncer's server_lifetime). A role that may not change its own defaults leaves
 * the bound to the operator (README); the client-side deadline (statements.ts) holds regardless.
 */
export async function boundStatements (sql: Sql, queryTimeoutSeconds: number): Promise<'set' | 'refused'> {
  const [row] = await sql<[{ database: string }]>`SELECT current_database() AS database`
  const database = `"${row.database.replaceAll('"', '""')}"`
  const ms = queryTimeoutSeconds * 1000
  try {
    await sql.unsafe(`ALTER ROLE CURRENT_USER IN DATABASE ${database} SET statement_timeout = ${ms}; SET statement_timeout = ${ms}`).simple()
    return 'set'
  } catch (error) {
    // insufficient_privilege
    if ((error as { code?: unknown }).code === '42501') return 'refused'
    throw error
  }
}
