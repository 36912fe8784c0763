// The live change feed's reader (the contract's v2 "Live change feed"): one per instance, however
// many clients are connected. It reads record_history in change_id order and hands each entry to
// every connected client once; a client that connects or reconnects with the last id it saw is
// first given what it missed, from the table, then joins the live entries.
//
// change_id comes from a sequence, so ids are taken in one order and committed in another: id 8
// may be visible while id 7's transaction is still running. Handing out 8 then would lose 7 for
// good (every client's cursor is past it). So entries are handed out only up to a horizon below
// which every id is settled (committed or rolled back): the sequence's last value, read by one
// statement, is settled once every transaction that was running at the next statement has ended.
// A transaction takes an id only after its first write (the record's), so it has an xid by then,
// and the running xids are listed by pg_stat_get_activity (this database's only: a transaction
// elsewhere on the server cannot hold one of its ids, and must not hold its feed back). Not a
// snapshot's xmin and xmax: xmax is one past the latest *completed* xid, and a snapshot ignores
// running xids at or above it, so a transaction that started after the last commit was invisible
// to both, and its ids were passed over while it ran. The horizon thus trails the newest entry by two quick
// statements; a long-running writing transaction holds it back until it ends.
//
// What wakes the readers: an instance that made a change wakes its own reader at once and tells the
// others with a NOTIFY on `record_history`, after the change committed and at most every
// notifyGapMs, from a transaction of its own. Not from a trigger in the writing transaction: a
// transaction that notifies takes a database-wide lock at commit and holds it through the commit's
// WAL flush, which put every write in single file (1,400 → 206 inserts a second with pgbench,
// 8 clients). Changes made with plain SQL wake no one: every reader also looks every second.
import type { FastifyInstance } from 'fastify'
import { entryOf, historyColumns, type HistoryRow } from './routes/history.js'

/** A batch of entries in change_id order, as Server-Sent Events text. */
export interface Batch {
  /** The last change_id the batch covers (ids rolled back leave gaps: possibly with no event). */
  last: number
  /** The events, one per entry: `id:`, `event:` and `data:` lines. */
  events: Array<{ id: number, text: string }>
}

export interface Subscriber {
  /** The last change_id this subscriber has been given. */
  cursor: number
  /** Takes SSE text in id order; a subscriber that cannot keep up ends itself. */
  send: (text: string) => void
}

const pageSize = 1000
// However often notifications come, the horizon is looked at no more often than this.
const pollGapMs = 20
// Without notifications (one missed, the listener reconnecting, a change made with SQL), still this often.
const pollEveryMs = 1000
// This instance's own changes are announced to the others at most this often.
const notifyGapMs = 20
/** The channel that wakes the readers of every instance. */
export const feedChannel = 'record_history'

const textOf = (events: Batch['events']): string => events.map((event) => event.text).join('')

export class ChangeFeed {
  /** Every change_id up to here is settled and has been handed to the live subscribers. */
  horizon = 0
  private started: Promise<void> | undefined
  private handingOut = false
  private readonly live = new Set<Subscriber>()
  private readonly pending: Array<{ value: number, until: Set<string> }> = []
  private lastValue = 0
  private polling: Promise<void> | undefined
  private again = false
  private timer: NodeJS.Timeout | undefined
  private closed = false
  private notifying = false
  private notifyAgain = false

  constructor (private readonly app: FastifyInstance) {}

  /** Settles the first horizon (two statements), then polls on every wake-up and every second. */
  async start (): Promise<void> {
    this.started ??= (async () => {
      await this.poll()
      await this.poll()
      this.handingOut = true
      this.timer = setInterval(() => { this.wake() }, pollEveryMs)
      this.timer.unref()
    })().catch((error: unknown) => {
      this.started = undefined
      throw error
    })
    await this.started
  }

  /** This instance committed a change: wake its own reader, and the others' through a NOTIFY. */
  changed (): void {
    this.wake()
    if (this.notifying) {
      this.notifyAgain = true
      return
    }
    this.notifying = true
    this.app.db(this.app.sql`SELECT pg_notify(${feedChannel}, '')`)
      .catch(() => {}) // The database is away: the other readers look again within a second anyway.
      .finally(() => {
        setTimeout(() => {
          this.notifying = false
          if (this.notifyAgain) {
            this.notifyAgain = false
            this.changed()
          }
        }, notifyGapMs).unref()
      })
  }

  /** Something was committed (a notification), or may have been: look again soon. */
  wake (): void {
    if (this.closed || !this.handingOut) return
    if (this.polling !== undefined) {
      this.again = true
      return
    }
    this.polling = this.poll()
      .catch((error: unknown) => { this.app.log.warn({ err: error }, 'change feed: could not read new changes') })
      .then(async () => { await new Promise((resolve) => setTimeout(resolve, pollGapMs)) })
      .finally(() => {
        this.polling = undefined
        // Changes not yet settled at this poll are settled at a later one.
        if (this.again || this.lastValue > this.horizon) {
          this.again = false
          this.wake()
        }
      })
  }

  /** The last change_id taken so far: a subscriber after it starts with the next change. */
  async latest (): Promise<number> {
    return (await this.state()).value
  }

  /**
   * Adds a subscriber after change_id `after`: first the entries it missed, read from the table a
   * page at a time (`paced` resolves when it may take the next page, false when it is gone), then
   * the live ones. Undefined when it left meanwhile.
   */
  async subscribe (send: Subscriber['send'], after: number, paced: () => Promise<boolean>): Promise<Subscriber | undefined> {
    await this.start()
    const subscriber: Subscriber = { send, cursor: after }
    for (;;) {
      // Caught up: from now on it is handed what the horizon passes (this check and the join run
      // with no await between them, so no entry can slip past in between).
      if (subscriber.cursor >= this.horizon) {
        this.live.add(subscriber)
        return subscriber
      }
      const batch = await this.read(subscriber.cursor, this.horizon)
      if (this.closed) return undefined
      if (batch.events.length > 0) send(textOf(batch.events))
      subscriber.cursor = batch.last
      if (!await paced()) return undefined
    }
  }

  unsubscribe (subscriber: Subscriber): void {
    this.live.delete(subscriber)
  }

  /** Sends `text` (a comment: the heartbeat) to every live subscriber. */
  broadcast (text: string): void {
    for (const subscriber of this.live) subscriber.send(text)
  }

  /** Stops reading; the subscribers are the route's to end. */
  close (): void {
    this.closed = true
    clearInterval(this.timer)
    this.live.clear()
  }

  /** The last change_id taken, and the xids of the transactions running, when this statement ran. */
  private async state (): Promise<{ value: number, running: string }> {
    const { sql } = this.app
    const [state] = await this.app.db(sql<[{ value: number, running: string }]>`
      SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM record_history_change_id_seq)::float8 AS value,
             coalesce((
               SELECT string_agg(backend_xid::text, ',') FROM pg_stat_get_activity(NULL)
               WHERE backend_xid IS NOT NULL AND datid = (SELECT oid FROM pg_database WHERE datname = current_database())
             ), '') AS running
    `)
    return state
  }

  private async poll (): Promise<void> {
    const state = await this.state()
    const running = new Set(state.running === '' ? [] : state.running.split(','))
    // The value the previous statement read is settled once every transaction running at this
    // statement has ended.
    this.pending.push({ value: this.lastValue, until: running })
    this.lastValue = state.value
    let settled = this.horizon
    const ended = (xids: Set<string>): boolean => { for (const xid of xids) if (running.has(xid)) return false; return true }
    while (this.pending.length > 0 && ended(this.pending[0]!.until)) settled = Math.max(settled, this.pending.shift()!.value)
    // Starting: nothing is handed out below the first horizon.
    if (!this.handingOut) {
      this.horizon = settled
      return
    }
    while (this.horizon < settled) {
      const batch = await this.read(this.horizon, settled)
      this.horizon = batch.last
      if (batch.events.length === 0) continue
      const text = textOf(batch.events)
      const first = batch.events[0]!.id
      for (const subscriber of this.live) {
        // A subscriber that joined ahead of this instance (resuming with an id from another one).
        const fresh = subscriber.cursor < first ? text : textOf(batch.events.filter((event) => event.id > subscriber.cursor))
        subscriber.cursor = Math.max(subscriber.cursor, batch.last)
        if (fresh !== '') subscriber.send(fresh)
      }
    }
  }

  /** The entries after `after` up to `until`, a page at most. */
  private async read (after: number, until: number): Promise<Batch> {
    const { sql } = this.app
    const rows = await this.app.db(sql<HistoryRow[]>`
      SELECT ${historyColumns(sql)} FROM record_history
      WHERE change_id > ${after} AND change_id <= ${until}
      ORDER BY change_id LIMIT ${pageSize}
    `)
    const events = rows.map((row) => ({
      id: row.change_id,
      text: `id: ${row.change_id}\nevent: ${row.operation}\ndata: ${JSON.stringify(entryOf(row))}\n\n`
    }))
    return { last: rows.length < pageSize ? until : events[events.length - 1]!.id, events }
  }
}
