// The api-key check (an onRequest hook, added by the scopes that hold protected routes) and the
// app-wide cache of verified keys behind it.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { messages } from '../messages.js'
import { ApiError } from './errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Verified keys, one cache for the whole app. */
    keyCache: KeyCache
  }
  interface FastifyRequest {
    /** The username of the request's API key, set on protected routes. */
    username: string
    /** The SHA-256 digest of the request's API key in hex (as the cache and the trigger spell it), set on protected routes. */
    keyDigest: string
  }
}

export function digestKey (key: string): Buffer {
  return createHash('sha256').update(key).digest()
}

/** Where sql/003_key_lifecycle.sql's trigger announces a changed key: its old digest in hex, or `all`. */
export const keyChannel = 'authenticationkey_changed'

// Keys found recently, so that most writes need one round trip (the statement) instead of two.
// An entry lasts at most `ttlMs`, but every instance forgets it as soon as its row changes: the
// trigger notifies, and the listener relays it. Entries are served only while the listener is
// live, so a notification missed while it was not can never keep a revoked key working; the TTL
// is a backstop. Every forget moves `version` on: a lookup in flight meanwhile may have read the
// row before the change, so its result is not remembered.
export class KeyCache {
  private readonly entries = new Map<string, { username: string, expires: number }>()
  private generation = 0
  private trusted: () => boolean = () => false

  constructor (private readonly ttlMs: number, private readonly maxEntries = 10_000) {}

  /** Serves entries only while `condition` holds (until called, never). */
  trustWhile (condition: () => boolean): void {
    this.trusted = condition
  }

  /** Read before a lookup, passed to `set` after it. */
  get version (): number {
    return this.generation
  }

  get (digest: string): string | undefined {
    if (!this.trusted()) return undefined
    const entry = this.entries.get(digest)
    if (entry === undefined) return undefined
    if (entry.expires > Date.now()) return entry.username
    this.entries.delete(digest)
    return undefined
  }

  set (digest: string, username: string, version: number): void {
    if (this.ttlMs <= 0 || version !== this.generation || !this.trusted()) return
    // Map iterates in insertion order: the first entry is the oldest.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(digest, { username, expires: Date.now() + this.ttlMs })
  }

  forget (digest: string): void {
    this.generation += 1
    this.entries.delete(digest)
  }

  clear (): void {
    this.generation += 1
    this.entries.clear()
  }
}

export interface AuthOptions {
  /** How long a verified key is remembered; 0 remembers none and needs no listener. */
  keyCacheSeconds: number
}

async function auth (app: FastifyInstance, options: AuthOptions): Promise<void> {
  const cache = new KeyCache(options.keyCacheSeconds * 1000)
  app.decorate('keyCache', cache)
  app.decorateRequest('username', '')
  app.decorateRequest('keyDigest', '')
  if (options.keyCacheSeconds === 0) return
  app.listener.on(keyChannel, {
    // Anything but a digest (`all` after a TRUNCATE) forgets every key.
    onNotify: (payload) => { if (/^[0-9a-f]{64}$/.test(payload)) cache.forget(payload); else cache.clear() },
    onReset: () => { cache.clear() }
  })
  cache.trustWhile(() => app.listener.live)
}

export default fp(auth, { name: 'auth', dependencies: ['database'] })

/**
 * Adds the api-key check to a scope, then the write budget (WRITES_PER_SECOND): every route that
 * needs a key is a write.
 */
export function requireApiKey (scope: FastifyInstance): void {
  const cache = scope.keyCache
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const key = request.headers['api-key']
    if (typeof key !== 'string' || key === '') throw new ApiError(401, messages.notAuthenticated)
    const digest = digestKey(key)
    request.keyDigest = digest.toString('hex')
    const cached = cache.get(request.keyDigest)
    if (cached !== undefined) {
      request.username = cached
      return
    }
    const version = cache.version
    const [row] = await scope.db(scope.sql<{ username: string }[]>`
      SELECT username FROM authenticationkey WHERE key_digest = ${digest}
    `)
    if (row === undefined) throw new ApiError(401, messages.notAuthenticated)
    cache.set(request.keyDigest, row.username, version)
    request.username = row.username
  })
  if (scope.writeLimit !== undefined) scope.addHook('onRequest', scope.writeLimit)
}
