// The whole contract through the SDK, against the real server listening on a socket.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPhoenixClient, etagOf, PhoenixError, type HistoryEntry, type PhoenixClient, type Record, type RecordInput } from '../sdk/src/index.js'
import { nextLink } from '../sdk/src/pages.js'
import { build } from '../src/app.js'
import { parseJson, testConfig, uniqueUsername, useDatabase } from './helper.js'
import { checkResponse } from './spec.js'

const database = useDatabase()
let app: FastifyInstance
let phoenix: PhoenixClient
let owner: { username: string, key: string, client: PhoenixClient }
let base: string

// Every response the SDK receives is also checked against openapi.yaml.
async function checkedFetch (request: Request): Promise<Response> {
  const response = await fetch(request)
  const url = new URL(request.url)
  const text = await response.clone().text()
  checkResponse(request.method, url.pathname, { status: response.status, headers: Object.fromEntries(response.headers), body: parseJson(text) })
  return response
}

beforeAll(async () => {
  app = await build({ config: testConfig, databaseUrl: database.url() })
  base = await app.listen({ host: '127.0.0.1', port: 0 })
  phoenix = createPhoenixClient({ baseUrl: base, fetch: checkedFetch })
  const username = uniqueUsername('sdk')
  const { data } = await phoenix.generateKey(username)
  owner = { username, key: data!.api_key, client: phoenix.withApiKey(data!.api_key) }
})
afterAll(async () => { await app.close() })

describe('generateKey', () => {
  it('issues a key (201) with the typed envelope', async () => {
    const username = uniqueUsername('sdk')
    const { data, error, response } = await phoenix.generateKey(username)
    expect(response.status).toBe(201)
    expect(error).toBeUndefined()
    expect(data).toMatchObject({ status: 'success', username, message: 'Congrats! Your API Key has been created!' })
    expect(data!.api_key.length).toBeGreaterThan(20)
  })

  it('returns the 409 failure for a username already used', async () => {
    const { data, error, response } = await phoenix.generateKey(owner.username.toUpperCase())
    expect(response.status).toBe(409)
    expect(data).toBeUndefined()
    expect(error).toEqual({ status: 'failed', message: 'The username you are trying to register has been already used!' })
  })

  it('returns the 400 failure naming the parameter for an invalid username', async () => {
    const { error, response } = await phoenix.generateKey('no spaces')
    expect(response.status).toBe(400)
    expect(error?.errors).toEqual([{ field: 'username', problem: "must be 1 to 64 letters, digits, '_', '-' or '.'" }])
  })
})

describe('rotateKey and revokeKey', () => {
  it('rotate (201) hands out a new key and retires the old one; revoke (200) retires the new one', async () => {
    const username = uniqueUsername('sdk')
    const { data: issued } = await phoenix.generateKey(username)
    const old = phoenix.withApiKey(issued!.api_key)

    const rotated = await old.rotateKey()
    expect(rotated.response.status).toBe(201)
    expect(rotated.data).toMatchObject({ status: 'success', username, message: 'Your API Key has been rotated! The old key no longer works.' })
    expect(rotated.data!.api_key).not.toBe(issued!.api_key)
    expect((await old.createRecord({ value1: 'x' })).response.status).toBe(401)

    const current = phoenix.withApiKey(rotated.data!.api_key)
    expect((await current.createRecord({ value1: 'x' })).data?.record_info.lastmodifiedby).toBe(username)
    const revoked = await current.revokeKey()
    expect(revoked.data).toEqual({ status: 'success', message: 'Your API Key has been revoked!' })
    const refused = await current.revokeKey()
    expect(refused.response.status).toBe(401)
    expect(refused.error?.message).toBe('You are not authenticated! Please add an authentication key to the header and try again!')
  })
})

describe('operations', () => {
  it('getHealth, getReadiness and getMetrics answer as the spec says', async () => {
    expect((await phoenix.getHealth()).data).toEqual({ status: 'ok' })
    expect((await phoenix.getReadiness()).data).toEqual({ status: 'ok' })
    const metrics = await phoenix.getMetrics()
    expect(metrics.response.status).toBe(200)
    expect(metrics.data).toContain('http_requests_total')
  })
})

describe('records', () => {
  it('createRecord → readRecord → modifyRecord → listRecords → removeRecord', async () => {
    const fields: RecordInput = { timestamp: 828283281.21, value1: 'German Shepherd', value2: 781230.21, value3: true }
    const created = await owner.client.createRecord(fields)
    expect(created.response.status).toBe(201)
    expect(created.response.headers.get('location')).toBe(`/api/read/${created.data!.record_info.id}`)
    const record = created.data!.record_info
    expect(record).toMatchObject({ ...fields, lastmodifiedby: owner.username })

    const read = await phoenix.readRecord(record.id)
    expect(read.data).toEqual({ status: 'success', message: 'Record found!', record_info: record })

    const modified = await owner.client.modifyRecord(record.id, { value1: 'Falcon', value2: null })
    expect(modified.response.status).toBe(200)
    expect(modified.data!.message).toBe('Your record has successfully been modified!')
    expect(modified.data!.record_info).toMatchObject({ value1: 'Falcon', value2: null, value3: true, timestamp: 828283281.21 })

    const list = await phoenix.listRecords()
    expect(list.data!.map((item) => item.id)).toContain(record.id)

    const removed = await owner.client.removeRecord(record.id)
    expect(removed.data).toEqual({ status: 'success', message: 'Your record has been removed!' })
    const gone = await phoenix.readRecord(record.id)
    expect(gone.response.status).toBe(404)
    expect(gone.error).toEqual({ status: 'failed', message: 'The record does not exist! Please try a different record number!' })
  })

  it('bulkCreateRecords creates them all (201) in the order given, or names the bad element (400)', async () => {
    const fields: RecordInput[] = [{ value1: 'first', value3: true }, { timestamp: 1.5 }, { value2: -2 }]
    const created = await owner.client.bulkCreateRecords(fields)
    expect(created.response.status).toBe(201)
    expect(created.data!.message).toBe('Your entries have successfully been added to the database!')
    const records = created.data!.records_info
    expect(records.map((record) => record.lastmodifiedby)).toEqual([owner.username, owner.username, owner.username])
    records.forEach((record, index) => { expect(record).toMatchObject(fields[index]!) })
    expect(records[0]!.id).toBeLessThan(records[1]!.id)
    expect(records[1]!.id).toBeLessThan(records[2]!.id)

    const refused = await owner.client.bulkCreateRecords([{ value1: 'fine' }, { value3: null }])
    expect(refused.response.status).toBe(400)
    expect(refused.error?.errors).toEqual([{ field: '1', problem: 'must have at least one field that is not null (timestamp, value1, value2 or value3)' }])
    expect((await phoenix.bulkCreateRecords([{ value1: 'x' }])).response.status).toBe(401)
  })

  it('returns the 401 failure without a key', async () => {
    for (const result of [
      await phoenix.createRecord({ value1: 'x' }),
      await phoenix.modifyRecord(1, { value1: 'x' }),
      await phoenix.removeRecord(1)
    ]) {
      expect(result.response.status).toBe(401)
      expect(result.error?.message).toBe('You are not authenticated! Please add an authentication key to the header and try again!')
    }
  })

  it('returns the 400 failures for an empty record and for fields of the wrong type', async () => {
    const empty = await owner.client.createRecord({})
    expect(empty.response.status).toBe(400)
    expect(empty.error?.message).toBe('Please populate atleast one field into the record and try again!')
    // The SDK's types forbid this body; a JavaScript caller can still send it.
    const wrong = await owner.client.createRecord({ value2: '12' } as unknown as RecordInput)
    expect(wrong.response.status).toBe(400)
    expect(wrong.error?.errors).toEqual([{ field: 'value2', problem: 'must be a number or null' }])
  })

  it('reads with If-None-Match (304), writes with If-Match (412 when stale) and reads the history', async () => {
    const created = await owner.client.createRecord({ value2: 1 })
    const id = created.data!.record_info.id
    expect(etagOf(created.response)).toBe('"1"')
    const unchanged = await phoenix.readRecord(id, { ifNoneMatch: '"1"' })
    expect(unchanged.response.status).toBe(304)
    expect(unchanged.data).toBeUndefined()

    const modified = await owner.client.modifyRecord(id, { value2: 2 }, { ifMatch: '"1"' })
    expect(etagOf(modified.response)).toBe('"2"')
    const stale = await owner.client.modifyRecord(id, { value2: 3 }, { ifMatch: '"1"' })
    expect(stale.response.status).toBe(412)
    expect(stale.error?.message).toBe('The record has been changed since you read it! Please read it again and try again!')
    expect(etagOf(stale.response)).toBe('"2"')
    expect((await owner.client.removeRecord(id, { ifMatch: '"1"' })).response.status).toBe(412)
    expect((await owner.client.removeRecord(id, { ifMatch: '"2"' })).response.status).toBe(200)

    const history = await phoenix.getHistory(id)
    expect(history.data!.history.map((entry) => entry.operation)).toEqual(['create', 'modify', 'remove'])
    const page = await phoenix.getHistory(id, { limit: 1, afterVersion: 1 })
    expect(page.data!.history.map((entry) => entry.version)).toEqual([2])
    expect(page.response.headers.get('link')).toBe(`</api/history/${id}?limit=1&after_version=2>; rel="next"`)
  })

  it('createRecord re-sends the same Idempotency-Key when the answer is lost, and the record is created once', async () => {
    let lost = 0
    // The first answer is lost on the way back: the server created the record, the client saw a network failure.
    const lossy = async (request: Request): Promise<Response> => {
      const response = await checkedFetch(request)
      if (lost++ === 0) throw new TypeError('fetch failed')
      return response
    }
    const client = createPhoenixClient({ baseUrl: base, apiKey: owner.key, fetch: lossy })
    const value1 = `lost answer ${Date.now()}`
    const created = await client.createRecord({ value1 })
    expect(created.response.status).toBe(201)
    expect(created.response.headers.get('idempotent-replayed')).toBe('true')
    const list = await phoenix.listRecords()
    expect(list.data!.filter((record) => record.value1 === value1)).toHaveLength(1)
  })

  it('changes() yields every change from the feed, resuming after a given change_id', async () => {
    // Plain fetch: checkedFetch reads each body to its end to check it, and this one has none.
    const feed = createPhoenixClient({ baseUrl: base })
    const controller = new AbortController()
    const seen: HistoryEntry[] = []
    let opened!: () => void
    const open = new Promise<void>((resolve) => { opened = resolve })
    const following = (async () => {
      for await (const entry of feed.changes({ signal: controller.signal, onOpen: opened })) {
        seen.push(entry)
        if (seen.length === 3) controller.abort()
      }
    })()
    // The feed starts with the next change once open.
    await open
    const id = (await owner.client.createRecord({ value1: 'followed' })).data!.record_info.id
    await owner.client.modifyRecord(id, { value1: 'followed again' })
    await owner.client.removeRecord(id)
    await following
    expect(seen.map((entry) => [entry.record.id, entry.operation])).toEqual([[id, 'create'], [id, 'modify'], [id, 'remove']])

    const again = new AbortController()
    const replayed: HistoryEntry[] = []
    for await (const entry of feed.changes({ after: seen[0]!.change_id, signal: again.signal })) {
      replayed.push(entry)
      if (replayed.length === 2) again.abort()
    }
    expect(replayed).toEqual(seen.slice(1))
  })

  it('updateRecord loses none of 10 concurrent increments', async () => {
    const id = (await owner.client.createRecord({ value2: 0 })).data!.record_info.id
    const results = await Promise.all(Array.from({ length: 10 }, async () =>
      await owner.client.updateRecord(id, (record) => ({ value2: (record.value2 ?? 0) + 1 }), { attempts: 50 })))
    expect(results.map((result) => result.response.status)).toEqual(Array(10).fill(200))
    expect((await phoenix.readRecord(id)).data!.record_info.value2).toBe(10)
  })

  it('returns the 400 failure for an id out of range and 404 for a missing record', async () => {
    const invalid = await phoenix.readRecord(-1)
    expect(invalid.response.status).toBe(400)
    expect(invalid.error?.errors?.[0]?.field).toBe('record_id')
    const missing = await owner.client.modifyRecord(2147483647, { value3: false })
    expect(missing.response.status).toBe(404)
  })
})

describe('listRecords, records() and history()', () => {
  // Seven records of a user of their own, value3 alternating, so that pages and filters have exact answers.
  let username: string
  let mine: Record[]
  beforeAll(async () => {
    username = uniqueUsername('sdk_pages')
    const { data } = await phoenix.generateKey(username)
    const created = await phoenix.withApiKey(data!.api_key).bulkCreateRecords(Array.from({ length: 7 }, (_, index) => ({ value2: index, value3: index % 2 === 0 })))
    mine = created.data!.records_info
  })

  // Array.fromAsync is Node 22's.
  async function collect<T> (items: AsyncIterable<T>): Promise<T[]> {
    const all: T[] = []
    for await (const item of items) all.push(item)
    return all
  }

  // The requests a client sends, through checkedFetch.
  function counted (): { client: PhoenixClient, urls: URL[] } {
    const urls: URL[] = []
    const client = createPhoenixClient({ baseUrl: base, fetch: async (request) => { urls.push(new URL(request.url)); return await checkedFetch(request) } })
    return { client, urls }
  }

  it('listRecords pages with limit and afterId, filters by lastmodifiedby and value3', async () => {
    const first = await phoenix.listRecords({ lastmodifiedby: username.toUpperCase(), limit: 3 })
    expect(first.data).toEqual(mine.slice(0, 3))
    expect(nextLink(first.response.headers.get('link'))).toBe(`/api/list?limit=3&after_id=${mine[2]!.id}&lastmodifiedby=${username.toUpperCase()}`)
    const second = await phoenix.listRecords({ lastmodifiedby: username, limit: 3, afterId: mine[2]!.id })
    expect(second.data).toEqual(mine.slice(3, 6))
    const odd = await phoenix.listRecords({ lastmodifiedby: username, value3: false })
    expect(odd.data!.map((record) => record.value2)).toEqual([1, 3, 5])
    expect(odd.response.headers.get('link')).toBeNull()
    const refused = await phoenix.listRecords({ limit: 1001 })
    expect(refused.response.status).toBe(400)
    expect(refused.error?.errors?.[0]?.field).toBe('limit')
  })

  it('records() follows Link rel="next" through every page, with the filters kept', async () => {
    const { client, urls } = counted()
    expect(await collect(client.records({ lastmodifiedby: username, limit: 3 }))).toEqual(mine)
    expect(urls.map((url) => url.search)).toEqual([
      `?limit=3&lastmodifiedby=${username}`,
      `?limit=3&after_id=${mine[2]!.id}&lastmodifiedby=${username}`,
      `?limit=3&after_id=${mine[5]!.id}&lastmodifiedby=${username}`
    ])

    const even = await collect(client.records({ lastmodifiedby: username, value3: true, limit: 2 }))
    expect(even.map((record) => record.value2)).toEqual([0, 2, 4, 6])
  })

  it('records() asks for pages of 1000 unless told, and sends nothing until iterated', async () => {
    const { client, urls } = counted()
    const iterator = client.records({ lastmodifiedby: username })
    expect(urls).toEqual([])
    expect(await collect(iterator)).toEqual(mine)
    expect(urls.map((url) => url.search)).toEqual([`?limit=1000&lastmodifiedby=${username}`])
  })

  it('records() throws a PhoenixError for a failed page, after the pages before it', async () => {
    await expect(collect(phoenix.records({ limit: 0 }))).rejects.toMatchObject({
      name: 'PhoenixError', status: 400, failure: { status: 'failed', errors: [{ field: 'limit' }] }
    })
    // The second page's answer is a 503, as while the server drains.
    const failing = createPhoenixClient({
      baseUrl: base,
      fetch: async (request) => new URL(request.url).searchParams.has('after_id')
        ? Response.json({ status: 'failed', message: 'The service is shutting down.' }, { status: 503 })
        : await checkedFetch(request)
    })
    const seen: Record[] = []
    const error = await (async () => { for await (const record of failing.records({ lastmodifiedby: username, limit: 4 })) seen.push(record) })().catch((error: unknown) => error)
    expect(seen).toEqual(mine.slice(0, 4))
    expect(error).toBeInstanceOf(PhoenixError)
    expect(error).toMatchObject({ status: 503, message: 'The service is shutting down.' })
  })

  it('history() yields every entry of the record across its pages, oldest first', async () => {
    const owner = phoenix.withApiKey((await phoenix.generateKey(uniqueUsername('sdk_history'))).data!.api_key)
    const id = (await owner.createRecord({ value2: 0 })).data!.record_info.id
    for (let value2 = 1; value2 <= 4; value2++) await owner.modifyRecord(id, { value2 })
    const { client, urls } = counted()
    const entries = await collect(client.history(id, { limit: 2 }))
    expect(entries.map((entry) => [entry.version, entry.operation, entry.record.value2])).toEqual([
      [1, 'create', 0], [2, 'modify', 1], [3, 'modify', 2], [4, 'modify', 3], [5, 'modify', 4]
    ])
    expect(urls.map((url) => url.search)).toEqual(['?limit=2', '?limit=2&after_version=2', '?limit=2&after_version=4'])
    expect((await collect(client.history(id, { afterVersion: 3 }))).map((entry) => entry.version)).toEqual([4, 5])
    await expect(collect(phoenix.history(2147483647))).rejects.toMatchObject({ status: 404 })
  })

  it('nextLink reads the rel="next" target among several links', () => {
    expect(nextLink(null)).toBeUndefined()
    expect(nextLink('</a?x=1>; rel="prev", </b?y=2>; rel="next"')).toBe('/b?y=2')
    expect(nextLink('<https://h/c>; title="t"; rel=next')).toBe('https://h/c')
    expect(nextLink('</d>; rel="next last"')).toBe('/d')
    expect(nextLink('</e>; rel="nextish"')).toBeUndefined()
  })
})
