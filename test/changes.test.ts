// The contract's v2 "Live change feed": GET /api/changes as Server-Sent Events, fed from the
// history table, resumable with Last-Event-ID or ?after= without losing or repeating an event.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { testConfig, useApp, within } from './helper.js'

const t = useApp()
let base: string
let key: string

beforeAll(async () => {
  base = await t.app.listen({ host: '127.0.0.1', port: 0 })
  ;({ key } = await t.issueKey())
})

interface Event { id: number, event: string, data: any }

/** A client of the feed: parses events as they arrive. */
class FeedClient {
  readonly events: Event[] = []
  comments = 0
  response!: IncomingMessage
  readonly closed: Promise<void>
  private request!: ClientRequest
  private buffer = ''
  private readonly opened: Promise<void>

  constructor (url: string, headers: Record<string, string> = {}, options: { read?: boolean } = {}) {
    let closed!: () => void
    this.closed = new Promise((resolve) => { closed = resolve })
    this.opened = new Promise((resolve, reject) => {
      this.request = httpRequest(url, { headers }, (response) => {
        this.response = response
        response.setEncoding('utf8')
        if (options.read !== false) response.on('data', (chunk: string) => { this.take(chunk) })
        else response.pause()
        response.on('close', closed)
        response.on('error', () => {})
        resolve()
      })
      this.request.on('error', (error) => { closed(); reject(error) })
      this.request.end()
    })
  }

  async ready (): Promise<this> {
    await this.opened
    return this
  }

  async until (count: number, ms = 10_000): Promise<void> {
    await within((async () => { while (this.events.length < count) await new Promise((resolve) => setTimeout(resolve, 10)) })(), ms, `${count} events`)
  }

  close (): void {
    this.request.destroy()
  }

  take (chunk: string): void {
    this.buffer += chunk
    for (let end = this.buffer.indexOf('\n\n'); end !== -1; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end)
      this.buffer = this.buffer.slice(end + 2)
      const fields: Record<string, string> = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => {
        const colon = line.indexOf(':')
        return [line.slice(0, colon), line.slice(colon + 2)]
      }))
      if (block.startsWith(':')) this.comments += 1
      if (fields.id !== undefined) this.events.push({ id: Number(fields.id), event: fields.event ?? '', data: JSON.parse(fields.data ?? '') })
    }
  }
}

const create = async (value1: string) => await t.createRecord({ value1 }, key)
const lastChangeId = async (): Promise<number> =>
  (await t.sql<[{ id: number }]>`SELECT coalesce(max(change_id), 0)::float8 AS id FROM record_history`)[0].id

describe('GET /api/changes', () => {
  it('sends each change as an event: id the change_id, event the operation, data the history entry', async () => {
    const client = await new FeedClient(`${base}/api/changes`).ready()
    expect(client.response.statusCode).toBe(200)
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(client.response.headers['cache-control']).toBe('no-store')
    const record = await create('feed one')
    await t.request('PATCH', `/api/modify/${record.id}`, { headers: { 'api-key': key }, json: { value2: 7 } })
    await t.request('DELETE', `/api/remove/${record.id}`, { headers: { 'api-key': key } })
    await client.until(3)
    client.close()
    const history = (await t.request('GET', `/api/history/${record.id}`)).body.history
    expect(client.events.map((event) => event.event)).toEqual(['create', 'modify', 'remove'])
    expect(client.events.map((event) => event.data)).toEqual(history)
    expect(client.events.map((event) => event.id)).toEqual(history.map((entry: any) => entry.change_id))
  })

  it('starts with the next change without Last-Event-ID or after, and replays what followed either', async () => {
    await create('before')
    const before = await lastChangeId()
    const fresh = await new FeedClient(`${base}/api/changes`).ready()
    const next = await create('next')
    await fresh.until(1)
    expect(fresh.events.map((event) => event.data.record.id)).toEqual([next.id])
    fresh.close()
    const resumes: Array<[string, Record<string, string>]> = [
      [`${base}/api/changes?after=0`, { 'last-event-id': String(before) }],
      [`${base}/api/changes?after=${before}`, {}]
    ]
    for (const [url, headers] of resumes) {
      const resumed = await new FeedClient(url, headers).ready()
      await resumed.until(1)
      expect(resumed.events[0]!.id).toBe(before + 1)
      resumed.close()
    }
  })

  it('loses and repeats nothing for a client that disconnects and resumes while 1,000 changes are made', async () => {
    const start = await lastChangeId()
    const seen: Event[] = []
    const making = (async () => {
      for (let i = 0; i < 250; i++) {
        await Promise.all([0, 1, 2, 3].map(async (n) => await create(`burst ${i} ${n}`)))
      }
    })()
    let client = await new FeedClient(`${base}/api/changes?after=${start}`).ready()
    for (let round = 0; seen.length < 1000; round++) {
      // Read a while, drop the connection mid-stream, reconnect with the last id seen.
      await new Promise((resolve) => setTimeout(resolve, 150))
      client.close()
      await client.closed
      seen.push(...client.events)
      const last = seen.at(-1)?.id ?? start
      client = await new FeedClient(`${base}/api/changes`, { 'last-event-id': String(last) }).ready()
      expect(round).toBeLessThan(500)
      if (seen.length >= 1000) break
    }
    await making
    client.close()
    const ids = seen.map((event) => event.id)
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, n) => start + 1 + n))
    expect(ids.length).toBeGreaterThanOrEqual(1000)
  }, 60_000)

  it('holds back an entry until every transaction that may hold a lower id has ended', async () => {
    // A takes an id, then B (a newer transaction) takes the next; A commits, B commits a while
    // later. Until B ends, nothing of B's may be passed over: a horizon taken from a snapshot's
    // xmin and xmax (which ignore a transaction newer than the last commit) lost B's entry here.
    const client = await new FeedClient(`${base}/api/changes`).ready()
    const expected: number[] = []
    for (let round = 0; round < 5; round++) {
      const a = await t.sql.reserve()
      const b = await t.sql.reserve()
      try {
        await a`BEGIN`
        const [first] = await a<[{ id: number }]>`INSERT INTO record (value1, lastmodifiedby) VALUES ('first', 'operator') RETURNING id`
        await b`BEGIN`
        const [second] = await b<[{ id: number }]>`INSERT INTO record (value1, lastmodifiedby) VALUES ('second', 'operator') RETURNING id`
        await a`COMMIT`
        await new Promise((resolve) => setTimeout(resolve, 300))
        await b`COMMIT`
        expected.push(first.id, second.id)
      } finally {
        a.release()
        b.release()
      }
    }
    await client.until(expected.length)
    await new Promise((resolve) => setTimeout(resolve, 200))
    client.close()
    expect(client.events.map((event) => event.data.record.id)).toEqual(expected)
  }, 30_000)

  it('shows changes made through another instance and with plain SQL', async () => {
    const other = await build({ config: testConfig, databaseUrl: t.databaseUrl, migrate: false })
    try {
      const client = await new FeedClient(`${base}/api/changes`).ready()
      const response = await other.inject({ method: 'POST', url: '/api/create', headers: { 'api-key': key }, payload: { value1: 'elsewhere' } })
      expect(response.statusCode).toBe(201)
      const [{ id }] = await t.sql<[{ id: number }]>`INSERT INTO record (value1, lastmodifiedby) VALUES ('by hand', 'operator') RETURNING id`
      await client.until(2)
      client.close()
      expect(client.events.map((event) => [event.data.record.value1, event.data.username])).toEqual([
        ['elsewhere', expect.any(String)],
        ['by hand', expect.any(String)]
      ])
      expect(client.events[1]!.data.record.id).toBe(id)
    } finally {
      await other.close()
    }
  })

  it('answers 400 naming Last-Event-ID or after when either is not a change id', async () => {
    for (const value of ['abc', '']) {
      const header = await t.request('GET', '/api/changes', { headers: { 'last-event-id': value } })
      expect(header.status, JSON.stringify(value)).toBe(400)
      expect(header.body.errors).toEqual([{ field: 'Last-Event-ID', problem: 'must be a change id (a whole number from 0)' }])
    }
    for (const query of ['after=-1', 'after=x', 'since=3']) {
      const response = await t.request('GET', `/api/changes?${query}`)
      expect(response.status, query).toBe(400)
      expect(response.body.status).toBe('failed')
    }
  })

  it('disconnects a client that stops reading before what waits for it grows without bound', async () => {
    const connections = async (): Promise<number> => await new Promise((resolve) => { t.app.server.getConnections((_error, count) => resolve(count)) })
    const client = await new FeedClient(`${base}/api/changes`, {}, { read: false }).ready()
    expect(await connections()).toBe(1)
    // Some 30 MB of events at once, more than both ends' socket buffers and the 1 MiB allowed.
    await t.sql`INSERT INTO record (value1, lastmodifiedby) SELECT repeat('x', 255), 'operator' FROM generate_series(1, 60000)`
    await within((async () => { while (await connections() > 0) await new Promise((resolve) => setTimeout(resolve, 50)) })(), 20_000, 'the stalled client cut')
    // What had reached the client before the cut is all it gets: the stream ends short.
    client.response.on('data', (chunk: string) => { client.take(chunk) })
    client.response.resume()
    await within(client.closed, 5000, 'the client seeing the end')
    expect(client.events.length).toBeLessThan(60000)
  }, 40_000)
})

describe('GET /api/changes at shutdown', () => {
  let app: FastifyInstance
  afterAll(async () => { await app?.close() })

  it('ends every stream at once when the app closes', async () => {
    app = await build({ config: testConfig, databaseUrl: t.databaseUrl, migrate: false })
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const clients = await Promise.all([1, 2, 3].map(async () => await new FeedClient(`${address}/api/changes`).ready()))
    const started = Date.now()
    await within(app.close(), 2000, 'closing with open streams')
    await within(Promise.all(clients.map(async (client) => await client.closed)), 1000, 'every stream ended')
    expect(Date.now() - started).toBeLessThan(2000)
  })
})
