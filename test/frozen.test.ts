// A frozen database (every PostgreSQL process stopped with SIGSTOP: it accepts connections and
// answers nothing, as behind a network black hole). statement_timeout cannot fire then; the
// contract still holds because every wait has a client-side bound: requests get a 503 with
// Retry-After within QUERY_TIMEOUT_SECONDS, /readyz within 2 s, and the service recovers when the
// database thaws. This file runs a private cluster, so freezing it disturbs no other test file.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { startEmbeddedDatabase } from '../src/db/embedded.js'
import { requester, testConfig, type Response } from './helper.js'
import { clusterProcesses } from './server-process.js'

const poolMax = 5
let dataDir: string
let stopDatabase: (() => Promise<void>) | undefined
let databaseUrl: string
let app: FastifyInstance
let key: string
let recordId: number
let frozen: number[] = []

async function request (method: string, url: string, options: Parameters<ReturnType<typeof requester>>[2] = {}): Promise<Response & { ms: number }> {
  const started = Date.now()
  const response = await requester(app)(method, url, options)
  return { ...response, ms: Date.now() - started }
}

function thaw (): void {
  for (const pid of frozen) {
    try { process.kill(pid, 'SIGCONT') } catch {}
  }
  frozen = []
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'phoenix-frozen-test-'))
  const database = await startEmbeddedDatabase({ dataDir })
  databaseUrl = database.url
  stopDatabase = database.stop
  app = await build({ config: { ...testConfig, dbPoolMax: poolMax, queryTimeoutSeconds: 1 }, databaseUrl })
  await app.ready()
  key = (await request('POST', '/api/generate_key/before_freeze')).body.api_key
  recordId = (await request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'before the freeze' } })).body.record_info.id
}, 60_000)

afterAll(async () => {
  thaw()
  await app?.close()
  await stopDatabase?.()
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
})

describe('a frozen database', () => {
  it('gets every request a 503 with Retry-After within its deadline, /readyz within 2 s, and /metrics answers', async () => {
    frozen = await clusterProcesses(join(dataDir, 'pg'))
    for (const pid of frozen) process.kill(pid, 'SIGSTOP')
    try {
      const sent = Array.from({ length: 20 }, (_, i) => `during the freeze ${i}`)
      const [creates, reads, ready, metrics] = await Promise.all([
        Promise.all(sent.map(async (value1) => await request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1 } }))),
        Promise.all(Array.from({ length: 10 }, async () => await request('GET', `/api/read/${recordId}`))),
        request('GET', '/readyz'),
        request('GET', '/metrics')
      ])
      for (const response of [...creates, ...reads]) {
        expect(response.status).toBe(503)
        expect(response.headers['retry-after']).toBe(String(testConfig.retryAfterSeconds))
        expect(response.body.message).toBe('The database is temporarily unavailable! Please try again in a few seconds!')
        // QUERY_TIMEOUT_SECONDS is 1 here; a request may need two statements (key and write).
        expect(response.ms).toBeLessThan(2500)
      }
      expect(ready.status).toBe(503)
      expect(ready.ms).toBeLessThan(2000)
      expect(metrics.status).toBe(200)
      expect(metrics.text).toMatch(/^db_up 0$/m)
      expect(metrics.ms).toBeLessThan(2000)
    } finally {
      thaw()
    }

    // By itself, once it thaws.
    let read: Response | undefined
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await delay(100)) {
      read = await request('GET', `/api/read/${recordId}`)
      if (read.status === 200) break
    }
    expect(read?.status).toBe(200)
    expect((await request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'after the thaw' } })).status).toBe(201)

    // A statement still waiting for a place when its deadline passed was never sent; only those
    // already handed to the pool (at most two per connection) can have run after the thaw.
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
    try {
      const [row] = await sql`SELECT count(*)::int AS n FROM record WHERE value1 LIKE 'during the freeze %'`
      expect(row!.n).toBeLessThanOrEqual(2 * poolMax)
    } finally {
      await sql.end()
    }
  }, 60_000)
})
