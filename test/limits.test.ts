// The contract's v2 "Limits" and "CORS", and what every response carries: abuse limits with 429
// and the headers that tell a client its budget, blind cross-site key requests refused, CORS for
// pages on other origins, security headers, and the key holder on each request's log line.
import { describe, expect, it } from 'vitest'
import { testConfig, useApp } from './helper.js'

const tooMany = { status: 'failed', message: 'Too many requests! Please slow down and try again later!' }

describe('KEY_ISSUE_PER_MINUTE', () => {
  const t = useApp({ config: { keyIssuePerMinute: 3, trustProxy: ['127.0.0.1'] } })

  it('answers the address over its budget 429 with Retry-After and RateLimit headers, and issues nothing', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' }
    for (let i = 0; i < 3; i += 1) {
      const response = await t.request('POST', `/api/generate_key/budget_${i}`, { headers: from })
      expect(response.status).toBe(201)
      expect(response.headers['ratelimit-limit']).toBe('3')
      expect(response.headers['ratelimit-remaining']).toBe(String(2 - i))
    }
    // GET and POST share one budget.
    const over = await t.request('GET', '/api/generate_key/budget_3', { headers: from })
    expect(over.status).toBe(429)
    expect(over.body).toEqual(tooMany)
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60)
    expect(over.headers['ratelimit-remaining']).toBe('0')
    const [row] = await t.sql`SELECT count(*)::int AS n FROM authenticationkey WHERE username = 'budget_3'`
    expect(row!.n).toBe(0)
  })

  it('counts each client address for itself, as a trusted proxy reports it (TRUST_PROXY)', async () => {
    const response = await t.request('POST', '/api/generate_key/another_address', { headers: { 'x-forwarded-for': '198.51.100.20' } })
    expect(response.status).toBe(201)
  })
})

describe('X-Forwarded-For without TRUST_PROXY', () => {
  const t = useApp({ config: { keyIssuePerMinute: 2 } })

  it('is ignored: a client cannot pick a new address for every request', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await t.request('POST', `/api/generate_key/spoof_${i}`, { headers: { 'x-forwarded-for': `192.0.2.${i}` } })).status)
    }
    expect(statuses).toEqual([201, 201, 429])
  })
})

describe('WRITES_PER_SECOND', () => {
  const t = useApp({ config: { writesPerSecond: 5 } })

  it('limits each key for itself, across every write, and says so on every write', async () => {
    const { key } = await t.issueKey()
    const { key: other } = await t.issueKey()
    const statuses: number[] = []
    for (let i = 0; i < 8; i += 1) {
      const response = await t.request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: `w${i}` } })
      statuses.push(response.status)
      if (response.status === 201) expect(response.headers['ratelimit-limit']).toBe('5')
      else expect(response.body).toEqual(tooMany)
    }
    // Five fit in a second (unless that second happened to roll over mid-burst).
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(5)
    expect(statuses).toContain(429)
    const modify = await t.request('PATCH', '/api/modify/1', { headers: { 'api-key': key }, json: { value1: 'x' } })
    expect([404, 429]).toContain(modify.status)
    // Another key has its own budget; reads have none.
    expect((await t.request('POST', '/api/create', { headers: { 'api-key': other }, json: { value1: 'other' } })).status).toBe(201)
    for (let i = 0; i < 20; i += 1) expect((await t.request('GET', '/api/read/1')).status).toBe(200)
  })

  it('checks the key first: a wrong key is a 401, whatever the budget', async () => {
    const response = await t.request('POST', '/api/create', { headers: { 'api-key': 'phx_not_a_key' }, json: { value1: 'x' } })
    expect(response.status).toBe(401)
  })
})

describe('limits set to 0', () => {
  const t = useApp({ config: { keyIssuePerMinute: 0, writesPerSecond: 0 } })

  it('are off: no 429 and no RateLimit headers', async () => {
    for (let i = 0; i < 15; i += 1) {
      const response = await t.request('POST', `/api/generate_key/unlimited_${i}`)
      expect(response.status).toBe(201)
      expect(response.headers['ratelimit-limit']).toBeUndefined()
    }
  })
})

describe('generate_key from a page on another site that cannot read the answer', () => {
  const t = useApp()

  it.each([
    ['a form (text/plain) on another site', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'content-type': 'text/plain', origin: 'https://evil.example' }],
    ['a no-cors fetch on another site', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', origin: 'https://evil.example' }],
    ['an image on a sibling subdomain', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' }],
    ['a form from a browser without Fetch Metadata', { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }]
  ])('refuses %s with 403 and registers nothing', async (_what, headers: Record<string, string>) => {
    for (const method of ['POST', 'GET']) {
      const response = await t.request(method, '/api/generate_key/squatted', { headers, payload: headers['content-type'] === undefined ? undefined : 'x=1' })
      expect(response.status).toBe(403)
      expect(response.body.message).toBe('A page on another site cannot issue a key it cannot read! Please call this API from a script (fetch) instead of a form, link or image.')
    }
    const [row] = await t.sql`SELECT count(*)::int AS n FROM authenticationkey WHERE username = 'squatted'`
    expect(row!.n).toBe(0)
  })

  it('serves a fetch() from another site (it can read the key), and the user typing the URL', async () => {
    const fetched = await t.request('POST', '/api/generate_key/fetched', { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', origin: 'https://app.example' } })
    expect(fetched.status).toBe(201)
    expect(fetched.headers['access-control-allow-origin']).toBe('*')
    const typed = await t.request('GET', '/api/generate_key/typed', { headers: { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' } })
    expect(typed.status).toBe(201)
  })
})

describe('CORS', () => {
  const t = useApp()

  it('answers a preflight from any origin with the allowed methods and headers, and no credentials', async () => {
    const response = await t.request('OPTIONS', '/api/create', {
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'api-key, content-type, idempotency-key' }
    })
    expect(response.status).toBe(204)
    expect(response.headers['access-control-allow-origin']).toBe('*')
    expect(String(response.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'])
    expect(String(response.headers['access-control-allow-headers']).split(/,\s*/)).toEqual(['api-key', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'x-request-id'])
    expect(response.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('exposes the headers a page needs on every response', async () => {
    const response = await t.request('GET', '/api/read/1', { headers: { origin: 'https://app.example' } })
    expect(response.headers['access-control-allow-origin']).toBe('*')
    expect(String(response.headers['access-control-expose-headers']).split(/,\s*/)).toEqual(
      ['Location', 'Link', 'ETag', 'X-Request-ID', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'])
  })

  it('leaves the CORS headers off answers to requests that no page sent (no Origin), varying on it', async () => {
    const plain = await t.request('GET', '/api/read/1')
    expect(plain.headers['access-control-allow-origin']).toBeUndefined()
    expect(plain.headers['access-control-expose-headers']).toBeUndefined()
    expect(plain.headers.vary).toBe('Origin')
    const fromPage = await t.request('GET', '/api/read/1', { headers: { origin: 'https://app.example' } })
    expect(fromPage.headers.vary).toBe('Origin')
  })

  it('answers an OPTIONS that is no preflight 405 with Allow, like any undeclared method', async () => {
    const response = await t.request('OPTIONS', '/api/create')
    expect(response.status).toBe(405)
    expect(response.headers.allow).toBe('POST')
    expect((await t.request('OPTIONS', '/api/nothing_here')).status).toBe(404)
  })
})

describe('CORS_ORIGINS', () => {
  const t = useApp({ config: { corsOrigins: ['https://app.example'] } })

  it('allows only the origins listed', async () => {
    const allowed = await t.request('GET', '/healthz', { headers: { origin: 'https://app.example' } })
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example')
    expect(allowed.headers.vary).toContain('Origin')
    const other = await t.request('GET', '/healthz', { headers: { origin: 'https://evil.example' } })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('every response', () => {
  const t = useApp({ captureLogs: true, config: { ...testConfig, logLevel: 'info' } })

  it('carries nosniff and an API Content-Security-Policy, errors included', async () => {
    for (const [method, url] of [['GET', '/healthz'], ['GET', '/api/read/abc'], ['GET', '/nowhere'], ['DELETE', '/api/list']]) {
      const response = await t.request(method!, url!)
      expect(response.headers['x-content-type-options'], url).toBe('nosniff')
      expect(response.headers['content-security-policy'], url).toBe("default-src 'none';frame-ancestors 'none'")
      expect(response.headers['strict-transport-security'], url).toBeUndefined()
    }
  })

  it('logs the key holder on the line of each request that used a key', async () => {
    const { key, username } = await t.issueKey()
    const created = await t.request('POST', '/api/create', { headers: { 'api-key': key, 'x-request-id': 'trace-me-1' }, json: { value1: 'traced' } })
    const removed = await t.request('DELETE', `/api/remove/${created.body.record_info.id as number}`, { headers: { 'api-key': key, 'x-request-id': 'trace-me-2' } })
    expect(removed.status).toBe(200)
    const lines = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines.find((line) => line.reqId === 'trace-me-2')).toMatchObject({ method: 'DELETE', statusCode: 200, username })
    await t.request('GET', '/api/read/1', { headers: { 'x-request-id': 'trace-me-3' } })
    expect(lines.concat(t.logs.map((line) => JSON.parse(line))).find((line) => line.reqId === 'trace-me-3')).not.toHaveProperty('username')
  })
})
