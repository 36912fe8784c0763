// READ_DATABASE_URL: a streaming replica (a hot standby) of the primary, for reads. This module
// keeps track of it (does it answer, is it still a standby, how far has it replayed the primary's
// WAL) and answers the one question read-your-writes needs: has it replayed up to a given point?
import type { MaybeRow, PendingQuery, RowList, Sql } from 'postgres'
import { createSql } from './client.js'
import { parseLsn } from './lsn.js'
import { probeWithinMs, Statements } from './statements.js'

/**
 * `ok`: it answers and is a standby. `unavailable`: it does not answer, or failed a read.
 * `not_a_standby`: it answers but is not in recovery (promoted, or never was a replica): its data
 * may have left the primary's, so nothing is read from it.
 */
export type ReplicaState = 'ok' | 'unavailable' | 'not_a_standby'

export interface ReplicaStatus {
  state: ReplicaState
  /** Seconds its data trails what it has received: 0 when it has replayed all of it (null: unknown). */
  lagSeconds: number | null
  /** How far it has replayed the primary's WAL (undefined: unknown). */
  replayed: bigint | undefined
}

export interface ReplicaOptions {
  url: string
  poolMax: number
  queryTimeoutSeconds: number
  /** Told when the state changes (for the log: an operator wants to know when reads move). */
  onChange?: (status: ReplicaStatus) => void
}

// The state is refreshed this often, and while reads wait for the replica to catch up, this often.
const monitorEveryMs = 1000
const pollEveryMs = 10

interface Waiter {
  lsn: bigint
  resolve: (caughtUp: boolean) => void
}

export class Replica {
  readonly sql: Sql
  private readonly statements: Statements
  private current: ReplicaStatus = { state: 'unavailable', lagSeconds: null, replayed: undefined }
  private known = false
  // A probe that began before a read failed must not declare the replica healthy again.
  private generation = 0
  private probing: Promise<ReplicaStatus> | undefined
  private readonly waiters = new Set<Waiter>()
  private polling = false
  private readonly monitor: NodeJS.Timeout

  constructor (private readonly options: ReplicaOptions) {
    this.sql = createSql(options)
    // Its own bound on statements in flight: a frozen replica holds its own places, never the primary's.
    this.statements = new Statements(options.poolMax * 2)
    this.monitor = setInterval(() => { this.probe().catch(() => {}) }, monitorEveryMs)
    this.monitor.unref()
  }

  /** Whether reads may go to it now (the last probe found it answering, and a standby). */
  get usable (): boolean {
    return this.current.state === 'ok'
  }

  run<T extends readonly MaybeRow[]> (query: PendingQuery<T>, ms: number): Promise<RowList<T>> {
    return this.statements.run(query, ms)
  }

  /** Asks the replica how it is (within probeWithinMs), at most one question at a time. */
  probe (): Promise<ReplicaStatus> {
    this.probing ??= this.ask().finally(() => { this.probing = undefined })
    return this.probing
  }

  private async ask (): Promise<ReplicaStatus> {
    const generation = this.generation
    let status: ReplicaStatus
    try {
      // PostgreSQL's own replication lag formula: the age of the last replayed transaction while
      // there is received WAL left to replay, else 0 (an idle primary sends nothing to replay).
      const [row] = await this.statements.run(this.sql<[{ standby: boolean, replayed: string | null, lag: number | null }]>`
        SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replayed,
          CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS lag
      `, probeWithinMs)
      const replayed = row.replayed === null ? undefined : parseLsn(row.replayed)
      status = row.standby
        ? { state: 'ok', lagSeconds: row.lag === null ? null : Math.max(0, row.lag), replayed }
        : { state: 'not_a_standby', lagSeconds: null, replayed: undefined }
    } catch {
      status = { state: 'unavailable', lagSeconds: null, replayed: undefined }
    }
    if (generation === this.generation) this.set(status)
    this.settleWaiters()
    return status
  }

  // The first state found is news too.
  private set (status: ReplicaStatus): void {
    const changed = !this.known || status.state !== this.current.state
    this.known = true
    this.current = status
    if (changed) this.options.onChange?.(status)
  }

  /** A read on it failed: nothing more is sent to it until a probe (at once) finds it well. */
  suspect (): void {
    this.generation += 1
    this.set({ state: 'unavailable', lagSeconds: null, replayed: undefined })
    this.settleWaiters()
    this.probe().catch(() => {})
  }

  /**
   * Resolves true once the replica has replayed the primary's WAL up to `lsn`, false if it has not
   * within `ms` (or is not usable). Replayed WAL stays replayed, so a position seen once needs no
   * further question; while reads wait, one loop asks the replica every pollEveryMs for all of them.
   */
  async caughtUp (lsn: bigint, ms: number): Promise<boolean> {
    if (!this.usable) return false
    if (this.current.replayed !== undefined && this.current.replayed >= lsn) return true
    return await new Promise<boolean>((resolve) => {
      const waiter: Waiter = { lsn, resolve: (caughtUp) => { clearTimeout(timer); this.waiters.delete(waiter); resolve(caughtUp) } }
      const timer = setTimeout(() => { waiter.resolve(false) }, ms)
      this.waiters.add(waiter)
      this.poll()
    })
  }

  private settleWaiters (): void {
    const { state, replayed } = this.current
    for (const waiter of this.waiters) {
      if (state !== 'ok') waiter.resolve(false)
      else if (replayed !== undefined && replayed >= waiter.lsn) waiter.resolve(true)
    }
  }

  private poll (): void {
    if (this.polling) return
    this.polling = true
    const loop = async (): Promise<void> => {
      try {
        while (this.waiters.size > 0) {
          await this.probe()
          await new Promise((resolve) => setTimeout(resolve, pollEveryMs))
        }
      } finally {
        // In the same step as the last look at the waiters: one added later starts a new loop.
        this.polling = false
      }
    }
    loop().catch(() => {})
  }

  async close (): Promise<void> {
    clearInterval(this.monitor)
    for (const waiter of this.waiters) waiter.resolve(false)
    this.statements.close()
    await this.sql.end({ timeout: 5 })
  }
}
