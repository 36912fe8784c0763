// The api-key check, added as an onRequest hook by the scopes that hold protected routes.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ApiError } from './errors.js'
import { messages } from '../messages.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The username of the request's API key, set on protected routes. */
    username: string
  }
}

export function digestKey (key: string): Buffer {
  return createHash('sha256').update(key).digest()
}

// Keys that were found recently, so that most writes need one round trip (the statement) instead
// of two. Only verified keys are kept, each for `ttlMs`: a key deleted from authenticationkey
// (revoked by an operator) stops working on every instance within that time.
class KeyCache {
  private readonly entries = new Map<string, { username: string, expires: number }>()

  constructor (private readonly ttlMs: number, private readonly maxEntries = 10_000) {}

  get (digest: string): string | undefined {
    const entry = this.entries.get(digest)
    if (entry === undefined) return undefined
    if (entry.expires > Date.now()) return entry.username
    this.entries.delete(digest)
    return undefined
  }

  set (digest: string, username: string): void {
    if (this.ttlMs <= 0) return
    // Map iterates in insertion order: the first entry is the oldest.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(digest, { username, expires: Date.now() + this.ttlMs })
  }
}

export function requireApiKey (scope: FastifyInstance, options: { keyCacheSeconds: number }): void {
  const cache = new KeyCache(options.keyCacheSeconds * 1000)
  scope.decorateRequest('username', '')
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const key = request.headers['api-key']
    if (typeof key !== 'string' || key === '') throw new ApiError(401, messages.notAuthenticated)
    const digest = digestKey(key)
    const cacheKey = digest.toString('base64')
    const cached = cache.get(cacheKey)
    if (cached !== undefined) {
      request.username = cached
      return
    }
    const [row] = await scope.db(scope.sql<{ username: string }[]>`
      SELECT username FROM authenticationkey WHERE key_digest = ${digest}
    `)
    if (row === undefined) throw new ApiError(401, messages.notAuthenticated)
    cache.set(cacheKey, row.username)
    request.username = row.username
  })
}
