import { describe, expect, it } from 'vitest'
import { testConfig, useApp } from './helper.js'

const t = useApp()

describe('request ids', () => {
  it('echoes a caller X-Request-ID', async () => {
    const response = await t.request('GET', '/healthz', { headers: { 'x-request-id': 'trace-42.a:b' } })
    expect(response.headers['x-request-id']).toBe('trace-42.a:b')
  })

  it('makes one when the caller sends none, different for every request', async () => {
    const first = await t.request('GET', '/api/list')
    const second = await t.request('GET', '/api/read/abc')
    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/)
    expect(second.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/)
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id'])
  })

  it('replaces an X-Request-ID that is not a sane token', async () => {
    for (const given of ['has space', 'x'.repeat(129), '<script>']) {
      const response = await t.request('GET', '/healthz', { headers: { 'x-request-id': given } })
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/)
    }
  })
})

describe('GET /metrics', () => {
  it('counts requests and their latency by route and status, in the Prometheus format', async () => {
    const record = await t.createRecord({ value1: 'measured' })
    for (let i = 0; i < 3; i += 1) await t.request('GET', `/api/read/${record.id}`)
    await t.request('GET', '/api/read/2000000000')
    await t.request('GET', '/no/such/route/12345')
    const response = await t.app.inject('/metrics')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toContain('text/plain')
    const text = response.body
    expect(text).toContain('http_requests_total{method="GET",route="/api/read/:record_id",status_code="200"} 3')
    expect(text).toContain('http_requests_total{method="GET",route="/api/read/:record_id",status_code="404"} 1')
    expect(text).toContain('http_requests_total{method="POST",route="/api/create",status_code="201"} 1')
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",status_code="404"} 1')
    expect(text).not.toContain('/no/such/route')
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/api\/read\/:record_id",status_code="200"\} 3/)
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/api/read/:record_id",status_code="200"} 3')
  })

  it('reports the database pool: its size, the connections by state and whether PostgreSQL answers', async () => {
    const text = (await t.app.inject('/metrics')).body
    expect(text).toContain(`db_pool_max_connections ${testConfig.dbPoolMax}`)
    expect(text).toMatch(/db_pool_connections\{state="active"\} [1-9]/)
    expect(text).toContain('db_up 1')
  })

  it('includes Node.js process metrics', async () => {
    const text = (await t.app.inject('/metrics')).body
    expect(text).toContain('process_cpu_user_seconds_total')
    expect(text).toContain('nodejs_eventloop_lag_seconds')
  })
})

describe('log lines', () => {
  const logged = useApp({ config: { logLevel: 'info' }, captureLogs: true })

  it('are JSON, one per request at info, carrying its request id, method, URL, status and time', async () => {
    await logged.app.inject({ url: '/api/read/2000000000', headers: { 'x-request-id': 'follow-me-1' } })
    const entries = logged.logs.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    const mine = entries.filter((entry) => entry.reqId === 'follow-me-1')
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({ level: 30, msg: 'request completed', method: 'GET', url: '/api/read/2000000000', statusCode: 404 })
    expect(mine[0]!.responseTime).toEqual(expect.any(Number))
  })
})
