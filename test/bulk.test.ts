import { beforeAll, describe, expect, it } from 'vitest'
import { bulkBodyLimit } from '../src/routes/records.js'
import { useApp } from './helper.js'
import { operations } from './spec.js'

const t = useApp()
let key: string
let username: string

beforeAll(async () => {
  ({ key, username } = await t.issueKey())
})

const invalid = 'The request body is invalid! Please fix the fields listed in errors and try again!'
const noField = 'must have at least one field that is not null (timestamp, value1, value2 or value3)'

const bulk = async (json: unknown, headers: Record<string, string> = { 'api-key': key }): ReturnType<typeof t.request> =>
  await t.request('POST', '/api/bulk_create', { headers, json })
const count = async (): Promise<number> => (await t.sql<Array<{ n: number }>>`SELECT count(*)::int AS n FROM record`)[0]!.n
const inputs = (n: number, tag = 'bulk'): Array<Record<string, unknown>> =>
  Array.from({ length: n }, (_, index) => ({ timestamp: index + 0.5, value1: `${tag} ${index}`, value2: -index, value3: index % 2 === 0 }))

describe('POST /api/bulk_create', () => {
  it('creates every record and answers 201 with records_info in the order sent, ids ascending', async () => {
    const sent = [
      { timestamp: 6789998212, value1: 'Hello', value2: 2021.01, value3: true },
      { value1: 'World' },
      { value3: false, value2: null },
      { timestamp: 0.1 + 0.2, value1: 'NULL' },
      { value1: 'a "quoted", {braced} \\ back\\slashed 🐦‍🔥 text' },
      { value1: '' },
      { value2: 5e-324, timestamp: 1e308 }
    ]
    const response = await bulk(sent)
    expect(response.status).toBe(201)
    expect(response.body.status).toBe('success')
    expect(response.body.message).toBe('Your entries have successfully been added to the database!')
    const records = response.body.records_info as Array<Record<string, unknown>>
    expect(records).toHaveLength(sent.length)
    records.forEach((record, index) => {
      expect(record).toEqual({
        id: expect.any(Number),
        timestamp: null,
        value1: null,
        value2: null,
        value3: null,
        ...sent[index],
        lastmodifiedby: username,
        creationdate: expect.stringMatching(/Z$/),
        lastmodificationdate: record.creationdate
      })
      if (index > 0) expect(record.id).toBeGreaterThan(records[index - 1]!.id as number)
    })
    const stored = await t.request('GET', `/api/read/${records[4]!.id as number}`)
    expect(stored.body.record_info).toEqual(records[4])
  })

  it('sets lastmodifiedby to the username of the key, in the database too', async () => {
    const other = await t.issueKey()
    const response = await bulk(inputs(3, 'owned'), { 'api-key': other.key })
    expect(response.status).toBe(201)
    const ids = (response.body.records_info as Array<{ id: number }>).map((record) => record.id)
    const rows = await t.sql`SELECT DISTINCT lastmodifiedby FROM record WHERE id IN ${t.sql(ids)}`
    expect(rows).toEqual([{ lastmodifiedby: other.username }])
  })

  it('takes exactly 1000 records, in order', async () => {
    const before = await count()
    const sent = inputs(1000)
    const response = await bulk(sent)
    expect(response.status).toBe(201)
    const records = response.body.records_info as Array<Record<string, unknown>>
    expect(records.map((record) => record.value1)).toEqual(sent.map((input) => input.value1))
    expect(records.every((record, index) => index === 0 || (record.id as number) > (records[index - 1]!.id as number))).toBe(true)
    expect(await count()).toBe(before + 1000)
  })

  it('answers 400 naming body for 1001 records and for an empty array, creating nothing', async () => {
    const before = await count()
    const over = await bulk(inputs(1001))
    expect(over.status).toBe(400)
    expect(over.body).toEqual({ status: 'failed', message: invalid, errors: [{ field: 'body', problem: 'must hold at most 1000 elements' }] })
    const empty = await bulk([])
    expect(empty.status).toBe(400)
    expect(empty.body).toEqual({ status: 'failed', message: invalid, errors: [{ field: 'body', problem: 'must hold at least 1 element' }] })
    expect(await count()).toBe(before)
  })

  it('names every bad element by index and field, all at once, and creates nothing', async () => {
    const before = await count()
    const response = await bulk([
      { value1: 'fine' },
      { value2: '12' },
      { value1: 'x'.repeat(256), value3: 'true' },
      { valu1: 'typo', value1: 'ok' },
      { id: 7, value1: 'server-owned' },
      { timestamp: 1 }
    ])
    expect(response.status).toBe(400)
    expect(response.body.message).toBe(invalid)
    expect(response.body.errors).toEqual(expect.arrayContaining([
      { field: '1.value2', problem: 'must be a number or null' },
      { field: '2.value1', problem: 'must be at most 255 characters' },
      { field: '2.value3', problem: 'must be a boolean or null' },
      { field: '3.valu1', problem: 'is not a known field (expected timestamp, value1, value2 or value3)' },
      { field: '4.id', problem: 'is not a known field (expected timestamp, value1, value2 or value3)' }
    ]))
    expect(response.body.errors).toHaveLength(5)
    expect(await count()).toBe(before)
  })

  it('answers 400 naming the element that has no field populated, and creates nothing', async () => {
    const before = await count()
    const response = await bulk([...inputs(5), { value1: null, value2: null }, { value3: true }, { timestamp: null }])
    expect(response.status).toBe(400)
    expect(response.body).toEqual({ status: 'failed', message: invalid, errors: [{ field: '5', problem: noField }, { field: '7', problem: noField }] })
    const empty = await bulk([{ value1: 'x' }, {}])
    expect(empty.status).toBe(400)
    expect(empty.body).toEqual({ status: 'failed', message: invalid, errors: [{ field: '1', problem: noField }] })
    // Along with the schema's problems, in one answer.
    const mixed = await bulk([{ value2: '12' }, {}, { value3: null }, { value1: 'fine' }])
    expect(mixed.status).toBe(400)
    expect(mixed.body.errors).toEqual([
      { field: '0.value2', problem: 'must be a number or null' },
      { field: '1', problem: noField },
      { field: '2', problem: noField }
    ])
    expect(await count()).toBe(before)
  })

  it('answers 400 for a body that is not an array of objects', async () => {
    for (const json of [{ value1: 'one record' }, null, 'text', 12, [[{ value1: 'nested' }]], [null], ['x']]) {
      const response = await bulk(json)
      expect(response.status, JSON.stringify(json)).toBe(400)
      expect(response.body.message).toBe(invalid)
    }
    const object = await bulk({ value1: 'one record' })
    expect(object.body.errors).toEqual([{ field: 'body', problem: 'must be an array' }])
    const element = await bulk([{ value1: 'x' }, 'x'])
    expect(element.body.errors).toEqual([{ field: '1', problem: 'must be a JSON object' }])
  })

  it('names an element holding a string with an unpaired surrogate, however the escape is written', async () => {
    for (const escape of ['\\ud800', '\\uDC00', '\\uDbFf']) {
      const response = await t.request('POST', '/api/bulk_create', {
        headers: { 'api-key': key, 'content-type': 'application/json' },
        payload: `[{"value1":"fine \\ud83d\\ude00"},{"value1":"a${escape}b"}]`
      })
      expect(response.status, escape).toBe(400)
      expect(response.body.errors).toEqual([{ field: '1.value1', problem: 'must be valid Unicode text (it contains an unpaired surrogate such as \\ud800)' }])
    }
  })

  it('answers 401 without a valid key, creating nothing', async () => {
    const before = await count()
    for (const headers of [{}, { 'api-key': 'not-a-key' }] as Array<Record<string, string>>) {
      const response = await bulk(inputs(2), headers)
      expect(response.status).toBe(401)
      expect(response.body).toEqual({ status: 'failed', message: 'You are not authenticated! Please add an authentication key to the header and try again!' })
    }
    expect(await count()).toBe(before)
  })

  it('answers 415 for a body that is not JSON', async () => {
    const response = await t.request('POST', '/api/bulk_create', { headers: { 'api-key': key, 'content-type': 'text/plain' }, payload: '[]' })
    expect(response.status).toBe(415)
  })

  it('takes bodies up to its own limit, openapi.yaml\'s x-body-limit, and answers 413 above it naming that limit', async () => {
    const operation = operations.find((candidate) => candidate.template === '/api/bulk_create')!
    expect(bulkBodyLimit).toBe((await import('./spec.js')).spec.paths['/api/bulk_create'].post['x-body-limit'])
    expect(operation.responses['413']).toBeDefined()
    const json = JSON.stringify(inputs(10))
    const send = async (size: number): ReturnType<typeof t.request> =>
      await t.request('POST', '/api/bulk_create', { headers: { 'api-key': key, 'content-type': 'application/json' }, payload: json + ' '.repeat(size - json.length) })
    expect((await send(bulkBodyLimit)).status).toBe(201)
    const over = await send(bulkBodyLimit + 1)
    expect(over.status).toBe(413)
    expect(over.body).toEqual({ status: 'failed', message: `The request body is too large! Please send at most ${bulkBodyLimit} bytes and try again!` })
  })

  it('creates nothing when the database refuses a record in the middle of the statement', async () => {
    // No value the API accepts breaks a constraint of its own, so this file's database gets one
    // for the test: a trigger refusing one value1 as PostgreSQL refuses text too long (22001).
    await t.sql.unsafe(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.value1 = 'poison' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '22001'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON record FOR EACH ROW EXECUTE FUNCTION refuse_poison();
    `)
    try {
      const before = await count()
      const sent = inputs(1000)
      sent[998] = { value1: 'poison' }
      const response = await bulk(sent)
      expect(response.status).toBe(400)
      expect(response.body).toEqual({ status: 'failed', message: invalid })
      expect(await count()).toBe(before)
    } finally {
      await t.sql.unsafe('DROP TRIGGER refuse_poison ON record; DROP FUNCTION refuse_poison()')
    }
  })
})

describe('POST /api/bulk_create under WRITES_PER_SECOND', () => {
  const limited = useApp({ config: { writesPerSecond: 3 } })

  it('counts as one write of the key, whatever its size', async () => {
    const { key } = await limited.issueKey()
    const statuses: number[] = []
    for (let i = 0; i < 5; i += 1) {
      const response = await limited.request('POST', '/api/bulk_create', { headers: { 'api-key': key }, json: inputs(100) })
      statuses.push(response.status)
      if (response.status === 201) expect(response.headers['ratelimit-limit']).toBe('3')
    }
    // Three fit in a second (unless that second happened to roll over mid-burst).
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(3)
    expect(statuses).toContain(429)
  })
})
