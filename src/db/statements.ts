// Client-side deadlines for statements (QUERY_TIMEOUT_SECONDS): see Statements.
import type { MaybeRow, PendingQuery, RowList } from 'postgres'

/** A statement that did not complete within its deadline: the request gets a 503. */
export class QueryTimeoutError extends Error {
  readonly code = 'QUERY_TIMEOUT'

  constructor (ms: number) {
    super(`the database did not answer within ${ms} ms`)
    this.name = 'QueryTimeoutError'
  }
}

/** The deadline of a probe's statement (/readyz, /metrics): they answer within 2 s whatever the database does. */
export const probeWithinMs = 1500

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
 * running and one queued behind it on each connection, which keeps postgres.js's pipelining; the
 * pool itself behind a transaction pooler, where nothing is pipelined);
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
  private queue: Pending[] = []
  private readonly running = new Set<Pending>()
  private readonly sweep: NodeJS.Timeout

  constructor (private readonly inFlightMax: number) {
    this.sweep = setInterval(() => { this.expire(Date.now()) }, 100)
    this.sweep.unref()
  }

  run<T extends readonly MaybeRow[]> (query: PendingQuery<T>, ms: number): Promise<RowList<T>> {
    // Calling then() on the query is what sends it (postgres.js queries are lazy promises).
    return this.start(() => query, ms)
  }

  /**
   * Runs `work` (a transaction: `sql.begin(…)`) within the deadline like a statement: started only
   * when it gets a place, abandoned (never cancelled) when the deadline passes while it runs.
   */
  transaction<T> (work: () => Promise<T>, ms: number): Promise<T> {
    return this.start(work, ms)
  }

  private start<T> (work: () => Promise<T>, ms: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        deadline: Date.now() + ms,
        settled: false,
        send: () => {
          this.running.add(pending)
          work().then((result) => {
            this.finish(pending)
            resolve(result)
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
      if (this.running.size < this.inFlightMax) pending.send()
      else this.queue.push(pending)
    })
  }

  private finish (pending: Pending): void {
    pending.settled = true
    this.running.delete(pending)
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
