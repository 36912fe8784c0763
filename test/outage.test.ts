// A database outage seen through the HTTP interface. The contract: "A database outage answers 503
// with Retry-After, never a hang or a 500, and the service recovers by itself when the database
// returns." This file runs a private cluster, so stopping it disturbs no other test file.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { startEmbeddedDatabase } from '../src/db/embedded.js'
import { requester, testConfig, within, type RequestOptions, type Response } from './helper.js'

const unavailable = {
  status: 'failed',
  message: 'The database is temporarily unavailable! Please try again in a few seconds!'
}
// A hang guard, not a benchmark: the pool's connect_timeout is 5 s.
const answerWithin = 10_000
const recoverWithin = 20_000

let dataDir: string
let databaseUrl: string
let stopDatabase: (() => Promise<void>) | undefined
let app: FastifyInstance
let key: string
let record: any

async function request (method: string, url: string, options: RequestOptions = {}, target = app): Promise<Response> {
  return await requester(target)(method, url, options)
}

async function timed<T> (work: () => Promise<T>): Promise<{ result: T, elapsed: number }> {
  const started = Date.now()
  const result = await work()
  return { result, elapsed: Date.now() - started }
}

/** Repeats a request until it answers `expected` or time runs out; returns the last answer. */
async function eventually (send: () => Promise<Response>, expected: number): Promise<Response> {
  const deadline = Date.now() + recoverWithin
  for (;;) {
    const response = await send()
    if (response.status === expected || Date.now() > deadline) return response
    await delay(100)
  }
}

// The cluster comes back on its old port: the app's pool keeps the URL it was built with.
async function restartOnSamePort (): Promise<() => Promise<void>> {
  const database = await startEmbeddedDatabase({ dataDir, port: Number(new URL(databaseUrl).port) })
  return database.stop
}

// The routes that need the database, sent alike during the outage and after it.
interface Route {
  label: string
  send: (target?: FastifyInstance) => Promise<Response>
}
const readRoute: Route = {
  label: 'GET /api/read/{id}',
  send: async (target) => await request('GET', `/api/read/${record.id as number}`, {}, target)
}
const listRoute: Route = {
  label: 'GET /api/list',
  send: async (target) => await request('GET', '/api/list', {}, target)
}
const createRoute: Route = {
  label: 'POST /api/create (with a key)',
  send: async (target) => await request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'written later' } }, target)
}
const generateKeyRoute: Route = {
  label: 'POST /api/generate_key/x',
  send: async (target) => await request('POST', '/api/generate_key/x', {}, target)
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'phoenix-outage-test-'))
  const database = await startEmbeddedDatabase({ dataDir })
  databaseUrl = database.url
  stopDatabase = database.stop
  app = await build({ config: testConfig, databaseUrl })
  await app.ready()

  const issued = await request('POST', '/api/generate_key/before_outage')
  expect(issued.status).toBe(201)
  key = issued.body.api_key
  const created = await request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'before the outage', value2: 42 } })
  expect(created.status).toBe(201)
  record = created.body.record_info
})

afterAll(async () => {
  await app?.close()
  await stopDatabase?.()
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
})

describe('while the database is down', () => {
  beforeAll(async () => {
    await stopDatabase?.()
    stopDatabase = undefined
  })

  it.each([readRoute, listRoute, createRoute, generateKeyRoute])('$label answers 503 with Retry-After, without hanging', async ({ send }) => {
    const { result: response, elapsed } = await timed(async () => await within(send(), answerWithin, 'the request'))
    expect(response.status).toBe(503)
    expect(response.headers['retry-after']).toBe(String(testConfig.retryAfterSeconds))
    expect(response.body).toEqual(unavailable)
    expect(elapsed).toBeLessThan(answerWithin)
  }, 20_000)

  it('answers GET /readyz with 503 unavailable and Retry-After', async () => {
    const { result: response, elapsed } = await timed(async () => await within(request('GET', '/readyz'), answerWithin, 'the request'))
    expect(response.status).toBe(503)
    expect(response.headers['retry-after']).toBe(String(testConfig.retryAfterSeconds))
    expect(response.body).toEqual({ status: 'unavailable' })
    expect(elapsed).toBeLessThan(answerWithin)
  }, 20_000)

  it('still answers GET /healthz with 200: the process is up', async () => {
    const response = await request('GET', '/healthz')
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ status: 'ok' })
  })
})

describe('while the database stays down under concurrent requests', () => {
  // An app with a pool of its own, so that requests this test leaves waiting cannot hold up the
  // others. Ending its pool at once (timeout 0) rejects whatever is still queued.
  let loaded: FastifyInstance
  beforeAll(async () => {
    loaded = await build({ config: testConfig, databaseUrl, migrate: false })
    await loaded.ready()
  })
  afterAll(async () => {
    await loaded?.sql.end({ timeout: 0 })
    await loaded?.close()
  })

  // postgres.js's default reconnect backoff (shared by the pool, growing to 20 s while the
  // database stays down) once made these wait far longer than connect_timeout.
  it('answers 20 concurrent requests with 503 within 10 s', async () => {
    const responses = await within(
      Promise.all(Array.from({ length: 20 }, async (_, i) => await (i % 2 === 0 ? readRoute : listRoute).send(loaded))),
      answerWithin,
      '20 concurrent requests')
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(503))
  }, 20_000)
})

describe('when the database comes back on the same address', () => {
  beforeAll(async () => {
    stopDatabase = await restartOnSamePort()
  })

  it('answers GET /readyz with 200 again by itself', async () => {
    const response = await eventually(async () => await request('GET', '/readyz'), 200)
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ status: 'ok' })
  }, 30_000)

  it('still has the record created before the outage', async () => {
    const read = await eventually(readRoute.send, 200)
    expect(read.status).toBe(200)
    expect(read.body.record_info).toEqual(record)
    const list = await eventually(listRoute.send, 200)
    expect(list.status).toBe(200)
    expect(list.body).toContainEqual(record)
  }, 30_000)

  it('accepts the key issued before the outage again', async () => {
    const created = await eventually(createRoute.send, 201)
    expect(created.status).toBe(201)
    expect(created.body.record_info.lastmodifiedby).toBe('before_outage')
  }, 30_000)

  // Also shows that the request refused during the outage left nothing half-written.
  it('issues a key for the username whose request failed during the outage', async () => {
    const issued = await eventually(generateKeyRoute.send, 201)
    expect(issued.status).toBe(201)
    expect(issued.body.username).toBe('x')
  }, 30_000)
})
