// The contract's v2 "Versions and conditional writes": ETags on read, create and modify,
// If-None-Match → 304 on read, If-Match on modify and remove → 412 with the current ETag, the
// check and the write one atomic statement.
import { beforeAll, describe, expect, it } from 'vitest'
import { useApp } from './helper.js'

const t = useApp()
let key: string

beforeAll(async () => {
  ({ key } = await t.issueKey())
})

const stale = { status: 'failed', message: 'The record has been changed since you read it! Please read it again and try again!' }
const notFound = { status: 'failed', message: 'The record does not exist! Please try a different record number!' }

async function create (): Promise<number> {
  return (await t.createRecord({ value1: 'first' }, key)).id
}

const modify = async (id: number, headers: Record<string, string> = {}, json: unknown = { value1: 'changed' }) =>
  await t.request('PATCH', `/api/modify/${id}`, { headers: { 'api-key': key, ...headers }, json })

describe('ETag', () => {
  it('is the version: "1" at create, one more on every modify, the same on read', async () => {
    const created = await t.request('POST', '/api/create', { headers: { 'api-key': key }, json: { value2: 1 } })
    expect(created.headers.etag).toBe('"1"')
    const id = created.body.record_info.id
    expect((await t.request('GET', `/api/read/${id}`)).headers.etag).toBe('"1"')
    expect((await modify(id)).headers.etag).toBe('"2"')
    expect((await modify(id)).headers.etag).toBe('"3"')
    const read = await t.request('GET', `/api/read/${id}`)
    expect(read.headers.etag).toBe('"3"')
    // record_info itself is unchanged: no version field.
    expect(Object.keys(read.body.record_info)).toEqual(['id', 'timestamp', 'value1', 'value2', 'value3', 'lastmodifiedby', 'creationdate', 'lastmodificationdate'])
    expect((await t.request('HEAD', `/api/read/${id}`)).headers.etag).toBe('"3"')
  })

  it('changes when an operator changes the record with plain SQL', async () => {
    const id = await create()
    await t.sql`UPDATE record SET value1 = 'by hand' WHERE id = ${id}`
    expect((await t.request('GET', `/api/read/${id}`)).headers.etag).toBe('"2"')
    const write = await modify(id, { 'if-match': '"1"' })
    expect(write.status).toBe(412)
  })
})

describe('If-None-Match on read', () => {
  it('answers 304 with no body and the same ETag when it names the current one, weakly compared, or *', async () => {
    const id = await create()
    for (const value of ['"1"', 'W/"1"', '"7", "1"', '*']) {
      for (const method of ['GET', 'HEAD']) {
        const response = await t.request(method, `/api/read/${id}`, { headers: { 'if-none-match': value } })
        expect(response.status, `${method} ${value}`).toBe(304)
        expect(response.text).toBe('')
        expect(response.headers.etag).toBe('"1"')
      }
    }
  })

  it('answers 200 with the record when the ETag is not among those named, or the header is not a list of ETags', async () => {
    const id = await create()
    await modify(id)
    for (const value of ['"1"', 'W/"1"', '"2 "', '2', 'garbage', '""']) {
      const response = await t.request('GET', `/api/read/${id}`, { headers: { 'if-none-match': value } })
      expect(response.status, value).toBe(200)
      expect(response.body.record_info.id).toBe(id)
    }
  })

  it('is still a 404 for a record that does not exist', async () => {
    const response = await t.request('GET', '/api/read/2147483647', { headers: { 'if-none-match': '*' } })
    expect(response.status).toBe(404)
    expect(response.body).toEqual(notFound)
  })
})

describe('If-Match on modify', () => {
  it('modifies when the ETag is current (alone, in a list, or *) and answers the new ETag', async () => {
    const id = await create()
    expect((await modify(id, { 'if-match': '"1"' })).headers.etag).toBe('"2"')
    expect((await modify(id, { 'if-match': '"9", "2"' })).headers.etag).toBe('"3"')
    const any = await modify(id, { 'if-match': '*' }, { value2: 5 })
    expect(any.status).toBe(200)
    expect(any.headers.etag).toBe('"4"')
    expect(any.body.record_info).toMatchObject({ value1: 'changed', value2: 5 })
  })

  it('answers 412 with the current ETag and changes nothing when the ETag is stale, weak or not an ETag', async () => {
    const id = await create()
    await modify(id)
    const before = (await t.request('GET', `/api/read/${id}`)).body.record_info
    for (const value of ['"1"', 'W/"2"', '2', '"2', 'garbage']) {
      const response = await modify(id, { 'if-match': value }, { value1: 'lost update' })
      expect(response.status, value).toBe(412)
      expect(response.body).toEqual(stale)
      expect(response.headers.etag).toBe('"2"')
    }
    expect((await t.request('GET', `/api/read/${id}`)).body.record_info).toEqual(before)
    const [{ entries }] = await t.sql<[{ entries: number }]>`SELECT count(*)::int AS entries FROM record_history WHERE record_id = ${id}`
    expect(entries).toBe(2)
  })

  it('is still a 404 for a record that does not exist, whatever the ETag', async () => {
    for (const value of ['"1"', '*']) {
      const response = await modify(2147483647, { 'if-match': value })
      expect(response.status).toBe(404)
      expect(response.body).toEqual(notFound)
    }
  })

  it('lets exactly one of 20 concurrent modifies with the same ETag win; the other 19 get 412', async () => {
    const id = await create()
    const keys = await Promise.all(Array.from({ length: 20 }, async () => (await t.issueKey()).key))
    const responses = await Promise.all(keys.map(async (apiKey, n) =>
      await t.request('PATCH', `/api/modify/${id}`, { headers: { 'api-key': apiKey, 'if-match': '"1"' }, json: { value2: n } })))
    const statuses = responses.map((response) => response.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(1)
    expect(statuses.filter((status) => status === 412)).toHaveLength(19)
    const winner = responses.find((response) => response.status === 200)!
    expect(winner.headers.etag).toBe('"2"')
    for (const loser of responses.filter((response) => response.status === 412)) expect(loser.headers.etag).toBe('"2"')
    expect((await t.request('GET', `/api/read/${id}`)).body.record_info).toEqual(winner.body.record_info)
  })

  it('leaves writes without If-Match unconditional, as in v1', async () => {
    const id = await create()
    await t.sql`UPDATE record SET value2 = 1 WHERE id = ${id}`
    const response = await modify(id, {}, { value3: true })
    expect(response.status).toBe(200)
    expect(response.headers.etag).toBe('"3"')
  })
})

describe('If-Match on remove', () => {
  const remove = async (id: number, headers: Record<string, string> = {}) =>
    await t.request('DELETE', `/api/remove/${id}`, { headers: { 'api-key': key, ...headers } })

  it('answers 412 with the current ETag and keeps the record when the ETag is stale', async () => {
    const id = await create()
    await modify(id)
    const response = await remove(id, { 'if-match': '"1"' })
    expect(response.status).toBe(412)
    expect(response.body).toEqual(stale)
    expect(response.headers.etag).toBe('"2"')
    expect((await t.request('GET', `/api/read/${id}`)).status).toBe(200)
  })

  it('removes when the ETag is current, and then answers 404', async () => {
    const id = await create()
    expect((await remove(id, { 'if-match': '"1"' })).status).toBe(200)
    expect((await t.request('GET', `/api/read/${id}`)).status).toBe(404)
    const again = await remove(id, { 'if-match': '"1"' })
    expect(again.status).toBe(404)
    expect(again.body).toEqual(notFound)
  })

  it('lets exactly one of several concurrent conditional writes win, removes included', async () => {
    const id = await create()
    const responses = await Promise.all([
      remove(id, { 'if-match': '"1"' }),
      modify(id, { 'if-match': '"1"' }),
      modify(id, { 'if-match': '"1"' }),
      remove(id, { 'if-match': '"1"' })
    ])
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1)
    // The losers saw the record changed (412) or, after a winning remove, gone (404).
    for (const response of responses.filter((response) => response.status !== 200)) expect([404, 412]).toContain(response.status)
  })
})
