// SIGTERM through a real server process: requests that arrive while it drains get the contract's
// 503 with Connection: close (never a reset that leaves a client wondering whether its POST was
// applied), and SHUTDOWN_TIMEOUT_SECONDS bounds the whole of it, whatever clients or the database do.
import { mkdtemp, rm } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import postgres from 'postgres'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded.js'
import { parseJson, useDatabase, within } from './helper.js'
import { openSocket } from './raw.js'
import { checkResponse } from './spec.js'
import { cleanUpServers, clusterProcesses, issueKey, startServer, tempDir, waitUntilHealthy, type Server } from './server-process.js'

afterEach(cleanUpServers)

async function stalledList (server: Server): Promise<Socket> {
  const socket = await openSocket(Number(new URL(server.base).port))
  socket.on('error', () => {})
  socket.write('GET /api/list HTTP/1.1\r\nHost: x\r\n\r\n')
  socket.pause()
  // Wait for the answer to start: the list is then streaming, and stalls once buffers are full.
  await new Promise<void>((resolve) => socket.once('readable', () => resolve()))
  return socket
}

describe('draining on SIGTERM', () => {
  const database = useDatabase()

  it('answers every request on a kept-alive connection 201 or 503 with Connection: close; none is reset, each 201 is stored, no 503 is', async () => {
    const server = await startServer({ dataDir: await tempDir(), env: { DATABASE_URL: database.url() } })
    await waitUntilHealthy(server)
    const key = await issueKey(server, 'drain')
    // fetch keeps its connections alive and reuses them, as a production client does.
    const acknowledged: string[] = []
    const refused: string[] = []
    const lost: string[] = []
    const state = { stop: false }

    async function client (n: number): Promise<void> {
      for (let i = 0; !state.stop; i += 1) {
        const value1 = `drain ${n}-${i}`
        try {
          const response = await fetch(`${server.base}/api/create`, {
            method: 'POST',
            headers: { 'api-key': key, 'content-type': 'application/json' },
            body: JSON.stringify({ value1 })
          })
          const text = await response.text()
          checkResponse('POST', '/api/create', { status: response.status, headers: Object.fromEntries(response.headers), body: parseJson(text) })
          if (response.status === 201) {
            acknowledged.push(value1)
            continue
          }
          expect(response.status).toBe(503)
          expect(response.headers.get('connection')).toBe('close')
          expect(response.headers.get('retry-after')).toBe('5')
          refused.push(value1)
        } catch (error) {
          const code = (error as { cause?: { code?: string } }).cause?.code
          // Refused connections were never sent; anything else (a reset, "other side closed")
          // leaves the client not knowing whether its create was applied.
          if (code === 'ECONNREFUSED') return
          lost.push(`${value1}: ${String(code ?? error)}`)
          return
        }
      }
    }
    const clients = Array.from({ length: 16 }, async (_, n) => await client(n))
    while (acknowledged.length < 200) await delay(5)
    server.child.kill('SIGTERM')
    expect(await within(server.exit, 15_000, 'exiting')).toEqual({ code: 0, signal: null })
    state.stop = true
    await within(Promise.all(clients), 15_000, 'the clients ending')

    expect(lost).toEqual([])
    expect(refused.length).toBeGreaterThan(0)
    const sql = postgres(database.url(), { max: 1, onnotice: () => {} })
    try {
      const stored = new Set((await sql`SELECT value1 FROM record WHERE value1 LIKE 'drain %'`).map((row) => row.value1 as string))
      for (const value1 of acknowledged) expect(stored.has(value1), value1).toBe(true)
      for (const value1 of refused) expect(stored.has(value1), value1).toBe(false)
    } finally {
      await sql.end()
    }
  }, 90_000)
})

describe('SHUTDOWN_TIMEOUT_SECONDS', () => {
  const database = useDatabase()

  it('bounds a shutdown held up by a client that stopped reading a list', async () => {
    const sql = postgres(database.url(), { max: 1, onnotice: () => {} })
    const server = await startServer({ dataDir: await tempDir(), env: { DATABASE_URL: database.url(), SHUTDOWN_TIMEOUT_SECONDS: '2' } })
    try {
      await waitUntilHealthy(server)
      await issueKey(server, 'bulk')
      await sql`INSERT INTO record (value1, value2, lastmodifiedby) SELECT repeat('z', 250), n, 'bulk' FROM generate_series(1, 60000) AS n`
    } finally {
      await sql.end()
    }
    const socket = await stalledList(server)
    const started = Date.now()
    server.child.kill('SIGTERM')
    const exit = await within(server.exit, 10_000, 'exiting')
    expect(Date.now() - started).toBeLessThan(2000 + 3000)
    // Forced: the stalled client's connection was destroyed, which a clean exit would not need.
    expect(exit).toEqual({ code: 1, signal: null })
    expect(server.stderr()).toContain('SHUTDOWN_TIMEOUT_SECONDS (2 s)')
    socket.destroy()
  }, 60_000)
})

describe('SHUTDOWN_DELAY_SECONDS', () => {
  const database = useDatabase()

  it('answers /readyz 503 and every other request as usual for that long after SIGTERM, then drains and exits 0', async () => {
    const server = await startServer({ dataDir: await tempDir(), env: { DATABASE_URL: database.url(), SHUTDOWN_DELAY_SECONDS: '2' } })
    await waitUntilHealthy(server)
    const key = await issueKey(server, 'leaving')
    const ready = async (): Promise<number> => (await fetch(`${server.base}/readyz`)).status
    expect(await ready()).toBe(200)
    server.child.kill('SIGTERM')
    // Polled, not slept: the signal reaches the process a moment later.
    await within((async () => { while (await ready() !== 503) await delay(20) })(), 1500, '/readyz answering 503')
    const created = await fetch(`${server.base}/api/create`, { method: 'POST', headers: { 'api-key': key, 'content-type': 'application/json' }, body: '{"value1":"while leaving"}' })
    expect(created.status).toBe(201)
    expect((await fetch(`${server.base}/api/list`)).status).toBe(200)
    expect(await within(server.exit, 10_000, 'exiting')).toEqual({ code: 0, signal: null })
    expect(server.stdout()).toContain('leaving: /readyz answers 503 until the drain starts')
  }, 60_000)
})

describe('SHUTDOWN_TIMEOUT_SECONDS with a frozen database', () => {
  let dataDir: string
  let cluster: EmbeddedDatabase
  let frozen: number[] = []

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'phoenix-shutdown-test-'))
    cluster = await startEmbeddedDatabase({ dataDir })
  }, 60_000)
  afterAll(async () => {
    for (const pid of frozen) process.kill(pid, 'SIGCONT')
    await cluster?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('exits within the deadline although the pool cannot be closed cleanly', async () => {
    const server = await startServer({ dataDir: await tempDir(), env: { DATABASE_URL: cluster.url, SHUTDOWN_TIMEOUT_SECONDS: '2', QUERY_TIMEOUT_SECONDS: '1' } })
    await waitUntilHealthy(server)
    await issueKey(server, 'frozen')
    frozen = await clusterProcesses(join(dataDir, 'pg'))
    for (const pid of frozen) process.kill(pid, 'SIGSTOP')
    // A request in flight on the frozen database while the signal arrives.
    const inFlight = fetch(`${server.base}/api/read/1`).then((response) => response.status, () => 'no answer')
    await delay(200)
    const started = Date.now()
    server.child.kill('SIGTERM')
    await within(server.exit, 10_000, 'exiting')
    expect(Date.now() - started).toBeLessThan(2000 + 3000)
    expect(await inFlight).toBe(503)
    for (const pid of frozen) process.kill(pid, 'SIGCONT')
    frozen = []
  }, 60_000)
})
