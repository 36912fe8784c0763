// The contract's v2 "Idempotent creates": a create sent with an Idempotency-Key is processed once;
// retries get the stored answer, a different request under the key a 422, a concurrent duplicate
// a 409; the answer is stored in the transaction of the records, and expired answers are purged.
import { beforeAll, describe, expect, it } from 'vitest'
import { useApp, within, type Response } from './helper.js'

const t = useApp()
let alice: { username: string, key: string }
let bob: { username: string, key: string }

beforeAll(async () => {
  [alice, bob] = await Promise.all([t.issueKey(), t.issueKey()])
})

let serial = 0
const newKey = (): string => `key-${Date.now()}-${serial++}`
const create = async (apiKey: string, idempotencyKey: string, body: string | object): Promise<Response> =>
  await t.request('POST', '/api/create', {
    headers: { 'api-key': apiKey, 'idempotency-key': idempotencyKey, 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body)
  })
const recordsWith = async (value1: string): Promise<number> =>
  (await t.sql<[{ count: number }]>`SELECT count(*)::int AS count FROM record WHERE value1 = ${value1}`)[0].count

describe('Idempotency-Key on create', () => {
  it('answers a retry with the stored status, headers and body byte for byte, and creates nothing more', async () => {
    const key = newKey()
    const first = await create(alice.key, key, { value1: key, value2: 1.5 })
    expect(first.status).toBe(201)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    // Meanwhile the record changes: the replay is still the first answer.
    await t.request('PATCH', `/api/modify/${first.body.record_info.id}`, { headers: { 'api-key': alice.key }, json: { value2: 2 } })
    for (const body of [{ value1: key, value2: 1.5 }, `{"value2": 1.50, "value1": "${key}"}`]) {
      const again = await create(alice.key, key, body)
      expect(again.status).toBe(201)
      expect(again.headers['idempotent-replayed']).toBe('true')
      expect(again.text).toBe(first.text)
      expect(again.headers.location).toBe(first.headers.location)
      expect(again.headers.etag).toBe('"1"')
      expect(again.headers['content-type']).toBe('application/json; charset=utf-8')
    }
    expect(await recordsWith(key)).toBe(1)
  })

  it('answers 422 to the same key with a different body, and creates nothing', async () => {
    const key = newKey()
    expect((await create(alice.key, key, { value1: key })).status).toBe(201)
    const different = await create(alice.key, key, { value1: key, value3: true })
    expect(different.status).toBe(422)
    expect(different.body).toEqual({ status: 'failed', message: 'This Idempotency-Key has already been used with a different request!' })
    expect(await recordsWith(key)).toBe(1)
  })

  it('scopes keys to the username: another key holder may use the same key', async () => {
    const key = newKey()
    expect((await create(alice.key, key, { value1: key })).status).toBe(201)
    const other = await create(bob.key, key, { value1: key })
    expect(other.status).toBe(201)
    expect(other.headers['idempotent-replayed']).toBeUndefined()
    expect(await recordsWith(key)).toBe(2)
  })

  it('stores nothing for a request that failed: the key may be used again', async () => {
    const key = newKey()
    const empty = await create(alice.key, key, {})
    expect(empty.status).toBe(400)
    const valid = await create(alice.key, key, { value1: key })
    expect(valid.status).toBe(201)
    expect(valid.headers['idempotent-replayed']).toBeUndefined()
  })

  it('answers 400 naming Idempotency-Key to a key that is empty, too long or not printable ASCII', async () => {
    for (const key of ['', 'x'.repeat(256), 'with space', 'tab\there', 'ключ']) {
      const response = await t.request('POST', '/api/create', {
        headers: { 'api-key': alice.key, 'idempotency-key': key, 'content-type': 'application/json' },
        payload: JSON.stringify({ value1: 'never stored' })
      }).catch((error: unknown) => error as Error)
      // Node itself may refuse a header value that is not Latin-1 text.
      if (response instanceof Error) continue
      expect(response.status, JSON.stringify(key)).toBe(400)
      expect(response.body.errors).toEqual([{ field: 'Idempotency-Key', problem: 'must be 1 to 255 printable ASCII characters, without spaces' }])
    }
    expect((await create(alice.key, '!'.repeat(255), { value1: 'longest key' })).status).toBe(201)
    expect(await recordsWith('never stored')).toBe(0)
  })

  it('answers 409 with Retry-After: 1 while a request with the key is in flight', async () => {
    const key = newKey()
    // The first request holds this lock until it commits; here the test holds it.
    const reserved = t.sql.reserve()
    const connection = await reserved
    try {
      await connection`BEGIN`
      await connection`SELECT pg_advisory_xact_lock(hashtextextended(${`${alice.username}\n${key}`}, 0))`
      const duplicate = await create(alice.key, key, { value1: key })
      expect(duplicate.status).toBe(409)
      expect(duplicate.headers['retry-after']).toBe('1')
      expect(duplicate.body).toEqual({ status: 'failed', message: 'A request with this Idempotency-Key is still being processed! Please try again later!' })
      await connection`ROLLBACK`
    } finally {
      connection.release()
    }
    expect((await create(alice.key, key, { value1: key })).status).toBe(201)
  })

  it('creates exactly one record for 10 concurrent requests with one key; the others replay or get 409', async () => {
    const key = newKey()
    const responses = await Promise.all(Array.from({ length: 10 }, async () => await create(alice.key, key, { value1: key })))
    const fresh = responses.filter((response) => response.status === 201 && response.headers['idempotent-replayed'] === undefined)
    expect(fresh).toHaveLength(1)
    for (const response of responses) {
      expect([201, 409]).toContain(response.status)
      if (response.status === 201) expect(response.text).toBe(fresh[0]!.text)
    }
    expect(await recordsWith(key)).toBe(1)
  })

  it('works on bulk create too: a retry replays the records created once; another body under the key is a 422', async () => {
    const key = newKey()
    const send = async (body: unknown): Promise<Response> => await t.request('POST', '/api/bulk_create', {
      headers: { 'api-key': alice.key, 'idempotency-key': key }, json: body
    })
    const first = await send([{ value1: key }, { value1: key, value2: 2 }])
    expect(first.status).toBe(201)
    const again = await send([{ value1: key }, { value2: 2, value1: key }])
    expect(again.status).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.text).toBe(first.text)
    expect(await recordsWith(key)).toBe(2)
    expect((await send([{ value1: key }])).status).toBe(422)
    // The same key on create is another request (another route): 422 as well.
    expect((await create(alice.key, key, { value1: key })).status).toBe(422)
    expect(await recordsWith(key)).toBe(2)
  })

  it('forgets an answer once it expires, and purges expired answers after later idempotent creates', async () => {
    const key = newKey()
    expect((await create(alice.key, key, { value1: key })).status).toBe(201)
    await t.sql`UPDATE idempotency_key SET expires_at = now() - interval '1 second' WHERE key = ${key}`
    const after = await create(alice.key, key, { value1: key, value3: false })
    expect(after.status).toBe(201)
    expect(after.headers['idempotent-replayed']).toBeUndefined()
    expect(await recordsWith(key)).toBe(2)

    await t.sql`
      INSERT INTO idempotency_key (username, key, request_digest, status, headers, body, expires_at)
      SELECT ${alice.username}, 'old-' || n, sha256(n::text::bytea), 201, '{}', '{}', now() - interval '1 hour'
      FROM generate_series(1, 50) AS n
    `
    // The purge runs at most every 10 s per instance; this app's last one may be recent.
    await within((async () => {
      for (;;) {
        await create(alice.key, newKey(), { value1: 'purge trigger' })
        const [{ expired }] = await t.sql<[{ expired: number }]>`SELECT count(*)::int AS expired FROM idempotency_key WHERE expires_at < now()`
        if (expired === 0) return
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    })(), 15_000, 'expired answers purged')
  }, 20_000)
})
