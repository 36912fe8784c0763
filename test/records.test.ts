import { beforeAll, describe, expect, it } from 'vitest'
import { useApp } from './helper.js'

const t = useApp()
let key: string
let username: string

beforeAll(async () => {
  ({ key, username } = await t.issueKey())
})

const notFound = { status: 'failed', message: 'The record does not exist! Please try a different record number!' }
const idMissing = { status: 'failed', message: 'Oops! You forgot to add a number after! Please specify a number and try again!' }
const unauthenticated = {
  status: 'failed',
  message: 'You are not authenticated! Please add an authentication key to the header and try again!'
}

describe('POST /api/create', () => {
  it('creates a record and answers 201 with record_info as an object and a Location', async () => {
    const fields = { timestamp: 6789998212, value1: 'Hello', value2: 2021.01, value3: true }
    const response = await t.request('POST', '/api/create', { headers: { 'api-key': key }, json: fields })
    expect(response.status).toBe(201)
    expect(response.body.status).toBe('success')
    expect(response.body.message).toBe('Your entry has successfully been added to the database!')
    const record = response.body.record_info
    expect(record).toMatchObject({ ...fields, lastmodifiedby: username })
    expect(Number.isInteger(record.id)).toBe(true)
    expect(record.creationdate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(record.lastmodificationdate).toBe(record.creationdate)
    expect(response.headers.location).toBe(`/api/read/${record.id}`)
    const read = await t.request('GET', response.headers.location as string)
    expect(read.body.record_info).toEqual(record)
  })

  it('stores absent fields as null', async () => {
    const record = await t.createRecord({ value3: false }, key)
    expect(record).toMatchObject({ timestamp: null, value1: null, value2: null, value3: false })
  })

  it('keeps floats exactly, including very large, tiny and negative ones', async () => {
    for (const value of [0.1 + 0.2, 1e308, 5e-324, -2.5, 0, Number.MAX_SAFE_INTEGER, 123456789.12345679]) {
      const record = await t.createRecord({ timestamp: value, value2: -value }, key)
      expect(record.timestamp).toBe(value)
      expect(record.value2).toBe(-value === 0 ? 0 : -value)
    }
  })

  it('keeps text exactly: 255 characters, emoji, quotes and SQL', async () => {
    for (const text of ['x'.repeat(255), '🐦‍🔥'.repeat(10), "Robert'); DROP TABLE record;--", '  spaced  ', '']) {
      const record = await t.createRecord({ value1: text }, key)
      expect(record.value1).toBe(text)
    }
    expect(await t.sql`SELECT to_regclass('record') AS present`).toEqual([{ present: 'record' }])
  })

  it('answers 400 with the original message when no field is populated', async () => {
    for (const json of [{}, { value1: null }, { timestamp: null, value1: null, value2: null, value3: null }]) {
      const response = await t.request('POST', '/api/create', { headers: { 'api-key': key }, json })
      expect(response.status).toBe(400)
      expect(response.body).toEqual({ status: 'failed', message: 'Please populate atleast one field into the record and try again!' })
    }
  })

  it('answers 401 with the original message without a key, with an unknown key and with an empty key', async () => {
    for (const headers of [{}, { 'api-key': 'not-a-key' }, { 'api-key': '' }, { 'api-key': `${key}x` }] as Array<Record<string, string>>) {
      const response = await t.request('POST', '/api/create', { headers, json: { value1: 'x' } })
      expect(response.status).toBe(401)
      expect(response.body).toEqual(unauthenticated)
    }
  })

  it('writes nothing when it refuses a request', async () => {
    const before = await t.sql`SELECT count(*)::int AS n FROM record`
    await t.request('POST', '/api/create', { json: { value1: 'no key' } })
    await t.request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'x', value2: 'bad' } })
    await t.request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'y'.repeat(256) } })
    expect(await t.sql`SELECT count(*)::int AS n FROM record`).toEqual(before)
  })

  it('loses no record under concurrent creates, each with a distinct id', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, async (_, i) =>
      await t.request('POST', '/api/create', { headers: { 'api-key': key }, json: { value2: i } })))
    expect(responses.every((response) => response.status === 201)).toBe(true)
    const ids = responses.map((response) => response.body.record_info.id as number)
    expect(new Set(ids).size).toBe(40)
    const stored = await t.sql`SELECT count(*)::int AS n FROM record WHERE id IN ${t.sql(ids)}`
    expect(stored[0]?.n).toBe(40)
  })
})

describe('GET /api/list', () => {
  it('lists every record as a plain array in ascending id order, without a key', async () => {
    await t.createRecord({ value1: 'listed' }, key)
    const response = await t.request('GET', '/api/list')
    expect(response.status).toBe(200)
    expect(Array.isArray(response.body)).toBe(true)
    const ids = response.body.map((record: { id: number }) => record.id)
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b))
    const count = await t.sql`SELECT count(*)::int AS n FROM record`
    expect(ids).toHaveLength(count[0]?.n)
    expect(response.body.at(-1)).toMatchObject({ value1: 'listed', lastmodifiedby: username })
  })

  it('ignores an api-key header, even an invalid one', async () => {
    const response = await t.request('GET', '/api/list', { headers: { 'api-key': 'nonsense' } })
    expect(response.status).toBe(200)
  })
})

describe('GET /api/read/{record_id}', () => {
  it('answers 200 with the record', async () => {
    const record = await t.createRecord({ value1: 'read me', value2: 1.5 }, key)
    const response = await t.request('GET', `/api/read/${record.id}`)
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ status: 'success', message: 'Record found!', record_info: record })
  })

  it('shows stored dates as UTC with milliseconds, whatever their precision or era', async () => {
    const record = await t.createRecord({ value1: 'dates' }, key)
    const dates = [
      '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.100Z', '2026-01-01T00:00:00.120Z',
      '2026-12-31T23:59:59.999Z', '0999-06-15T12:30:45.007Z', '1970-01-01T00:00:00.000Z'
    ]
    for (const date of dates) {
      await t.sql`UPDATE record SET creationdate = ${date}::timestamptz WHERE id = ${record.id}`
      const response = await t.request('GET', `/api/read/${record.id}`)
      expect(response.body.record_info.creationdate).toBe(date)
    }
    // Given with microseconds and another offset: the column keeps UTC milliseconds, and so does the API.
    await t.sql`UPDATE record SET creationdate = '2026-03-01 10:00:00.123456+05:30' WHERE id = ${record.id}`
    expect((await t.request('GET', `/api/read/${record.id}`)).body.record_info.creationdate).toBe('2026-03-01T04:30:00.123Z')
  })

  it('accepts a trailing slash', async () => {
    const record = await t.createRecord({ value1: 'slash' }, key)
    expect((await t.request('GET', `/api/read/${record.id}/`)).status).toBe(200)
  })

  it('answers 404 with the original message for an id that does not exist', async () => {
    const response = await t.request('GET', '/api/read/2147483647')
    expect(response.status).toBe(404)
    expect(response.body).toEqual(notFound)
  })

  it.each(['/api/read/', '/api/read', '/api/read//'])('answers 400 with the original message for %s', async (url) => {
    const response = await t.request('GET', url)
    expect(response.status).toBe(400)
    expect(response.body).toEqual(idMissing)
  })
})

describe('PATCH /api/modify/{record_id}', () => {
  it('changes present fields, keeps absent ones and records who and when', async () => {
    const record = await t.createRecord({ timestamp: 828283281.21, value1: "No, I don't think I will.", value2: 781230.21, value3: true }, key)
    const other = await t.issueKey()
    const response = await t.request('PATCH', `/api/modify/${record.id}`, {
      headers: { 'api-key': other.key },
      json: { value1: "Yes I think I won't....", value2: 1920.02, value3: false }
    })
    expect(response.status).toBe(200)
    expect(response.body.status).toBe('success')
    expect(response.body.message).toBe('Your record has successfully been modified!')
    const modified = response.body.record_info
    expect(modified).toMatchObject({
      id: record.id,
      timestamp: 828283281.21,
      value1: "Yes I think I won't....",
      value2: 1920.02,
      value3: false,
      lastmodifiedby: other.username,
      creationdate: record.creationdate
    })
    expect(Date.parse(modified.lastmodificationdate)).toBeGreaterThanOrEqual(Date.parse(record.lastmodificationdate))
    expect((await t.request('GET', `/api/read/${record.id}`)).body.record_info).toEqual(modified)
  })

  it('clears a field given as null', async () => {
    const record = await t.createRecord({ value1: 'a', value2: 2 }, key)
    const response = await t.request('PATCH', `/api/modify/${record.id}`, { headers: { 'api-key': key }, json: { value1: null } })
    expect(response.body.record_info).toMatchObject({ value1: null, value2: 2 })
  })

  it('answers 400 with the original message for an empty body', async () => {
    const record = await t.createRecord({ value1: 'a' }, key)
    for (const options of [{ json: {} }, {}]) {
      const response = await t.request('PATCH', `/api/modify/${record.id}`, { headers: { 'api-key': key }, ...options })
      expect(response.status).toBe(400)
      expect(response.body).toEqual({ status: 'failed', message: 'Please populate atleast one field into the record and try again!' })
    }
  })

  it('answers 404 with the original message for an id that does not exist', async () => {
    const response = await t.request('PATCH', '/api/modify/99999999', { headers: { 'api-key': key }, json: { value1: 'x' } })
    expect(response.status).toBe(404)
    expect(response.body).toEqual(notFound)
  })

  it('answers 401 without a valid key, before looking at the record', async () => {
    const record = await t.createRecord({ value1: 'keep' }, key)
    for (const url of [`/api/modify/${record.id}`, '/api/modify/99999999', '/api/modify/abc']) {
      const response = await t.request('PATCH', url, { headers: { 'api-key': 'wrong' }, json: { value1: 'changed' } })
      expect(response.status).toBe(401)
      expect(response.body).toEqual(unauthenticated)
    }
    expect((await t.request('GET', `/api/read/${record.id}`)).body.record_info.value1).toBe('keep')
  })

  it.each(['/api/modify/', '/api/modify'])('answers 400 with the original message for %s', async (url) => {
    const response = await t.request('PATCH', url, { headers: { 'api-key': key }, json: { value1: 'x' } })
    expect(response.status).toBe(400)
    expect(response.body).toEqual(idMissing)
  })
})

describe('DELETE /api/remove/{record_id}', () => {
  it('removes the record: 200 with the original message, then 404', async () => {
    const record = await t.createRecord({ value1: 'doomed' }, key)
    const response = await t.request('DELETE', `/api/remove/${record.id}`, { headers: { 'api-key': key } })
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ status: 'success', message: 'Your record has been removed!' })
    expect((await t.request('GET', `/api/read/${record.id}`)).status).toBe(404)
    const again = await t.request('DELETE', `/api/remove/${record.id}`, { headers: { 'api-key': key } })
    expect(again.status).toBe(404)
    expect(again.body).toEqual(notFound)
  })

  it('answers 401 without a valid key and keeps the record', async () => {
    const record = await t.createRecord({ value1: 'kept' }, key)
    const response = await t.request('DELETE', `/api/remove/${record.id}`)
    expect(response.status).toBe(401)
    expect(response.body).toEqual(unauthenticated)
    expect((await t.request('GET', `/api/read/${record.id}`)).status).toBe(200)
  })

  it('ignores a request body of any media type', async () => {
    const first = await t.createRecord({ value1: 'x' }, key)
    const json = await t.request('DELETE', `/api/remove/${first.id}`, { headers: { 'api-key': key }, json: { anything: true } })
    expect(json.status).toBe(200)
    const second = await t.createRecord({ value1: 'y' }, key)
    const xml = await t.request('DELETE', `/api/remove/${second.id}`, { headers: { 'api-key': key, 'content-type': 'application/xml' }, payload: '<a/>' })
    expect(xml.status).toBe(200)
  })

  it('lets exactly one of several concurrent removals of one record succeed', async () => {
    const record = await t.createRecord({ value1: 'race' }, key)
    const responses = await Promise.all(Array.from({ length: 6 }, async () =>
      await t.request('DELETE', `/api/remove/${record.id}`, { headers: { 'api-key': key } })))
    expect(responses.map((response) => response.status).sort()).toEqual([200, 404, 404, 404, 404, 404])
  })

  it.each(['/api/remove/', '/api/remove'])('answers 400 with the original message for %s', async (url) => {
    const response = await t.request('DELETE', url, { headers: { 'api-key': key } })
    expect(response.status).toBe(400)
    expect(response.body).toEqual(idMissing)
  })
})
