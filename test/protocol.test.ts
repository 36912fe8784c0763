// The edges of HTTP that never reach a route handler, and bytes that must not be stored altered:
// every failure in the contract's envelope, with an X-Request-ID and a log line.
import { beforeAll, describe, expect, it } from 'vitest'
import { checkResponse } from './spec.js'
import { useApp } from './helper.js'
import { sendRaw, type RawResponse } from './raw.js'

const t = useApp({ captureLogs: true, config: { logLevel: 'info' } })
let port: number
let key: string

beforeAll(async () => {
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  port = (t.app.server.address() as { port: number }).port;
  ({ key } = await t.issueKey())
})

const envelope = { status: 'failed', message: expect.any(String) }

function expectEnveloped (response: RawResponse, status: number): void {
  expect(response.status).toBe(status)
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
  expect(response.headers['x-request-id']).toMatch(/^[\w.:-]+$/)
  expect(response.headers['x-content-type-options']).toBe('nosniff')
  expect(JSON.parse(response.body)).toMatchObject(envelope)
}

function logLineFor (requestId: string): Record<string, unknown> | undefined {
  return t.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.reqId === requestId)
}

describe('URLs the router cannot read', () => {
  it.each([
    ['/api/read/%zz', 'record_id'],
    ['/api/modify/%E0%A4', 'record_id'],
    [`/api/read/${'9'.repeat(150)}`, 'record_id'],
    ['/api/generate_key/%ED%A0%80', 'username'],
    [`/api/generate_key/${'a'.repeat(150)}`, 'username']
  ])('answers %s with a 400 naming %s', async (path, field) => {
    const method = path.startsWith('/api/modify') ? 'PATCH' : path.startsWith('/api/generate_key') ? 'POST' : 'GET'
    const response = await sendRaw(port, `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`)
    expectEnveloped(response, 400)
    checkResponse(method, path, { ...response, body: JSON.parse(response.body) })
    expect(JSON.parse(response.body).errors).toEqual([{ field, problem: expect.any(String) }])
    expect(logLineFor(response.headers['x-request-id']!)).toMatchObject({ statusCode: 400, url: path })
  })

  it('answers a bad %-escape elsewhere with a 400 that says so', async () => {
    const response = await sendRaw(port, 'GET /api/li%zzst HTTP/1.1\r\nHost: x\r\n\r\n')
    expectEnveloped(response, 400)
    expect(JSON.parse(response.body).message).toBe('The URL is malformed! Please check its %-escapes and try again!')
  })
})

describe("requests Node's HTTP parser refuses", () => {
  it('answers a header block over 16 KB with 431, closing the connection and saying so', async () => {
    const response = await sendRaw(port, `GET /api/read/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
    expectEnveloped(response, 431)
    expect(response.headers.connection).toBe('close')
    expect(response.closed).toBe(true)
    checkResponse('GET', '/api/read/1', { ...response, body: JSON.parse(response.body) })
    expect(logLineFor(response.headers['x-request-id']!)).toMatchObject({ statusCode: 431, code: 'HPE_HEADER_OVERFLOW' })
  })

  it.each([
    ['raw bytes in the path', Buffer.from('GET /api/re\xffad/1 HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')],
    ['a NUL in a header', 'GET /api/read/1 HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n'],
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n'],
    ['a bad chunk size', 'POST /api/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAPI-KEY\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']
  ])('answers %s with 400 in the envelope and closes the connection', async (_what, bytes) => {
    const response = await sendRaw(port, typeof bytes === 'string' ? bytes.replace('API-KEY', `api-key: ${key}`) : bytes)
    expectEnveloped(response, 400)
    expect(response.headers.connection).toBe('close')
    expect(response.closed).toBe(true)
    expect(logLineFor(response.headers['x-request-id']!)).toMatchObject({ statusCode: 400 })
  })
})

describe('requests Node would answer without the envelope, or not at all', () => {
  it('answers an HTTP/1.1 request without Host with a 400 in the envelope', async () => {
    const response = await sendRaw(port, 'GET /api/read/1 HTTP/1.1\r\n\r\n')
    expectEnveloped(response, 400)
    expect(JSON.parse(response.body).message).toBe('The Host header is missing! Please add it and try again.')
  })

  it('answers CONNECT (this is no proxy) with a 405 in the envelope and closes the connection', async () => {
    const response = await sendRaw(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')
    expectEnveloped(response, 405)
    expect(response.headers.allow).toBe('GET, HEAD, POST, PATCH, DELETE')
    expect(response.closed).toBe(true)
    expect(logLineFor(response.headers['x-request-id']!)).toMatchObject({ statusCode: 405, method: 'CONNECT' })
  })

  it('answers a Transfer-Encoding that does not end in chunked with a 400, and closes the connection', async () => {
    const response = await sendRaw(port, 'GET /api/list HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n{}')
    expect(response.status).toBe(400)
    expect(response.headers.connection).toBe('close')
    expect(response.closed).toBe(true)
  })

  it('keeps HTTP/1.0 requests without Host working', async () => {
    const response = await sendRaw(port, 'GET /healthz HTTP/1.0\r\n\r\n')
    expect(response.status).toBe(200)
  })
})

describe('HEAD', () => {
  it('does not issue a key: 405 with the methods generate_key serves, and the name stays free', async () => {
    for (const url of ['/api/generate_key/crawled', '/api/generate_key']) {
      const response = await t.request('HEAD', url)
      expect(response.status).toBe(405)
      expect(String(response.headers.allow).split(', ').sort()).toEqual(['GET', 'POST'])
    }
    const [row] = await t.sql`SELECT count(*)::int AS n FROM authenticationkey WHERE username = 'crawled'`
    expect(row!.n).toBe(0)
    expect((await t.request('POST', '/api/generate_key/crawled')).status).toBe(201)
  })

  it('answers HEAD /api/read/{id} with the status and Content-Length of GET, and no body', async () => {
    const record = await t.createRecord({ value1: 'head' }, key)
    const get = await t.request('GET', `/api/read/${record.id as number}`)
    const head = await t.request('HEAD', `/api/read/${record.id as number}`)
    expect(head.status).toBe(200)
    expect(head.text).toBe('')
    expect(head.headers['content-length']).toBe(get.headers['content-length'])
    expect((await t.request('HEAD', '/api/read/999999')).status).toBe(404)
    expect((await t.request('HEAD', '/api/read/abc')).status).toBe(400)
  })

  it('answers HEAD /api/list without reading the table (it answers while the table is locked)', async () => {
    await t.sql.begin(async (tx) => {
      await tx`LOCK TABLE record IN ACCESS EXCLUSIVE MODE`
      const head = await t.request('HEAD', '/api/list')
      expect(head.status).toBe(200)
      expect(head.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(head.text).toBe('')
    })
  })

  it('answers HEAD /api/list?limit= with the page’s Link', async () => {
    await t.createRecord({ value1: 'a' }, key)
    await t.createRecord({ value1: 'b' }, key)
    const head = await t.request('HEAD', '/api/list?limit=1')
    expect(head.status).toBe(200)
    expect(head.headers.link).toMatch(/^<\/api\/list\?limit=1&after_id=\d+>; rel="next"$/)
  })

  it('answers HEAD on the probes', async () => {
    expect((await t.request('HEAD', '/healthz')).status).toBe(200)
    expect((await t.request('HEAD', '/readyz')).status).toBe(200)
  })

  it('is refused with 405 wherever the spec declares no HEAD', async () => {
    for (const [url, allowed] of [['/api/read/', 'GET'], ['/api/create', 'POST'], ['/api/modify/1', 'PATCH'], ['/api/remove/1', 'DELETE'], ['/metrics', 'GET'], ['/docs', 'GET']] as const) {
      const response = await t.request('HEAD', url)
      expect(response.status, url).toBe(405)
      expect(response.headers.allow).toBe(allowed)
    }
  })
})

describe('bodies are stored exactly as sent, or refused', () => {
  async function create (bytes: Buffer): Promise<{ status: number, body: any }> {
    return await t.request('POST', '/api/create', { headers: { 'api-key': key, 'content-type': 'application/json' }, payload: bytes })
  }

  it.each([
    ['FF FE', [0xff, 0xfe]],
    ['C0 80 (an overlong NUL)', [0xc0, 0x80]],
    ['ED A0 80 (an encoded surrogate)', [0xed, 0xa0, 0x80]],
    ['E2 82 (a truncated sequence)', [0xe2, 0x82]]
  ])('refuses a body with the bytes %s: 400 naming body, nothing stored', async (_what, bytes) => {
    const before = await t.sql`SELECT count(*)::int AS n FROM record`
    const response = await create(Buffer.concat([Buffer.from('{"value1":"x'), Buffer.from(bytes), Buffer.from('"}')]))
    expect(response.status).toBe(400)
    expect(response.body.errors).toEqual([{ field: 'body', problem: 'must be UTF-8 encoded text' }])
    expect(await t.sql`SELECT count(*)::int AS n FROM record`).toEqual(before)
  })

  it('checks strings nested thousands deep without failing', async () => {
    const deep = `{"value1":${'['.repeat(5000)}"\\ud800"${']'.repeat(5000)}}`
    const response = await create(Buffer.from(deep))
    expect(response.status).toBe(400)
  })

  it('refuses a string with an unpaired surrogate, naming the field', async () => {
    for (const text of ['"\\ud800"', '"a\\udc00b"', '"\\udbff"']) {
      const response = await create(Buffer.from(`{"value1":${text}}`))
      expect(response.status, text).toBe(400)
      expect(response.body.errors).toEqual([{ field: 'value1', problem: 'must be valid Unicode text (it contains an unpaired surrogate such as \\ud800)' }])
    }
    const record = await t.createRecord({ value1: 'before' }, key)
    const modify = await t.request('PATCH', `/api/modify/${record.id as number}`, {
      headers: { 'api-key': key, 'content-type': 'application/json' },
      payload: '{"value1":"\\ud83d"}'
    })
    expect(modify.status).toBe(400)
    expect(modify.body.errors[0].field).toBe('value1')
    expect((await t.request('GET', `/api/read/${record.id as number}`)).body.record_info.value1).toBe('before')
  })

  it('keeps a surrogate pair and every other character exactly', async () => {
    const text = 'emoji 😀, escaped \ud83d\ude00, € and ñ'
    const response = await create(Buffer.from(JSON.stringify({ value1: text })))
    expect(response.status).toBe(201)
    const read = await t.request('GET', `/api/read/${response.body.record_info.id as number}`)
    expect(read.body.record_info.value1).toBe(text)
  })

  it('stores numbers as IEEE-754 doubles, as the spec documents', async () => {
    const response = await create(Buffer.from('{"timestamp": 9007199254740993, "value2": -0}'))
    expect(response.status).toBe(201)
    expect(response.body.record_info.timestamp).toBe(9007199254740992)
    expect(Object.is(response.body.record_info.value2, 0)).toBe(true)
  })
})
