// READ_DATABASE_URL against a real streaming replica (replica-cluster.ts), through HTTP: reads go to
// the replica, a write's Phoenix-Consistency-Token makes a read see that write, and a replica that
// is down only sends reads to the primary. The replica's lag is real: recovery_min_apply_delay
// holds every commit back, or replay is paused where a test must know exactly what it has.
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPhoenixClient } from '../sdk/src/index.js'
import { build } from '../src/app.js'
import { createSql } from '../src/db/client.js'
import { migrate } from '../src/db/migrate.js'
import { fetchChecked, testConfig, useApp, within, type RequestOptions, type Response } from './helper.js'
import { startReplicatedCluster, type ReplicatedCluster } from './replica-cluster.js'
import { clusterProcesses } from './server-process.js'

const tokenHeader = 'phoenix-consistency-token'
const badToken = { status: 'failed', message: 'The request headers are invalid! Please fix the headers listed in errors and try again!', errors: [{ field: 'Phoenix-Consistency-Token', problem: 'must be the Phoenix-Consistency-Token of a write response, unchanged' }] }

async function migrateOnly (url: string): Promise<void> {
  const sql = createSql({ url, poolMax: 1, queryTimeoutSeconds: 30 })
  try {
    await migrate(sql)
  } finally {
    await sql.end()
  }
}

describe('with a replica (READ_DATABASE_URL)', () => {
  let cluster: ReplicatedCluster
  let app: FastifyInstance
  let base: string
  let key: string
  const request = async (method: string, path: string, options?: RequestOptions): Promise<Response> => await fetchChecked(base, method, path, options)
  const withToken = (response: Response): { headers: Record<string, string> } => ({ headers: { [tokenHeader]: String(response.headers[tokenHeader]) } })
  const write = async (method: string, path: string, json?: unknown): Promise<Response> => {
    const response = await request(method, path, { headers: { 'api-key': key }, ...(json === undefined ? {} : { json }) })
    expect(response.status, response.text).toBeLessThan(300)
    expect(response.headers[tokenHeader]).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/)
    return response
  }
  const ids = (response: Response): number[] => response.body.map((record: { id: number }) => record.id)
  const versions = (response: Response): number[] => response.body.history.map((entry: { version: number }) => entry.version)

  beforeAll(async () => {
    // The schema is on the replica from the start; every commit after it is held back an hour.
    cluster = await startReplicatedCluster({ prepare: migrateOnly, applyDelay: '1h' })
    app = await build({ config: testConfig, databaseUrl: cluster.primaryUrl, readDatabaseUrl: cluster.replicaUrl })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
    key = (await request('POST', '/api/generate_key/replica_reader')).body.api_key
  })
  afterAll(async () => {
    await app?.close()
    await cluster?.stop()
  })

  describe('lagging behind the primary (recovery_min_apply_delay)', () => {
    it('reads without a token from the replica (a new record is not there yet); with the create\'s token, the record', async () => {
      const created = await write('POST', '/api/create', { value1: 'fresh' })
      const path = `/api/read/${created.body.record_info.id}`
      expect((await request('GET', path)).status).toBe(404)
      const read = await request('GET', path, withToken(created))
      expect(read.status).toBe(200)
      expect(read.body.record_info).toEqual(created.body.record_info)
      expect((await request('HEAD', path, withToken(created))).status).toBe(200)
      expect((await request('HEAD', path)).status).toBe(404)
    })

    it('shows a modify with its token', async () => {
      const created = await write('POST', '/api/create', { value1: 'before' })
      const modified = await write('PATCH', `/api/modify/${created.body.record_info.id}`, { value1: 'after' })
      const read = await request('GET', `/api/read/${created.body.record_info.id}`, withToken(modified))
      expect(read.headers.etag).toBe('"2"')
      expect(read.body.record_info.value1).toBe('after')
    })

    it('lists and shows history the same way, after a bulk create', async () => {
      const bulk = await write('POST', '/api/bulk_create', [{ value1: 'one' }, { value1: 'two' }])
      const created = bulk.body.records_info.map((record: { id: number }) => record.id)
      expect(ids(await request('GET', '/api/list'))).not.toContain(created[0])
      expect(ids(await request('GET', '/api/list', withToken(bulk)))).toEqual(expect.arrayContaining(created))
      expect(ids(await request('GET', `/api/list?limit=2&after_id=${created[0] - 1}`, withToken(bulk)))).toEqual(created)
      const modified = await write('PATCH', `/api/modify/${created[0]}`, { value2: 2 })
      expect((await request('GET', `/api/history/${created[0]}`)).status).toBe(404)
      expect(versions(await request('GET', `/api/history/${created[0]}`, withToken(modified)))).toEqual([1, 2])
    })

    it('refuses a malformed token with a 400 naming the header', async () => {
      for (const token of ['', 'abc', '0/G', '1/2/3', '123456789/0', '0/16B3748, 0/16B3749']) {
        for (const path of ['/api/read/1', '/api/list', '/api/history/1']) {
          const response = await request('GET', path, { headers: { [tokenHeader]: token } })
          expect(response.status, `${path} ${token}`).toBe(400)
          expect(response.body).toEqual(badToken)
        }
      }
    })

    it('lets a page on another origin send the token and read it (CORS)', async () => {
      const preflight = await request('OPTIONS', '/api/read/1', { headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': tokenHeader } })
      expect(String(preflight.headers['access-control-allow-headers']).split(/,\s*/)).toContain(tokenHeader)
      const created = await request('POST', '/api/create', { headers: { 'api-key': key, origin: 'https://app.example' }, json: { value1: 'cors' } })
      expect(created.status).toBe(201)
      expect(String(created.headers['access-control-expose-headers']).split(/,\s*/)).toContain('Phoenix-Consistency-Token')
    })

    it('reports the replica and its lag in /readyz and /metrics', async () => {
      const ready = await request('GET', '/readyz')
      expect(ready.status).toBe(200)
      expect(ready.body.replica.status).toBe('ok')
      const metrics = (await request('GET', '/metrics')).text
      expect(metrics).toMatch(/^db_replica_up 1$/m)
      expect(Number(/^db_replica_lag_bytes (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0)
      expect(metrics).toMatch(/^db_replica_lag_seconds \S+$/m)
    })
  })

  describe('caught up, then replay paused', () => {
    beforeAll(async () => {
      await cluster.applyDelay('0')
      await cluster.replayed()
    })

    // Whatever the replica answers while paused, the primary could not: the old version.
    it('answers a token the replica has caught up with from the replica itself', async () => {
      const created = await write('POST', '/api/create', { value1: 'replayed' })
      const id = created.body.record_info.id
      await cluster.replayed(String(created.headers[tokenHeader]))
      await cluster.paused(async () => {
        const modified = await write('PATCH', `/api/modify/${id}`, { value1: 'not replayed' })
        expect((await request('GET', `/api/read/${id}`, withToken(created))).body.record_info.value1).toBe('replayed')
        expect((await request('GET', `/api/read/${id}`)).headers.etag).toBe('"1"')
        expect(versions(await request('GET', `/api/history/${id}`, withToken(created)))).toEqual([1])
        const read = await request('GET', `/api/read/${id}`, withToken(modified))
        expect([read.headers.etag, read.body.record_info.value1]).toEqual(['"2"', 'not replayed'])
      })
    })

    it('lets the SDK\'s updateRecord start over from a stale read, reading with the 412\'s token', async () => {
      const created = await write('POST', '/api/create', { value2: 1 })
      const id = created.body.record_info.id
      await cluster.replayed(String(created.headers[tokenHeader]))
      await cluster.paused(async () => {
        await write('PATCH', `/api/modify/${id}`, { value2: 10 })
        // The replica still says version 1: the first write is a 412, the second read must not be stale.
        const sdk = createPhoenixClient({ baseUrl: base, apiKey: key })
        const { data, response } = await sdk.updateRecord(id, (record) => ({ value2: (record.value2 ?? 0) + 1 }), { attempts: 2 })
        expect(response.status).toBe(200)
        expect(data?.record_info.value2).toBe(11)
      })
    })

    it('shows a remove with its token (404) while the replica still has the record', async () => {
      const created = await write('POST', '/api/create', { value1: 'doomed' })
      const id = created.body.record_info.id
      await cluster.replayed(String(created.headers[tokenHeader]))
      await cluster.paused(async () => {
        const removed = await write('DELETE', `/api/remove/${id}`)
        expect((await request('GET', `/api/read/${id}`)).status).toBe(200)
        expect((await request('GET', `/api/read/${id}`, withToken(removed))).status).toBe(404)
        expect(ids(await request('GET', '/api/list'))).toContain(id)
        expect(ids(await request('GET', '/api/list', withToken(removed)))).not.toContain(id)
      })
    })
  })

  // Frozen (every process stopped with SIGSTOP: it takes connections and answers nothing), only the
  // client-side deadlines can end a wait on it: reads still answer within QUERY_TIMEOUT_SECONDS.
  it('answers reads from the primary while the replica is frozen, and from the replica again once it thaws', async () => {
    const created = await write('POST', '/api/create', { value1: 'frozen replica' })
    const id = created.body.record_info.id
    await cluster.replayed(String(created.headers[tokenHeader]))
    const frozen = await clusterProcesses(cluster.replicaDir)
    const thaw = (): void => { for (const pid of frozen) process.kill(pid, 'SIGCONT') }
    try {
      for (const pid of frozen) process.kill(pid, 'SIGSTOP')
      const modified = await write('PATCH', `/api/modify/${id}`, { value1: 'written while frozen' })
      const reads = await within(Promise.all([
        request('GET', `/api/read/${id}`), request('GET', `/api/read/${id}`, withToken(modified)),
        request('GET', `/api/list?limit=1&after_id=${id - 1}`), request('GET', `/api/history/${id}`)
      ]), testConfig.queryTimeoutSeconds * 1000 + 5000, 'reads with the replica frozen')
      expect(reads.map((response) => response.status)).toEqual([200, 200, 200, 200])
      expect(reads[1]!.body.record_info.value1).toBe('written while frozen')
      expect((await within(request('GET', '/readyz'), 5000, '/readyz')).body.replica.status).toBe('unavailable')
    } finally {
      thaw()
    }
    await within((async () => { while ((await request('GET', '/readyz')).body.replica.status !== 'ok') await delay(50) })(), 15_000, 'the replica serving reads again')
    await cluster.replayed()
    expect((await request('GET', `/api/read/${id}`)).body.record_info.value1).toBe('written while frozen')
  })

  it('answers every read from the primary while the replica is down, promptly, and /readyz stays 200', async () => {
    const created = await write('POST', '/api/create', { value1: 'no replica' })
    await cluster.crashReplica()
    const id = created.body.record_info.id
    const reads = await within(Promise.all([
      request('GET', `/api/read/${id}`), request('GET', `/api/read/${id}`, withToken(created)),
      request('GET', '/api/list'), request('GET', `/api/history/${id}`, withToken(created))
    ]), 10_000, 'reads with the replica down')
    expect(reads.map((response) => response.status)).toEqual([200, 200, 200, 200])
    expect(ids(reads[2]!)).toContain(id)
    const ready = await within(request('GET', '/readyz'), 5000, '/readyz')
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ status: 'ok', replica: { status: 'unavailable', lag_seconds: null } })
    expect((await request('GET', '/metrics')).text).toMatch(/^db_replica_up 0$/m)
    expect((await write('PATCH', `/api/modify/${id}`, { value3: true })).status).toBe(200)
  })
})

describe('without READ_DATABASE_URL', () => {
  const t = useApp()

  it('sends no token, ignores a well-formed one, refuses a malformed one, and reports no replica', async () => {
    const { key } = await t.issueKey()
    const created = await t.request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'primary only' } })
    const id = created.body.record_info.id
    const modified = await t.request('PATCH', `/api/modify/${id}`, { headers: { 'api-key': key }, json: { value1: 'still' } })
    const bulk = await t.request('POST', '/api/bulk_create', { headers: { 'api-key': key }, json: [{ value1: 'x' }] })
    const removed = await t.request('DELETE', `/api/remove/${bulk.body.records_info[0].id}`, { headers: { 'api-key': key } })
    for (const response of [created, modified, bulk, removed]) expect(response.headers[tokenHeader]).toBeUndefined()
    const token = { headers: { [tokenHeader]: 'FFFFFFFF/FFFFFFFF' } }
    expect((await t.request('GET', `/api/read/${id}`, token)).body.record_info.value1).toBe('still')
    expect((await t.request('GET', `/api/history/${id}`, token)).body.history).toHaveLength(2)
    expect((await t.request('GET', '/api/list', { headers: { [tokenHeader]: 'nope' } })).body).toEqual(badToken)
    const ready = await t.request('GET', '/readyz')
    expect(ready.text).toBe('{"status":"ok"}')
    expect((await t.request('GET', '/metrics')).text).not.toContain('db_replica')
    const preflight = await t.request('OPTIONS', '/api/read/1', { headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } })
    expect(String(preflight.headers['access-control-allow-headers'])).not.toContain(tokenHeader)
  })
})
