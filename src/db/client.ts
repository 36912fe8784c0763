import { hostname } from 'node:os'
import postgres, { type MaybeRow, type PendingQuery, type RowList, type Sql } from 'postgres'

export interface DatabaseOptions {
  url: string
  poolMax: number
  /** Seconds a statement may take, waiting for a connection included (see Statements). */
  queryTimeoutSeconds: number
}

/** Unique to this process, so that its connections can be told apart from other instances' (metrics). */
export const applicationName = `phoenix/${hostname()}/${process.pid}`.slice(0, 63)

/** A statement that did not complete within its deadline: the request gets a 503. */
export class QueryTimeoutError extends Error {
  readonly code = 'QUERY_TIMEOUT'

  constructor (ms: number) {
    super(`the database did not answer within ${ms} ms`)
    this.name = 'QueryTimeoutError'
  }
}

interface Pending {
  deadline: number
  /** Hands the statement to the pool. */
  send: () => void
  /** Gives the caller its 503 (the statement itself is withdrawn only if not yet sent). */
  expire: () => void
  settled: boolean
}

/**
 * Runs statements within deadlines. `statement_timeout` is enforced by the server, so it cannot
 * end a wait on a database that is frozen or cut off, and postgres.js has no client-side timeout.
 * So at most `inFlightMax` statements are handed to postgres.js at once (twice the pool: one
 * running and one queued behind it on each connection, which keeps postgres.js's pipelining);
 * the others wait here, where a deadline withdraws them before anything is sent. A statement
 * already handed over is abandoned to `statement_timeout`, never cancelled: postgres.js's cancel()
 * sends a CancelRequest that PostgreSQL applies to whatever the backend runs when it arrives,
 * possibly a later statement on the same connection, and cancelling one not yet sent can leave a
 * connection that was being opened for it unused for good (the pool never hands it out again).
 * Its place is kept until it settles, so a frozen database holds at most `inFlightMax` places and
 * every other request gets its 503 at its deadline. Deadlines are checked by one sweep every
 * 100 ms, not a timer per statement: thousands of timers a second were measurable work.
 */
export class Statements {
  private inFlight = 0
  private queue: Pending[] = []
  private readonly running = new Set<Pending>()
  private readonly sweep: NodeJS.Timeout

  constructor (private readonly inFlightMax: number) {
    this.sweep = setInterval(() => { this.expire(Date.now()) }, 100)
    this.sweep.unref()
  }

  run<T extends readonly MaybeRow[]> (query: PendingQuery<T>, ms: number): Promise<RowList<T>> {
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        deadline: Date.now() + ms,
        settled: false,
        send: () => {
          this.inFlight += 1
          this.running.add(pending)
          // Awaiting the query is what sends it (postgres.js queries are lazy).
          query.then((rows) => {
            this.finish(pending)
            resolve(rows)
          }, (error: unknown) => {
            this.finish(pending)
            reject(error)
          })
        },
        expire: () => {
          pending.settled = true
          reject(new QueryTimeoutError(ms))
        }
      }
      if (this.inFlight < this.inFlightMax) pending.send()
      else this.queue.push(pending)
    })
  }

  private finish (pending: Pending): void {
    pending.settled = true
    this.running.delete(pending)
    this.inFlight -= 1
    // The next statement whose caller still waits takes the place.
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      if (!next.settled) {
        next.send()
        return
      }
    }
  }

  private expire (now: number): void {
    for (const pending of this.running) if (!pending.settled && pending.deadline <= now) pending.expire()
    // Withdrawn: a queued statement whose deadline passed is never sent.
    let expired = false
    for (const pending of this.queue) {
      if (!pending.settled && pending.deadline <= now) {
        pending.expire()
        expired = true
      }
    }
    if (expired) this.queue = this.queue.filter((pending) => !pending.settled)
  }

  close (): void {
    clearInterval(this.sweep)
  }
}

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
      // The server's own bound, for statements a deadline abandoned (see Statements).
      statement_timeout: queryTimeoutSeconds * 1000
    }
  })
}
