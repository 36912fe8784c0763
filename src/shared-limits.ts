// Rate limits counted in Redis (REDIS_URL), so that every instance draws on one budget, with this
// instance's memory as the fallback. Redis is a helper here, never a dependency of an answer: a
// Redis that is down, unreachable or frozen costs a request at most one command timeout, and while
// it is unavailable each instance counts for itself, as it does without REDIS_URL, so the limits
// still hold (per instance) instead of failing open.
import { createRequire } from 'node:module'
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { FastifyBaseLogger } from 'fastify'
import { Redis } from 'ioredis'

/** The longest a limit check waits for Redis before it counts in this instance's memory. */
const redisCommandTimeoutMs = 250
// A frozen Redis keeps its connection open and answers nothing: after this long without a byte
// while a reply is due, the connection is dropped, and checks count in memory at once, without
// waiting, until a new connection is ready.
const redisSocketTimeoutMs = 500
// Each connection attempt takes at most this long, and so does start-up's wait for the first one
// (then the app starts all the same, counting in memory).
const redisConnectTimeoutMs = 1000
// A Redis that went away is tried again at least every second: sharing resumes soon after it returns.
const reconnectMaxMs = 1000
// An outage is one warning, repeated at most this often while it lasts, not one per request.
const warnEveryMs = 60_000

type Callback = Parameters<FastifyRateLimitStore['incr']>[1]
type StoreCtor = new (continueExceeding: boolean, exponentialBackoff: boolean, ...rest: unknown[]) => FastifyRateLimitStore

// @fastify/rate-limit's own stores: its Lua script for Redis (one atomic INCR and PEXPIRE) and its
// in-memory LRU. It exports neither by name; its version is pinned in package.json.
const require = createRequire(import.meta.url)
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreCtor
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreCtor

/** What /metrics reports of the shared limits. */
export interface SharedLimits {
  /** True while limit checks are answered by Redis. */
  readonly up: boolean
  /** Limit checks counted in this instance's memory because Redis was unavailable. */
  readonly fallbacks: number
}

/** The connection, whether it answers, and the log lines about it: one per app, shared by its stores. */
class Link implements SharedLimits {
  up = false
  fallbacks = 0
  closing = false
  private warnedAt = -Infinity
  private warned = false

  constructor (readonly client: Redis, readonly prefix: string, private readonly log: FastifyBaseLogger) {
    client.on('ready', () => { this.answered() })
    client.on('error', (error: Error) => { this.failed(error) })
    client.on('close', () => { this.failed(new Error('connection closed')) })
  }

  answered (): void {
    if (this.up) return
    this.up = true
    if (this.warned) {
      this.warned = false
      this.log.info('Redis (REDIS_URL) answers again: rate limits are shared by every instance again')
    }
  }

  failed (error: Error): void {
    this.up = false
    const now = Date.now()
    if (this.closing || now - this.warnedAt < warnEveryMs) return
    this.warnedAt = now
    this.warned = true
    this.log.warn({ err: error }, 'Redis (REDIS_URL) unavailable: rate limits are counted in this instance\'s memory until it answers again')
  }
}

class SharedStore implements FastifyRateLimitStore {
  constructor (private readonly redis: FastifyRateLimitStore, private readonly local: FastifyRateLimitStore, private readonly link: Link) {}

  incr (key: string, callback: Callback, timeWindow: number, max: number): void {
    // While no connection is ready, a command could only fail (there is no offline queue): skip it.
    if (this.link.client.status !== 'ready') {
      this.link.fallbacks += 1
      this.local.incr(key, callback, timeWindow, max)
      return
    }
    this.redis.incr(key, (error, result) => {
      if (error == null) {
        this.link.answered()
        callback(null, result)
        return
      }
      this.link.fallbacks += 1
      this.link.failed(error)
      this.local.incr(key, callback, timeWindow, max)
    }, timeWindow, max)
  }

  // Each limiter counts under its groupId (`phoenix:writes:<username>`): the plugin's own child
  // store would name the keys after a route, which a limiter made with app.rateLimit() has not,
  // and the address 203.0.113.7 and the username 203.0.113.7 would then share one counter.
  child (routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
    const group = (routeOptions as { groupId?: string }).groupId
    if (group === undefined) throw new Error('a rate limiter counted in Redis needs a groupId: its keys are named after it')
    const redis = new RedisStore(false, false, this.link.client, `${this.link.prefix}${group}:`)
    return new SharedStore(redis, this.local.child(routeOptions), this.link)
  }
}

export interface SharedLimitsConnection {
  /** For @fastify/rate-limit's `store` option. */
  Store: FastifyRateLimitStoreCtor
  limits: SharedLimits
  /** Drops the connection at once: nothing is waited for, so a frozen Redis cannot hold up a shutdown. */
  close: () => void
}

/**
 * Connects to Redis and waits for the connection at most redisConnectTimeoutMs; an unreachable
 * Redis is a warning, not a failure (the app starts, counting in memory, and keeps trying).
 */
export async function connectSharedLimits (url: string, prefix: string, log: FastifyBaseLogger): Promise<SharedLimitsConnection> {
  const client = new Redis(url, {
    connectTimeout: redisConnectTimeoutMs,
    commandTimeout: redisCommandTimeoutMs,
    socketTimeout: redisSocketTimeoutMs,
    // A command fails at once while there is no connection, and is not retried on the next one:
    // the request it belongs to has been counted in memory long before.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempts) => Math.min(attempts * 100, reconnectMaxMs)
  })
  const link = new Link(client, prefix, log)
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      client.off('ready', done)
      client.off('error', done)
      resolve()
    }
    const timer = setTimeout(done, redisConnectTimeoutMs)
    client.once('ready', done)
    client.once('error', done)
  })
  class Store extends SharedStore {
    constructor () {
      super(new RedisStore(false, false, client, prefix), new LocalStore(false, false), link)
    }
  }
  return {
    Store,
    limits: link,
    close: () => {
      link.closing = true
      client.disconnect()
    }
  }
}
