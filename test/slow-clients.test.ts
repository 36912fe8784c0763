// Clients that read slowly or not at all, and clients that send slowly, must not take the service
// down: a full list holds no database connection while it waits for its client, a socket that makes
// no progress is cut, and slow senders are cut at their deadlines while everyone else is served.
import type { Socket } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useApp } from './helper.js'
import { parseResponse } from './fuzz/http.js'
import { openSocket } from './raw.js'

// SEND_TIMEOUT_SECONDS 3: a slow reader (200 KB/s) drains a batch (about 400 KB) in about 2 s,
// which is progress; a client that reads nothing is cut after 3 to 3.75 s.
const t = useApp({ config: { queryTimeoutSeconds: 1, sendTimeoutSeconds: 3, headersTimeoutSeconds: 1, requestTimeoutSeconds: 2, listStreamsMax: 8 } })
let port: number
let key: string
const sockets: Socket[] = []
const rows = 10_000

beforeAll(async () => {
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  port = (t.app.server.address() as { port: number }).port
  const issued = await t.issueKey()
  const username = issued.username
  key = issued.key
  await t.sql`
    INSERT INTO record (value1, value2, lastmodifiedby)
    SELECT repeat('x', 150) || n, n, ${username} FROM generate_series(1, ${rows}) AS n
  `
})

afterAll(() => {
  for (const socket of sockets) socket.destroy()
})

async function listSocket (): Promise<Socket> {
  const socket = await openSocket(port)
  sockets.push(socket)
  socket.write('GET /api/list HTTP/1.1\r\nHost: x\r\n\r\n')
  return socket
}

interface Received {
  data: Buffer
  /** Resolves when the response has ended (its last chunk, or a short one) or the socket closed. */
  done: Promise<void>
  closed: Promise<void>
  /** Reads at this many bytes per second from now on (Infinity: as fast as it comes, 0: never). */
  rate: (bytesPerSecond: number) => void
}

const lastChunk = Buffer.from('\r\n0\r\n\r\n')

function readAt (socket: Socket, bytesPerSecond: number): Received {
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  let markDone = (): void => {}
  const done = new Promise<void>((resolve) => { markDone = resolve })
  closed.then(markDone, () => {})
  let rate = bytesPerSecond
  let budget = rate / 10
  const chunks: Buffer[] = []
  let tail = Buffer.alloc(0)
  const received: Received = {
    get data () { return Buffer.concat(chunks) },
    done,
    closed,
    rate: (bytesPerSecond) => {
      rate = bytesPerSecond
      budget = rate / 10
      if (rate > 0) socket.resume()
    }
  }
  socket.on('error', () => {})
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    tail = Buffer.concat([tail, chunk]).subarray(-lastChunk.length)
    // The end of a chunked body, or a response that is not a list (a 503).
    if (tail.equals(lastChunk) || (chunks.length === 1 && !chunk.toString('latin1', 0, 12).endsWith('200'))) markDone()
    budget -= chunk.length
    if (budget <= 0) socket.pause()
  })
  if (rate === 0) socket.pause()
  const timer = setInterval(() => {
    budget = rate / 10
    if (rate > 0) socket.resume()
  }, 100)
  closed.then(() => clearInterval(timer), () => {})
  return received
}

/** The JSON array of a complete chunked list response, or undefined when it was cut short. */
function completeList (data: Buffer): unknown[] | undefined {
  const parsed = parseResponse(data, 0, 'GET', false)
  if (typeof parsed === 'string' || parsed.response.headers['transfer-encoding'] !== 'chunked') return undefined
  return JSON.parse(parsed.response.body.toString('utf8')) as unknown[]
}

async function timedStatus (path: string): Promise<{ status: number, ms: number }> {
  const started = Date.now()
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) })
  await response.arrayBuffer()
  return { status: response.status, ms: Date.now() - started }
}

describe('full lists to clients that read slowly or not at all', () => {
  it('keeps answering reads within a second while 20 stalled and 20 slow clients ask for the whole list', async () => {
    const stalled: Received[] = []
    const slow: Received[] = []
    for (let i = 0; i < 20; i += 1) {
      stalled.push(readAt(await listSocket(), 0))
      slow.push(readAt(await listSocket(), 200_000))
    }
    const probes: Array<{ path: string, status: number, ms: number }> = []
    for (let round = 0; round < 15; round += 1) {
      for (const path of ['/api/read/1', '/readyz', '/api/list?limit=10']) probes.push({ path, ...await timedStatus(path) })
      await delay(200)
    }
    // Each statement got a connection within QUERY_TIMEOUT_SECONDS (1 s here), or it would have
    // been a 503; the answers themselves came within a second (2 s allowed for CPU noise on a
    // shared 2-core machine running other test files at the same time).
    for (const probe of probes) {
      expect(probe.status, probe.path).toBe(200)
      expect(probe.ms, probe.path).toBeLessThan(2000)
    }

    // Each list client was either streamed its list (at most LIST_STREAMS_MAX at once) or told to
    // come back later; the slow readers that were streamed get the whole table, although reading
    // it took them longer than QUERY_TIMEOUT_SECONDS.
    for (const client of slow) client.rate(Infinity)
    await Promise.race([Promise.all(slow.map(async (client) => await client.done)), delay(15_000)])
    let streamed = 0
    for (const client of slow) {
      const status = Number(client.data.toString('latin1', 9, 12))
      if (status === 503) {
        const refused = parseResponse(client.data, 0, 'GET', false)
        expect(typeof refused === 'string' ? undefined : refused.response.headers['retry-after']).toBe('5')
        continue
      }
      expect(status).toBe(200)
      const list = completeList(client.data)
      expect(list).toHaveLength(rows)
      streamed += 1
    }
    expect(streamed).toBeGreaterThan(0)
    expect(stalled.length + slow.length).toBe(40)
  }, 60_000)
})

describe('full lists larger than the socket buffers', () => {
  // More than the kernel's socket buffers hold (about 40 MB of JSON), so that the server's writes
  // really stop when the client stops reading.
  beforeAll(async () => {
    await t.sql`
      INSERT INTO record (value1, value2, lastmodifiedby)
      SELECT repeat('y', 250), n, 'bulk' FROM generate_series(1, 100000) AS n
    `
  })

  it('resets a connection that reads nothing for SEND_TIMEOUT_SECONDS, and frees its place', async () => {
    const [{ total }] = await t.sql`SELECT count(*)::int AS total FROM record` as unknown as [{ total: number }]
    const clients = await Promise.all(Array.from({ length: 8 }, async () => {
      const socket = await listSocket()
      return { socket, received: readAt(socket, 0) }
    }))
    // A paused socket does not notice its reset until it reads again: after SEND_TIMEOUT_SECONDS
    // without progress (and a margin) each is read, and finds its connection reset before the end
    // of its list.
    await delay(5000)
    for (const { received } of clients) received.rate(Infinity)
    await Promise.race([Promise.all(clients.map(async ({ received }) => await received.done)), delay(10_000)])
    for (const { socket, received } of clients) {
      expect(received.data.toString('latin1', 0, 12)).toBe('HTTP/1.1 200')
      expect(completeList(received.data)).toBeUndefined()
      expect(socket.destroyed).toBe(true)
    }
    // Their places went to new lists.
    const fresh = readAt(await listSocket(), Infinity)
    await Promise.race([fresh.done, delay(20_000)])
    expect(completeList(fresh.data)).toHaveLength(total)
  }, 60_000)

  it('aborts a list that cannot be completed before its end: the client sees a failed transfer, not a short array', async () => {
    const socket = await listSocket()
    const client = readAt(socket, 0)
    client.rate(Infinity)
    await new Promise<void>((resolve) => socket.once('data', () => resolve()))
    client.rate(0)
    // The next batch cannot be read within QUERY_TIMEOUT_SECONDS: the table is locked.
    await t.sql.begin(async (tx) => {
      await tx`LOCK TABLE record IN ACCESS EXCLUSIVE MODE`
      client.rate(Infinity)
      await Promise.race([client.closed, delay(15_000)])
    })
    expect(socket.destroyed).toBe(true)
    expect(client.data.toString('latin1', 0, 12)).toBe('HTTP/1.1 200')
    expect(client.data.includes(Buffer.from('\r\n0\r\n\r\n'))).toBe(false)
  }, 30_000)
})

describe('clients that send slowly', () => {
  // Writes `text` a byte at a time, every `everyMs`, until the server closes the connection.
  async function drip (text: string, everyMs: number, atOnce = ''): Promise<{ answer: string, closedAfterMs: number }> {
    const socket = await openSocket(port)
    socket.write(atOnce)
    sockets.push(socket)
    const started = Date.now()
    let answer = ''
    socket.on('data', (chunk: Buffer) => { answer += chunk.toString('latin1') })
    socket.on('error', () => {})
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    for (let i = 0; i < text.length && !socket.destroyed; i += 1) {
      socket.write(text[i]!)
      await Promise.race([delay(everyMs), closed])
    }
    await Promise.race([closed, delay(10_000)])
    return { answer, closedAfterMs: Date.now() - started }
  }

  it('cuts 200 slow senders at their deadlines with a 408, while other clients are served', async () => {
    const headers = 'GET /api/read/1 HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(200) + '\r\n\r\n'
    // The headers arrive at once here, then the body a byte at a time.
    const body = `POST /api/create HTTP/1.1\r\nHost: x\r\napi-key: ${key}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"value1":"${'b'.repeat(300)}`
    const slow = [
      ...Array.from({ length: 150 }, async () => await drip(headers, 50)),
      ...Array.from({ length: 50 }, async () => await drip(body.slice(body.indexOf('\r\n\r\n') + 4), 50, body.slice(0, body.indexOf('\r\n\r\n') + 4)))
    ]
    const probes: Array<{ status: number, ms: number }> = []
    for (let round = 0; round < 10; round += 1) {
      probes.push(await timedStatus('/api/read/1'))
      await delay(200)
    }
    const results = await Promise.all(slow)
    for (const probe of probes) {
      expect(probe.status).toBe(200)
      expect(probe.ms).toBeLessThan(1000)
    }
    for (const result of results) {
      expect(result.answer).toMatch(/^HTTP\/1\.1 408 /)
      expect(result.answer).toContain('{"status":"failed","message":"The request took too long to arrive! Please send it again."}')
      // The deadline (1 s for headers, 2 s for the whole request) plus Node's check interval (1 s).
      expect(result.closedAfterMs).toBeLessThan(4500)
    }
  }, 60_000)
})
