// One LISTEN connection per app, and whether what it hears can be trusted right now.
//
// postgres.js's `sql.listen` runs on a dedicated connection, LISTENs again after every reconnect
// and then calls `onlisten` again, but it never says that the connection dropped; and one that
// broke silently (a half-open socket, a pooler that swallows notifications) never drops at all.
// So a channel of its own carries a heartbeat: every `heartbeatMs` the app pings it through its
// pool, and the listener counts as live until `staleAfterBeats` heartbeats in a row pass unheard
// (with the defaults, within a second). Beats rather than milliseconds: an event loop that
// stalls delays the heartbeat and its echo alike, so a stall alone never looks like silence.
// PostgreSQL delivers a connection's notifications in commit order, so hearing a ping proves that
// whatever was committed before it has been heard too. The key cache (plugins/auth.ts) and the
// change feed (feed.ts) share the connection.
import { hostname } from 'node:os'
import type { FastifyBaseLogger } from 'fastify'
import postgres, { type PendingQuery, type Row, type Sql } from 'postgres'

/** A heartbeat's payload. */
export const ping = ''

export interface ListenerOptions {
  url: string
  /** Sends the heartbeat: the app's pool. */
  pool: Sql
  /** Runs the heartbeat's statement (default: as it is), so that it counts among the app's statements. */
  send?: (query: PendingQuery<Row[]>) => Promise<unknown>
  log: FastifyBaseLogger
  heartbeatMs?: number
  staleAfterBeats?: number
  /** Where the heartbeat goes (a channel of its own unless a test says otherwise). */
  heartbeatChannel?: string
}

export interface ChannelHandlers {
  /** Every payload heard on the channel (a heartbeat's excepted). */
  onNotify: (payload: string) => void
  /**
   * Called whenever notifications may have been missed: at every (re)LISTEN, and when the
   * connection is heard again after it went quiet.
   */
  onReset: () => void
}

export interface Listener {
  /** True while every notification on the channels is known to reach this process. */
  readonly live: boolean
  /** Listens to `channel` too (the connection opens with the first channel). */
  on: (channel: string, handlers: ChannelHandlers) => void
  close: () => Promise<void>
}

// Not the pool's application_name: this connection is not one of the pool's (see plugins/metrics.ts).
const applicationName = `phoenix-listen/${hostname()}/${process.pid}`.slice(0, 63)

/** One LISTEN connection for every channel the app hears, opened when the first is asked for. */
export function listen (options: ListenerOptions): Listener {
  const { log, heartbeatMs = 250, staleAfterBeats = 3, heartbeatChannel = 'phoenix_heartbeat' } = options
  const channels = new Map<string, ChannelHandlers>()
  let sql: Sql | undefined
  let timer: NodeJS.Timeout | undefined

  // Heartbeats since something was last heard; not live before the first LISTEN. PostgreSQL
  // delivers the notifications of one connection in commit order, whatever their channel, so a
  // heartbeat heard on its channel vouches for every channel.
  let quietBeats = Infinity
  const isLive = (): boolean => quietBeats < staleAfterBeats

  function heard (channel: string, payload: string): void {
    if (!isLive()) {
      for (const handlers of channels.values()) handlers.onReset()
      if (quietBeats !== Infinity) log.info('hearing notifications again')
    }
    quietBeats = 0
    if (channel !== heartbeatChannel || payload !== ping) channels.get(channel)?.onNotify(payload)
  }

  function subscribe (connection: Sql, channel: string): void {
    connection.listen(channel, (payload) => { heard(channel, payload) }, () => {
      // Whatever was sent while the connection was down is lost: start over.
      quietBeats = 0
      channels.get(channel)?.onReset()
      log.info({ channel }, 'listening for notifications')
    }).catch((error: unknown) => {
      // postgres.js keeps trying (see backoff); until it succeeds the listener is not live.
      log.warn({ err: error, channel }, 'LISTEN failed, retrying')
    })
  }

  function connect (): Sql {
    const connection = postgres(options.url, {
      max: 1,
      // sql.listen reconnects from the connection's close event, after this backoff: at once after
      // a drop, then once a second while the database stays away. The pool's backoff of 0 made it
      // retry in a tight loop (some 600 connects a second) for as long as the database was down.
      backoff: (retries) => Math.min(retries, 1),
      connect_timeout: 5,
      onnotice: () => {},
      connection: { application_name: applicationName }
    })
    subscribe(connection, heartbeatChannel)
    let wasLive = false
    let pinging = false
    timer = setInterval(() => {
      quietBeats += 1
      const live = isLive()
      if (wasLive && !live) log.warn({ heartbeatMs, staleAfterBeats }, 'not hearing notifications; trusting nothing that depends on them')
      wasLive = live
      if (pinging) return
      pinging = true
      const send = options.send ?? (async (query) => await query)
      send(options.pool`SELECT pg_notify(${heartbeatChannel}, ${ping})`)
        .catch(() => {}) // The database is unreachable: the listener goes quiet, which is the point.
        .finally(() => { pinging = false })
    }, heartbeatMs).unref()
    return connection
  }

  return {
    get live () { return isLive() },
    on (channel, handlers) {
      channels.set(channel, handlers)
      sql ??= connect()
      if (channel !== heartbeatChannel) subscribe(sql, channel)
    },
    async close () {
      clearInterval(timer)
      // Also ends the LISTEN connection, which sql.listen opened as a pool of its own.
      await sql?.end({ timeout: 0 })
    }
  }
}
