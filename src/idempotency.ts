// Idempotent creates (the contract's v2 "Idempotent creates"): a create sent with an
// Idempotency-Key is processed once; the same key and request again get the first answer back.
//
// Why a crash can never leave records without their stored answer, or an answer without its
// records: both are written by one transaction (`run` inserts the records on `tx`, then the answer
// is inserted on `tx`, then COMMIT). PostgreSQL makes a transaction durable all at once at COMMIT,
// so a SIGKILL of Phoenix (or of PostgreSQL) before the commit record is flushed rolls back both,
// and after it keeps both. A client that got no answer retries with the same key and gets either
// the stored answer (it committed) or a fresh create (it did not), never a second record.
//
// A duplicate that arrives while the first is in flight is told so (409) instead of waiting: the
// first holds a transaction-level advisory lock on (username, key) until it commits or rolls back,
// and the duplicate only tries to take it. (The lock is a 64-bit hash of the pair: two different
// pairs colliding would make one of them wait for a 409's Retry-After, never a wrong answer.)
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TransactionSql } from 'postgres'
import { messages } from './messages.js'
import { ApiError } from './plugins/errors.js'

/** An answer as stored: status, the headers that go with it, and the body as sent. */
export interface StoredAnswer {
  status: number
  headers: { [name: string]: string }
  body: string
}

const keyPattern = /^[\x21-\x7e]{1,255}$/

/** The request's Idempotency-Key, if it has one; a malformed one is a 400 naming the header. */
export function idempotencyKeyOf (request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key']
  if (key === undefined) return undefined
  if (typeof key !== 'string' || !keyPattern.test(key)) {
    throw new ApiError(400, messages.headersInvalid, [{ field: 'Idempotency-Key', problem: 'must be 1 to 255 printable ASCII characters, without spaces' }])
  }
  return key
}

// JSON with object keys sorted at every level: equal for requests equal after parsing.
function canonical (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonical(item)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function digestOf (request: FastifyRequest): Buffer {
  return createHash('sha256').update(`${request.method} ${request.routeOptions.url ?? ''}\n${canonical(request.body)}`).digest()
}

interface Prior {
  locked: boolean
  request_digest: Buffer | null
  status: number | null
  headers: { [name: string]: string } | null
  body: string | null
}

// Expired answers are deleted by the instances themselves: after an idempotent create, at most
// every purgeEveryMs, a batch of the oldest (again at once while batches come back full).
const purgeBatch = 1000
const purgeEveryMs = 10_000

export function idempotency (app: FastifyInstance, ttlHours: number) {
  const { sql } = app
  let lastPurge = 0

  function purge (): void {
    if (Date.now() - lastPurge < purgeEveryMs) return
    lastPurge = Date.now()
    app.db(sql`
      DELETE FROM idempotency_key WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM idempotency_key WHERE expires_at < now() ORDER BY expires_at LIMIT ${purgeBatch}
      ))
    `).then((deleted) => {
      if (deleted.count === purgeBatch) lastPurge = 0
    }, (error: unknown) => { app.log.warn({ err: error }, 'could not purge expired idempotency keys') })
  }

  /**
   * Answers a create sent with Idempotency-Key `key`: the stored answer when this request was
   * answered before (`Idempotent-Replayed: true`), else `run`'s, stored with it in its transaction.
   */
  async function answer (request: FastifyRequest, reply: FastifyReply, key: string, run: (tx: TransactionSql) => Promise<StoredAnswer>): Promise<FastifyReply> {
    const username = request.username
    const digest = digestOf(request)
    const { answer: stored, replayed } = await app.dbTransaction(async () => await sql.begin(async (tx) => {
      const [prior] = await tx<[Prior]>`
        SELECT lock.locked, stored.request_digest, stored.status, stored.headers, stored.body
        FROM (SELECT pg_try_advisory_xact_lock(hashtextextended(${`${username}\n${key}`}, 0)) AS locked) AS lock
        LEFT JOIN idempotency_key AS stored
          ON lock.locked AND stored.username = ${username} AND stored.key = ${key} AND stored.expires_at > now()
      `
      if (!prior.locked) {
        reply.header('retry-after', '1')
        throw new ApiError(409, messages.idempotencyInFlight)
      }
      if (prior.request_digest !== null) {
        if (!digest.equals(prior.request_digest)) throw new ApiError(422, messages.idempotencyMismatch)
        return { answer: { status: prior.status!, headers: prior.headers!, body: prior.body! }, replayed: true }
      }
      const fresh = await run(tx)
      // An expired answer under the same key is replaced.
      await tx`
        INSERT INTO idempotency_key (username, key, request_digest, status, headers, body, expires_at)
        VALUES (${username}, ${key}, ${digest}, ${fresh.status}, ${tx.json(fresh.headers)}, ${fresh.body}, now() + make_interval(hours => ${ttlHours}))
        ON CONFLICT (username, key) DO UPDATE SET
          request_digest = excluded.request_digest, status = excluded.status, headers = excluded.headers,
          body = excluded.body, expires_at = excluded.expires_at
      `
      return { answer: fresh, replayed: false }
    }))
    if (!replayed) purge()
    else reply.header('idempotent-replayed', 'true')
    // The body is already JSON text: sent as it is, byte for byte the same on every replay.
    return await reply.code(stored.status).headers(stored.headers).type('application/json; charset=utf-8').send(stored.body)
  }

  return { answer }
}
