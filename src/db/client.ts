import { hostname } from 'node:os'
import postgres, { type MaybeRow, type PendingQuery, type RowList, type Sql } from 'postgres'

export interface DatabaseOptions {
  url: string
  poolMax: number
  /** Seconds a statement may take, waiting for a connection included (see bounded). */
  queryTimeoutSeconds: number
}

/** A statement that did not complete within its deadline: the request gets a 503. */
export class QueryTimeoutError extends Error {
  readonly code = 'QUERY_TIMEOUT'

  constructor (ms: number) {
    super(`the database did not answer within ${ms} ms`)
    this.name = 'QueryTimeoutError'
  }
}

/**
 * Waits at most `ms` for a statement, waiting for a pool connection included: `statement_timeout`
 * is enforced by the server, so it cannot end a wait on a database that is frozen or cut off.
 * A statement still queued for a connection when the time is up is withdrawn, so it never runs.
 * One already sent (running, or next in line on its connection: see max_pipeline in createSql)
 * is abandoned to `statement_timeout`, not cancelled: postgres.js would
 * send a CancelRequest, which PostgreSQL applies to whatever the backend runs when it arrives,
 * possibly a later statement on the same connection.
 */
export async function bounded<T extends readonly MaybeRow[]> (query: PendingQuery<T>, ms: number): Promise<RowList<T>> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      // postgres.js gives a query its connection's `state` when it is sent (3.4.9, src/connection.js).
      if ((query as unknown as { state?: unknown }).state === undefined) query.cancel()
      reject(new QueryTimeoutError(ms))
    }, ms)
  })
  try {
    return await Promise.race([query, deadline])
  } finally {
    clearTimeout(timer)
  }
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

export function createSql ({ url, poolMax, queryTimeoutSeconds }: DatabaseOptions): Sql<{ timestamptz: string }> {
  return postgres(url, {
    max: poolMax,
    // At most one statement waits on a connection behind the running one (postgres.js parses
    // this option, src/index.js, but does not type it; 0 would break sql.begin): the others wait
    // in this process until a connection is free, where a deadline can still withdraw them (see
    // bounded), instead of queueing, up to 100 deep, behind a statement on a server that may be
    // frozen, to run whenever it thaws.
    ...{ max_pipeline: 1 },
    // Fail fast while the database is unreachable: the request gets a 503, not a hang. By default
    // postgres.js waits longer and longer between reconnects (up to 20 s, the count shared by the
    // whole pool) and queues queries behind those waits; every query tries to connect at once
    // instead, so each gets its answer (a 503, or success once the database is back) at once.
    backoff: () => 0,
    connect_timeout: Math.min(5, queryTimeoutSeconds),
    idle_timeout: 60,
    max_lifetime: 30 * 60,
    onnotice: () => {},
    types: { timestamptz },
    connection: {
      application_name: applicationName,
      TimeZone: 'UTC',
      // The server's own bound, for statements a deadline abandoned (see bounded).
      statement_timeout: queryTimeoutSeconds * 1000
    }
  })
}
