// The real entry point (src/server.ts) as a child process, the way people run it: configuration
// from the environment, the embedded PostgreSQL's life cycle under DATA_DIR, data that survives
// a restart, and a clean exit on SIGTERM/SIGINT that leaves no PostgreSQL behind.
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import postgres from 'postgres'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort } from '../src/db/embedded.js'
import { migrate } from '../src/db/migrate.js'
import { useDatabase, within, type Response } from './helper.js'
import {
  cleanUpServers, exitTimeout, issueKey, postgresRunningOn, request, startServer, startTimeout, stopServer, tempDir,
  waitForOutput, waitUntilHealthy
} from './server-process.js'
import { SpecViolation } from './spec.js'

afterEach(cleanUpServers)

describe('starting without DATABASE_URL', () => {
  it('starts an embedded PostgreSQL under DATA_DIR, is ready, and says where the API and /docs are', async () => {
    const dataDir = await tempDir()
    const server = await startServer({ dataDir })
    await waitUntilHealthy(server)

    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true)
    const health = await request(server, 'GET', '/healthz')
    expect(health.status).toBe(200)
    expect(health.body).toEqual({ status: 'ok' })
    const ready = await request(server, 'GET', '/readyz')
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ status: 'ok' })

    expect(server.stdout()).toContain(`Phoenix is listening on ${server.base}`)
    expect(server.stdout()).toContain(`${server.base}/docs`)
    expect((await request(server, 'GET', '/docs')).status).toBe(200)
  }, 60_000)

  it('keeps records across a stop and a restart on the same DATA_DIR', async () => {
    const dataDir = await tempDir()
    const first = await startServer({ dataDir })
    await waitUntilHealthy(first)
    const key = await issueKey(first, 'persistent')
    const created = await request(first, 'POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'kept', value2: 1.5 } })
    expect(created.status).toBe(201)
    const record = created.body.record_info
    expect(await stopServer(first)).toEqual({ code: 0, signal: null })

    const second = await startServer({ dataDir })
    await waitUntilHealthy(second)
    const read = await request(second, 'GET', `/api/read/${record.id as number}`)
    expect(read.status).toBe(200)
    expect(read.body.record_info).toEqual(record)
    // The key survives too: it still authenticates after the restart.
    const again = await request(second, 'POST', '/api/create', { headers: { 'api-key': key }, json: { value3: true } })
    expect(again.status).toBe(201)
    expect(again.body.record_info.lastmodifiedby).toBe('persistent')
  }, 90_000)
})

describe('a DATA_DIR has one owner', () => {
  it('refuses a second server on the same DATA_DIR with exit code 1, naming the first, which keeps serving', async () => {
    const dataDir = await tempDir()
    const first = await startServer({ dataDir })
    await waitUntilHealthy(first)
    const key = await issueKey(first, 'first')
    const database = await postgresRunningOn(dataDir)
    expect(database).toHaveLength(1)

    const second = await startServer({ dataDir })
    expect(await within(second.exit, startTimeout, 'the second server exiting')).toEqual({ code: 1, signal: null })
    expect(second.stderr()).toContain(`DATA_DIR ${dataDir} is in use by another Phoenix server (pid ${first.child.pid!}, running since `)
    expect(second.stderr()).toContain('stop that server first, or start this one with another DATA_DIR')

    // The first server's PostgreSQL was not touched: the same process, still serving.
    expect(await postgresRunningOn(dataDir)).toEqual(database)
    const ready = await request(first, 'GET', '/readyz')
    expect(ready.status).toBe(200)
    const created = await request(first, 'POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'still here' } })
    expect(created.status).toBe(201)
    expect(await stopServer(first)).toEqual({ code: 0, signal: null })
    expect(existsSync(join(dataDir, 'phoenix.lock'))).toBe(false)
  }, 60_000)

  it('stops the PostgreSQL left running by a server killed with SIGKILL, and serves its data', async () => {
    const dataDir = await tempDir()
    const killed = await startServer({ dataDir })
    await waitUntilHealthy(killed)
    const key = await issueKey(killed, 'killed')
    const created = await request(killed, 'POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'outlived', value3: false } })
    expect(created.status).toBe(201)
    expect(await stopServer(killed, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' })
    // Its PostgreSQL runs on as an orphan, and its lock stays behind.
    const [orphan] = await postgresRunningOn(dataDir)
    expect(orphan).toBeDefined()
    expect(existsSync(join(dataDir, 'phoenix.lock'))).toBe(true)

    const next = await startServer({ dataDir })
    await waitUntilHealthy(next)
    const read = await request(next, 'GET', `/api/read/${created.body.record_info.id as number}`)
    expect(read.status).toBe(200)
    expect(read.body.record_info).toEqual(created.body.record_info)
    const running = await postgresRunningOn(dataDir)
    expect(running).toHaveLength(1)
    expect(running).not.toContain(orphan)
  }, 60_000)
})

describe('stopping on a signal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('exits with code 0 on %s and leaves no PostgreSQL running', async (signal) => {
    const dataDir = await tempDir()
    const server = await startServer({ dataDir })
    await waitUntilHealthy(server)
    expect(await postgresRunningOn(dataDir)).toHaveLength(1)

    expect(await stopServer(server, signal)).toEqual({ code: 0, signal: null })
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false)
    expect(await postgresRunningOn(dataDir)).toEqual([])
    expect(server.stderr()).not.toContain('shutdown failed')
  }, 60_000)

  it('exits with code 0 on SIGTERM after its PostgreSQL died under it, and gives DATA_DIR up', async () => {
    const dataDir = await tempDir()
    const server = await startServer({ dataDir })
    await waitUntilHealthy(server)
    const [database] = await postgresRunningOn(dataDir)
    process.kill(database!, 'SIGKILL')
    // Its backends notice the postmaster's death a moment later: until then a pooled connection
    // may still answer.
    let ready = 200
    for (const deadline = Date.now() + 10_000; ready !== 503 && Date.now() < deadline; await delay(100)) {
      ready = (await request(server, 'GET', '/readyz')).status
    }
    expect(ready).toBe(503)

    expect(await stopServer(server)).toEqual({ code: 0, signal: null })
    expect(existsSync(join(dataDir, 'phoenix.lock'))).toBe(false)
    expect(server.stderr()).not.toContain('shutdown failed')
  }, 60_000)

  it('finishes in-flight creates on SIGTERM during a burst: every acknowledged record is stored, exit code 0', async () => {
    const dataDir = await tempDir()
    const server = await startServer({ dataDir })
    await waitUntilHealthy(server)
    const key = await issueKey(server, 'burst')
    const acknowledged: Array<{ id: number, value1: string }> = []
    const refused: number[] = []
    let sent = 0

    // Workers create records until the server stops answering; SIGTERM lands mid-burst.
    async function worker (worker: number): Promise<void> {
      for (let i = 0; ; i += 1) {
        const value1 = `burst ${worker}-${i}`
        sent += 1
        let response: Response
        try {
          response = await request(server, 'POST', '/api/create', { headers: { 'api-key': key }, json: { value1 } })
        } catch (error) {
          if (error instanceof SpecViolation) throw error
          return // the connection was refused or closed: not acknowledged
        }
        if (response.status === 201) {
          acknowledged.push({ id: response.body.record_info.id, value1 })
        } else {
          expect(response.status).toBe(503)
          expect(response.headers['retry-after']).toBeDefined()
          refused.push(response.status)
          return
        }
      }
    }
    const workers = Array.from({ length: 8 }, async (_, n) => await worker(n))
    while (acknowledged.length < 100) await delay(5)
    server.child.kill('SIGTERM')
    expect(await within(server.exit, exitTimeout, 'exiting on SIGTERM')).toEqual({ code: 0, signal: null })
    await within(Promise.all(workers), exitTimeout, 'the burst ending')
    expect(await postgresRunningOn(dataDir)).toEqual([])

    const restarted = await startServer({ dataDir })
    await waitUntilHealthy(restarted)
    const stored = (await request(restarted, 'GET', '/api/list')).body as Array<{ id: number, value1: string }>
    const storedById = new Map(stored.map((record) => [record.id, record.value1]))
    for (const record of acknowledged) expect(storedById.get(record.id)).toBe(record.value1)
    expect(acknowledged.length).toBeGreaterThanOrEqual(100)
    expect(stored.length).toBeLessThanOrEqual(sent)
  }, 90_000)

  // A signal while the embedded database starts must not be lost: start-up goes no further and
  // what was started is stopped.
  it('exits with code 0 on SIGTERM while the database is still starting', async () => {
    const dataDir = await tempDir()
    const server = await startServer({ dataDir })
    await waitForOutput(server, 'starting embedded PostgreSQL')

    server.child.kill('SIGTERM')
    expect(await within(server.exit, 10_000, 'exiting on SIGTERM during start-up')).toEqual({ code: 0, signal: null })
    expect(await postgresRunningOn(dataDir)).toEqual([])
  }, 60_000)
})

describe('a bad configuration value', () => {
  it.each([
    ['PORT', 'abc'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'colour'],
    ['DATABASE_URL', 'mysql://x'],
    ['TRUST_PROXY', 'proxy.example'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['HEADERS_TIMEOUT_SECONDS', '60']
  ])('stops the process with exit code 1 naming %s (%s) before starting a database', async (name, value) => {
    const dataDir = await tempDir()
    const server = await startServer({ dataDir, env: { [name]: value } })
    expect(await within(server.exit, startTimeout, 'exiting')).toEqual({ code: 1, signal: null })
    expect(server.stderr()).toContain(`Configuration error: ${name} `)
    expect(server.stdout()).not.toContain('starting embedded PostgreSQL')
    expect(existsSync(join(dataDir, 'pg'))).toBe(false)
  }, 60_000)
})

describe('request log lines', () => {
  const database = useDatabase()

  /** Starts a server on this file's database, lists the records, and returns its log line for that request. */
  async function listLogged (env: Record<string, string>): Promise<string> {
    const server = await startServer({ dataDir: await tempDir(), env: { DATABASE_URL: database.url(), ...env } })
    await waitUntilHealthy(server)
    expect((await request(server, 'GET', '/api/list?limit=1')).status).toBe(200)
    // JSON lines are written in batches, at the latest 500 ms later.
    await waitForOutput(server, '/api/list?limit=1')
    return server.stdout().split('\n').find((line) => line.includes('/api/list?limit=1'))!
  }

  it('are JSON by default, with responseTime in milliseconds to 2 decimals', async () => {
    const entry = JSON.parse(await listLogged({}))
    expect(entry).toMatchObject({ level: 30, msg: 'request completed', method: 'GET', url: '/api/list?limit=1', statusCode: 200 })
    expect(entry.responseTime).toBeGreaterThan(0)
    expect(entry.responseTime.toString()).toMatch(/^\d+(\.\d{1,2})?$/)
  }, 60_000)

  it('are one readable line each with LOG_FORMAT=pretty: time, level, request, status, milliseconds', async () => {
    const line = await listLogged({ LOG_FORMAT: 'pretty' })
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request completed: GET \/api\/list\?limit=1 → 200 in \d+(\.\d{1,2})? ms \{"reqId":"[\w-]+"\}$/)
  }, 60_000)
})

describe('a setting start-up cannot use', () => {
  const database = useDatabase()

  it('names DATABASE_URL and the address tried when no PostgreSQL answers there, before shutting down', async () => {
    const dataDir = await tempDir()
    const server = await startServer({ dataDir, env: { DATABASE_URL: 'postgres://phoenix:secret@127.0.0.1:1/x' }, combineOutput: true })
    expect(await within(server.exit, startTimeout, 'exiting')).toEqual({ code: 1, signal: null })
    const output = server.stdout()
    expect(output).toContain('Configuration error: DATABASE_URL postgres://phoenix:***@127.0.0.1:1/x: no PostgreSQL answered at 127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1)')
    expect(output).not.toContain('secret')
    expect(output.indexOf('Configuration error')).toBeLessThan(output.indexOf('shutting down'))
    expect(output).not.toContain('starting embedded PostgreSQL')
  }, 60_000)

  it('names HOST when it does not resolve, and has changed nothing in the database', async () => {
    const server = await startServer({ dataDir: await tempDir(), env: { DATABASE_URL: database.url(), HOST: 'no-such-host.invalid' } })
    expect(await within(server.exit, startTimeout, 'exiting')).toEqual({ code: 1, signal: null })
    expect(server.stderr()).toContain('Configuration error: HOST no-such-host.invalid does not resolve to an address')
    const sql = postgres(database.url(), { max: 1, onnotice: () => {} })
    try {
      expect(await sql`SELECT to_regclass('schema_migrations') AS migrations`).toEqual([{ migrations: null }])
    } finally {
      await sql.end()
    }
  }, 60_000)

  it('names PORT when something already listens on it, before starting a database', async () => {
    const port = await freePort()
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve))
    try {
      const dataDir = await tempDir()
      const server = await startServer({ dataDir, env: { PORT: String(port) } })
      expect(await within(server.exit, startTimeout, 'exiting')).toEqual({ code: 1, signal: null })
      expect(server.stderr()).toContain(`Configuration error: PORT ${port} is already in use on 127.0.0.1`)
      expect(existsSync(join(dataDir, 'pg'))).toBe(false)
    } finally {
      taken.close()
    }
  }, 60_000)

  it('names DATA_DIR when it cannot be written, before starting a database', async () => {
    const file = join(await tempDir(), 'a-file')
    await writeFile(file, '')
    const dataDir = join(file, 'data')
    const server = await startServer({ dataDir })
    expect(await within(server.exit, startTimeout, 'exiting')).toEqual({ code: 1, signal: null })
    expect(server.stderr()).toContain(`Configuration error: DATA_DIR ${dataDir} is not a directory this user can write (ENOTDIR`)
    expect(server.stdout()).not.toContain('starting embedded PostgreSQL')
  }, 60_000)
})

describe('starting with DATABASE_URL', () => {
  const database = useDatabase()

  it('starts no embedded cluster and serves requests from that database', async () => {
    const dataDir = await tempDir()
    const server = await startServer({ dataDir, env: { DATABASE_URL: database.url() } })
    await waitUntilHealthy(server)
    expect((await request(server, 'GET', '/readyz')).status).toBe(200)

    const key = await issueKey(server, 'external')
    const created = await request(server, 'POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'external' } })
    expect(created.status).toBe(201)
    const sql = postgres(database.url(), { max: 1, onnotice: () => {} })
    try {
      const rows = await sql`SELECT value1, lastmodifiedby FROM record WHERE id = ${created.body.record_info.id as number}`
      expect(rows).toEqual([{ value1: 'external', lastmodifiedby: 'external' }])
    } finally {
      await sql.end()
    }

    expect(existsSync(join(dataDir, 'pg'))).toBe(false)
    expect(server.stdout()).not.toContain('starting embedded PostgreSQL')
    expect(await stopServer(server)).toEqual({ code: 0, signal: null })
  }, 60_000)

  it('refuses to start, at once and with exit code 1, when an applied migration has changed', async () => {
    const sql = postgres(database.url(), { max: 1, onnotice: () => {} })
    try {
      await migrate(sql)
      await sql`UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1`
    } finally {
      await sql.end()
    }
    const server = await startServer({ dataDir: await tempDir(), env: { DATABASE_URL: database.url() } })
    // Within seconds: a half-built app must not keep its pool (and so the process) alive.
    expect(await within(server.exit, 10_000, 'exiting')).toEqual({ code: 1, signal: null })
    expect(server.stderr()).toContain('migration 001_initial_schema changed after it was applied')
  }, 60_000)
})
