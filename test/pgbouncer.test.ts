// DATABASE_URL through PgBouncer in transaction mode, its other settings as they come, with
// DIRECT_DATABASE_URL for what needs a session: the API works end to end, and under more
// concurrent requests than PgBouncer has server connections (where named prepared statements break).
import { execFileSync } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import postgres, { type Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { requester, testConfig, useDatabase, within, type TestApp } from './helper.js'
import { pgbouncerInstalled as installed, startPgBouncer, type Bouncer } from './pgbouncer-server.js'

if (!installed) {
  // CI installs it (.ci/run): there, a missing pgbouncer fails the run instead of skipping.
  if (process.env.CI !== undefined && process.env.CI !== '') throw new Error('pgbouncer is not installed (apt-get install pgbouncer)')
  console.warn('test/pgbouncer.test.ts skipped: pgbouncer is not installed (apt-get install pgbouncer; CI installs it)')
}

describe.skipIf(!installed)('DATABASE_URL through PgBouncer (transaction mode), DIRECT_DATABASE_URL direct', () => {
  const database = useDatabase()
  let bouncer: Bouncer
  let app: FastifyInstance
  let request: TestApp['request']
  let direct: Sql
  let base: string
  let key: string

  beforeAll(async () => {
    bouncer = await startPgBouncer(database.url())
    // More pool connections than PgBouncer's default_pool_size (20) has server connections.
    app = await build({ config: { ...testConfig, dbPoolMax: 40 }, databaseUrl: bouncer.url, directDatabaseUrl: database.url() })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
    request = requester(app)
    direct = postgres(database.url(), { max: 2, onnotice: () => {} })
  })
  afterAll(async () => {
    await app?.close()
    await direct?.end()
    await bouncer?.stop()
  })

  it('starts on an empty database, migrated through the direct connection', async () => {
    const [row] = await direct<Array<{ n: number }>>`SELECT count(*)::int AS n FROM schema_migrations`
    expect(row!.n).toBeGreaterThan(0)
    expect((await request('GET', '/readyz')).status).toBe(200)
  })

  it('has the key cache and the change feed listening on the direct connection', async () => {
    await within((async () => { while (!app.listener.live) await delay(20) })(), 5000, 'the listener going live')
  })

  it('issues keys, creates (also idempotently, replayed), reads with ETag, modifies with If-Match', async () => {
    key = (await request('POST', '/api/generate_key/bouncer_user')).body.api_key
    const headers = { 'api-key': key }
    const created = await request('POST', '/api/create', { headers, json: { value1: 'through pgbouncer' } })
    expect(created.status).toBe(201)
    const id = created.body.record_info.id
    const idempotent = { ...headers, 'idempotency-key': 'bouncer-1' }
    const first = await request('POST', '/api/create', { headers: idempotent, json: { value1: 'once' } })
    const replay = await request('POST', '/api/create', { headers: idempotent, json: { value1: 'once' } })
    expect(first.status).toBe(201)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.text).toBe(first.text)

    const read = await request('GET', `/api/read/${id}`)
    expect(read.headers.etag).toBe('"1"')
    expect((await request('GET', `/api/read/${id}`, { headers: { 'if-none-match': '"1"' } })).status).toBe(304)
    const modified = await request('PATCH', `/api/modify/${id}`, { headers: { ...headers, 'if-match': '"1"' }, json: { value2: 2 } })
    expect(modified.status).toBe(200)
    expect((await request('PATCH', `/api/modify/${id}`, { headers: { ...headers, 'if-match': '"1"' }, json: { value2: 3 } })).status).toBe(412)
    const history = await request('GET', `/api/history/${id}`)
    expect(history.body.history.map((entry: { version: number }) => entry.version)).toEqual([1, 2])
  })

  it('bulk creates, and lists page by page', async () => {
    const bulk = await request('POST', '/api/bulk_create', { headers: { 'api-key': key }, json: Array.from({ length: 50 }, (_, i) => ({ value1: `bulk ${i}` })) })
    expect(bulk.status).toBe(201)
    expect(bulk.body.records_info).toHaveLength(50)
    const ids: number[] = []
    for (let path: string | undefined = '/api/list?limit=20'; path !== undefined;) {
      const page = await request('GET', path)
      ids.push(...page.body.map((record: { id: number }) => record.id))
      path = /^<([^>]+)>; rel="next"$/.exec(String(page.headers.link ?? ''))?.[1]
    }
    expect(ids).toEqual((await request('GET', '/api/list')).body.map((record: { id: number }) => record.id))
    expect(ids.length).toBe(52)
  })

  it('refuses a key revoked with plain SQL within a second', async () => {
    const revokedKey = (await request('POST', '/api/generate_key/bouncer_revoked')).body.api_key
    const probe = async (): Promise<number> => (await request('PATCH', '/api/modify/2147483647', { headers: { 'api-key': revokedKey }, json: { value1: 'x' } })).status
    expect(await probe()).toBe(404)
    await direct`UPDATE authenticationkey SET key_digest = NULL, revoked_on = now() WHERE username = 'bouncer_revoked'`
    await within((async () => { while (await probe() !== 401) await delay(20) })(), 1000, 'the revocation being seen')
  })

  it('streams a create to a change feed client', async () => {
    const seen = new Promise<string>((resolve, reject) => {
      const feed = httpRequest(`${base}/api/changes`, (response) => {
        let text = ''
        response.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk
          if (text.includes('feed me')) { resolve(text); feed.destroy() }
        })
      })
      feed.on('error', reject)
      feed.end()
    })
    await delay(200)
    await request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'feed me' } })
    expect(await within(seen, 5000, 'the change feed event')).toContain('event: create')
  })

  it('answers 200 concurrent requests on 20 server connections, each server session with the statement bound', async () => {
    const responses = await Promise.all(Array.from({ length: 200 }, async (_, i) => i % 2 === 0
      ? await request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: `load ${i}` } })
      : await request('GET', '/api/list?limit=5')))
    expect(responses.map((response) => response.status).filter((status) => status !== 200 && status !== 201)).toEqual([])
    // Every server session PgBouncer opened has QUERY_TIMEOUT_SECONDS as its statement_timeout.
    const timeouts = await Promise.all(Array.from({ length: 40 }, async () => (await app.db(app.sql<Array<{ t: string }>>`SELECT current_setting('statement_timeout') AS t, pg_sleep(0.05)`))[0]!.t))
    expect(new Set(timeouts)).toEqual(new Set([`${testConfig.queryTimeoutSeconds}s`]))
    expect(bouncer.log()).not.toMatch(/WARNING|ERROR/)
  })

  it('(the control) the same load with prepared statements fails through this PgBouncer', async () => {
    const version = /PgBouncer (\d+)\.(\d+)/.exec(execFileSync('pgbouncer', ['--version'], { encoding: 'utf8' }))
    // From 1.21 PgBouncer can track prepared statements itself (max_prepared_statements).
    if (version === null || Number(version[1]) > 1 || Number(version[2]) >= 21) return
    const prepared = postgres(bouncer.url, { max: 40, onnotice: () => {} })
    // Statements prepared on one server session and run on another fail, or leave their
    // connection waiting for an answer that never comes: either way, not all 200 succeed in time.
    const load = Promise.all(Array.from({ length: 200 }, async (_, i) => await prepared`SELECT ${i}::int AS i, pg_sleep(0.01)`))
    load.catch(() => {})
    await expect(within(load, 5000, 'the prepared load')).rejects.toThrow()
    await within(prepared.end({ timeout: 0 }), 5000, 'closing the prepared pool').catch(() => {})
  })
})
