// The contract's v2 "Key lifecycle": rotate and revoke, on this instance at once and on every
// instance within a second, whoever changes the key (the API or an operator with plain SQL).
import { createHash } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import type { Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { listen } from '../src/db/listener.js'
import { requester, testConfig, uniqueUsername, useApp, type Response, type TestApp } from './helper.js'

const notAuthenticated = { status: 'failed', message: 'You are not authenticated! Please add an authentication key to the header and try again!' }
const rotatedMessage = 'Your API Key has been rotated! The old key no longer works.'

const t = useApp()

type Send = TestApp['request']

const rotate = async (send: Send, key: string): Promise<Response> => await send('POST', '/api/rotate_key', { headers: { 'api-key': key } })
const revoke = async (send: Send, key: string): Promise<Response> => await send('POST', '/api/revoke_key', { headers: { 'api-key': key } })
/** An authenticated request without a side effect: 404 (no such record) when the key is accepted, 401 when not. */
const probe = async (send: Send, key: string): Promise<Response> =>
  await send('PATCH', '/api/modify/2147483647', { headers: { 'api-key': key }, json: { value1: 'probe' } })

/** Checks `condition` every 20 ms until it holds, and returns how long that took; fails after `ms`. */
async function eventually (condition: () => Promise<boolean> | boolean, ms: number): Promise<number> {
  const started = performance.now()
  for (;;) {
    const holds = await condition()
    const elapsed = performance.now() - started
    if (holds) return elapsed
    if (elapsed > ms) throw new Error(`not so after ${Math.round(elapsed)} ms`)
    await delay(20)
  }
}

const refused = (send: Send, key: string) => async (): Promise<boolean> => (await probe(send, key)).status === 401

const hex = (key: string): string => createHash('sha256').update(key).digest('hex')

/** Uses a key for a write until `app` remembers it (it does once its listener is live, soon after start). */
async function remembered (app: FastifyInstance, send: Send, issued: { username: string, key: string }): Promise<void> {
  await eventually(async () => {
    const created = await send('POST', '/api/create', { headers: { 'api-key': issued.key }, json: { value1: 'remember me' } })
    expect(created.status).toBe(201)
    return app.keyCache.get(hex(issued.key)) === issued.username
  }, 5000)
}

/** Deletes a key's row with the trigger disabled: no instance hears of it, as if the notification had been lost. */
async function deleteUnheard (sql: Sql, username: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`ALTER TABLE authenticationkey DISABLE TRIGGER authenticationkey_notify`
    await tx`DELETE FROM authenticationkey WHERE username = ${username}`
    await tx`ALTER TABLE authenticationkey ENABLE TRIGGER authenticationkey_notify`
  })
}

/** The LISTEN connections open on this database. */
async function listenConnections (sql: Sql): Promise<number> {
  const [row] = await sql<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND application_name LIKE 'phoenix-listen/%'
  `
  return row!.n
}

describe('POST /api/rotate_key', () => {
  it('issues a new key for the same username; the old key answers 401 at once', async () => {
    const { username, key } = await t.issueKey()
    await t.createRecord({ value1: 'before' }, key)
    const response = await rotate(t.request, key)
    expect(response.status).toBe(201)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(Object.keys(response.body)).toEqual(['status', 'username', 'api_key', 'created_on', 'message'])
    expect(response.body).toMatchObject({ status: 'success', username, message: rotatedMessage })
    expect(response.body.api_key).toMatch(/^phx_[A-Za-z0-9_-]{43}$/)
    expect(response.body.api_key).not.toBe(key)

    const old = await t.request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'x' } })
    expect(old.status).toBe(401)
    expect(old.body).toEqual(notAuthenticated)
    const record = await t.createRecord({ value1: 'after' }, response.body.api_key)
    expect(record.lastmodifiedby).toBe(username)
  })

  it('stores only the new key\'s digest, and created_on says when it was issued', async () => {
    const issued = await t.request('POST', `/api/generate_key/${uniqueUsername()}`)
    const response = await rotate(t.request, issued.body.api_key)
    const [row] = await t.sql`SELECT key_digest, created_on, revoked_on FROM authenticationkey WHERE username = ${issued.body.username}`
    expect(Buffer.from(row!.key_digest as Uint8Array)).toEqual(createHash('sha256').update(response.body.api_key as string).digest())
    expect(row!.revoked_on).toBeNull()
    expect(new Date(row!.created_on as Date).toISOString()).toBe(response.body.created_on)
    expect(Date.parse(response.body.created_on)).toBeGreaterThanOrEqual(Date.parse(issued.body.created_on))
  })

  it('lets exactly one of several concurrent rotations with the same key succeed', async () => {
    const { key } = await t.issueKey()
    const responses = await Promise.all(Array.from({ length: 6 }, async () => await rotate(t.request, key)))
    expect(responses.map((response) => response.status).sort()).toEqual([201, 401, 401, 401, 401, 401])
    const winner = responses.find((response) => response.status === 201)!
    expect((await probe(t.request, winner.body.api_key)).status).toBe(404)
    expect((await probe(t.request, key)).status).toBe(401)
  })

  it('ignores a request body of any media type', async () => {
    const { key } = await t.issueKey()
    const form = await t.request('POST', '/api/rotate_key', { headers: { 'api-key': key, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' })
    expect(form.status).toBe(201)
    const json = await t.request('POST', '/api/rotate_key', { headers: { 'api-key': form.body.api_key }, json: { username: 'someone_else' } })
    expect(json.status).toBe(201)
    expect(json.body.username).toBe(form.body.username)
  })
})

describe('POST /api/revoke_key', () => {
  it('revokes the key: it answers 401 from then on, and cannot be rotated or revoked again', async () => {
    const { key } = await t.issueKey()
    expect((await probe(t.request, key)).status).toBe(404)
    const response = await revoke(t.request, key)
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ status: 'success', message: 'Your API Key has been revoked!' })
    expect((await probe(t.request, key)).status).toBe(401)
    for (const again of [await rotate(t.request, key), await revoke(t.request, key)]) {
      expect(again.status).toBe(401)
      expect(again.body).toEqual(notAuthenticated)
    }
  })

  it('keeps the username taken, in any case', async () => {
    const { username, key } = await t.issueKey(uniqueUsername('Kept'))
    expect((await revoke(t.request, key)).status).toBe(200)
    for (const name of [username, username.toLowerCase(), username.toUpperCase()]) {
      const again = await t.request('POST', `/api/generate_key/${name}`)
      expect(again.status).toBe(409)
      expect(again.body.message).toBe('The username you are trying to register has been already used!')
    }
  })

  it('leaves the records it wrote as they were', async () => {
    const { username, key } = await t.issueKey()
    const record = await t.createRecord({ value1: 'mine', value3: true }, key)
    expect((await revoke(t.request, key)).status).toBe(200)
    const read = await t.request('GET', `/api/read/${record.id as number}`)
    expect(read.body.record_info).toEqual(record)
    expect(read.body.record_info.lastmodifiedby).toBe(username)
  })
})

describe('rotate and revoke without a current key', () => {
  it.each(['/api/rotate_key', '/api/revoke_key'])('%s answers 401 without a key or with an unknown one', async (url) => {
    for (const headers of [{}, { 'api-key': '' }, { 'api-key': 'phx_not-a-key' }] as Array<Record<string, string>>) {
      const response = await t.request('POST', url, { headers })
      expect(response.status).toBe(401)
      expect(response.body).toEqual(notAuthenticated)
    }
  })

  it.each(['/api/rotate_key', '/api/revoke_key'])('GET %s answers 405 with Allow: POST', async (url) => {
    const { key } = await t.issueKey()
    const response = await t.request('GET', url, { headers: { 'api-key': key } })
    expect(response.status).toBe(405)
    expect(response.headers.allow).toBe('POST')
    expect(response.body.message).toBe('The method GET is not allowed on this route! Please use POST instead.')
    expect((await probe(t.request, key)).status).toBe(404)
  })
})

describe('authenticationkey in the database', () => {
  it('holds either a current key (a digest) or a revoked one (revoked_on, no digest)', async () => {
    const digest = Buffer.alloc(32, 7)
    await expect(t.sql`INSERT INTO authenticationkey (username, key_digest, revoked_on) VALUES ('both', ${digest}, now())`)
      .rejects.toMatchObject({ code: '23514', constraint_name: 'authenticationkey_revoked_has_no_digest' })
    await expect(t.sql`INSERT INTO authenticationkey (username) VALUES ('neither')`)
      .rejects.toMatchObject({ code: '23514', constraint_name: 'authenticationkey_revoked_has_no_digest' })
  })
})

// Two instances on one database that remember a verified key for 300 s: when B refuses a key
// within a second of its change, only the notification can have told it.
describe('across instances', () => {
  const a = useApp({ config: { keyCacheSeconds: 300 } })
  let b: FastifyInstance
  let sendB: Send
  beforeAll(async () => {
    b = await build({ config: { ...testConfig, keyCacheSeconds: 300 }, databaseUrl: a.databaseUrl })
    await b.ready()
    sendB = requester(b)
  })
  afterAll(async () => { await b?.close() })

  /** A key that B has verified with a write, and so remembers, issued through A. */
  async function keyKnownToB (): Promise<{ username: string, key: string }> {
    const issued = await a.issueKey()
    await remembered(b, sendB, issued)
    return issued
  }

  it('each app holds one LISTEN connection', async () => {
    await eventually(async () => await listenConnections(a.sql) === 2, 5000)
  })

  it('B keeps using a key it remembers while it hears nothing about it (the control)', async () => {
    const unheard = await keyKnownToB()
    await deleteUnheard(a.sql, unheard.username)
    // Notifications arrive in commit order: once B has heard of a later change, it would have
    // heard of the first one too.
    const heard = await keyKnownToB()
    await a.sql`DELETE FROM authenticationkey WHERE username = ${heard.username}`
    await eventually(refused(sendB, heard.key), 1000)
    expect((await probe(sendB, unheard.key)).status).toBe(404)
  })

  it('B refuses a key rotated through A within a second, and accepts the new one', async () => {
    const { key } = await keyKnownToB()
    const rotated = await rotate(a.request, key)
    expect(rotated.status).toBe(201)
    expect(await eventually(refused(sendB, key), 1000)).toBeLessThan(1000)
    expect((await probe(sendB, rotated.body.api_key)).status).toBe(404)
  })

  it('B refuses a key revoked through A within a second', async () => {
    const { key } = await keyKnownToB()
    expect((await revoke(a.request, key)).status).toBe(200)
    expect(await eventually(refused(sendB, key), 1000)).toBeLessThan(1000)
  })

  it('B refuses a key an operator deleted with plain SQL within a second', async () => {
    const { username, key } = await keyKnownToB()
    await a.sql`DELETE FROM authenticationkey WHERE username = ${username}`
    expect(await eventually(refused(sendB, key), 1000)).toBeLessThan(1000)
  })

  it('lets exactly one of concurrent rotations through A and B succeed', async () => {
    const { key } = await keyKnownToB()
    const responses = await Promise.all([a.request, sendB, a.request, sendB].map(async (send) => await rotate(send, key)))
    expect(responses.map((response) => response.status).sort()).toEqual([201, 401, 401, 401])
  })
})

describe('the listener', () => {
  const c = useApp({ config: { keyCacheSeconds: 300 } })

  it('forgets every cached key when an operator truncates the table', async () => {
    const { username, key } = await c.issueKey()
    await remembered(c.app, c.request, { username, key })
    await c.sql`TRUNCATE authenticationkey`
    expect(await eventually(refused(c.request, key), 1000)).toBeLessThan(1000)
  })

  it('forgets what it cached when its connection is cut, since notifications may have been missed', async () => {
    const { username, key } = await c.issueKey()
    await remembered(c.app, c.request, { username, key })
    // As if its notification had been sent while the connection was down.
    await deleteUnheard(c.sql, username)
    expect((await probe(c.request, key)).status).toBe(404)
    const [terminated] = await c.sql`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name LIKE 'phoenix-listen/%'
    `
    expect(terminated!.n).toBe(1)
    await eventually(refused(c.request, key), 5000)
    await eventually(async () => await listenConnections(c.sql) === 1, 5000)
  })

  it('counts as live only while it hears the channel, and starts over when it hears it again', async () => {
    const events: string[] = []
    // A channel of its own (the app's heartbeats would keep keyChannel busy), and no heartbeat.
    const channel = 'listener_test'
    const silentPool = (async () => { throw new Error('no heartbeat') }) as unknown as Sql
    const listener = listen({ url: c.databaseUrl, pool: silentPool, log: c.app.log, heartbeatMs: 100, heartbeatChannel: channel })
    listener.on(channel, {
      onNotify: (payload) => { events.push(payload) },
      onReset: () => { events.push('reset') }
    })
    try {
      await eventually(() => listener.live, 5000)
      expect(events).toEqual(['reset'])
      // Without heartbeats nothing is heard, so nothing it heard before can be trusted any more.
      await eventually(() => !listener.live, 1000)
      await c.sql`SELECT pg_notify(${channel}, 'all')`
      await eventually(() => listener.live, 1000)
      expect(events).toEqual(['reset', 'reset', 'all'])
    } finally {
      await listener.close()
    }
  })

  it('is closed with its app', async () => {
    const app = await build({ config: { ...testConfig, keyCacheSeconds: 300 }, databaseUrl: c.databaseUrl, migrate: false })
    await eventually(async () => await listenConnections(c.sql) === 2, 5000)
    await app.close()
    await eventually(async () => await listenConnections(c.sql) === 1, 5000)
  })
})
