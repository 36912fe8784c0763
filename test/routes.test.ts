import { beforeAll, describe, expect, it } from 'vitest'
import { useApp } from './helper.js'

const t = useApp()

describe('unknown routes', () => {
  it('answers 404 in the contract envelope', async () => {
    for (const url of ['/nope', '/api', '/api/records', '/api/read/1/extra']) {
      const response = await t.request('GET', url)
      expect(response.status, url).toBe(404)
      expect(response.body).toEqual({ status: 'failed', message: 'This route does not exist! See /docs for the routes of this API.' })
    }
  })

  it('points /api/delete/{id}, the original common mistake, at /api/remove/{id}', async () => {
    for (const method of ['DELETE', 'GET', 'POST']) {
      const response = await t.request(method, '/api/delete/5')
      expect(response.status).toBe(404)
      expect(response.body).toEqual({
        status: 'failed',
        message: 'This route does not exist! To remove a record, send a DELETE request to /api/remove/5 instead.'
      })
    }
    const bare = await t.request('DELETE', '/api/delete')
    expect(bare.status).toBe(404)
    expect(bare.body.message).toContain('/api/remove/{record_id}')
  })

  it('answers 405 with Allow for a known route and the wrong method', async () => {
    const cases = [['GET', '/api/create', 'POST'], ['POST', '/api/list', 'GET'], ['DELETE', '/api/read/1', 'GET'], ['PUT', '/api/modify/1', 'PATCH']]
    for (const [method, url, allowed] of cases) {
      const response = await t.request(method!, url!)
      expect(response.status, `${method} ${url}`).toBe(405)
      expect(String(response.headers.allow).split(', ')).toContain(allowed)
      expect(response.body.message).toBe(`The method ${method} is not allowed on this route! Please use ${allowed} instead.`)
    }
  })
})

describe('around the API', () => {
  it('GET /healthz answers 200', async () => {
    const response = await t.request('GET', '/healthz')
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ status: 'ok' })
  })

  it('GET /readyz answers 200 while the database is reachable', async () => {
    const response = await t.request('GET', '/readyz')
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ status: 'ok' })
  })

  it('GET /openapi.json and /openapi.yaml serve the spec', async () => {
    const json = await t.request('GET', '/openapi.json')
    expect(json.status).toBe(200)
    expect(json.body.openapi).toBe('3.1.0')
    expect(Object.keys(json.body.paths)).toContain('/api/create')
    const yaml = await t.request('GET', '/openapi.yaml')
    expect(yaml.status).toBe(200)
    expect(yaml.headers['content-type']).toContain('yaml')
    expect(yaml.text).toContain('operationId: createRecord')
  })

  it('GET /docs serves Swagger UI from local assets, with the api-key scheme in its spec', async () => {
    const page = await t.request('GET', '/docs/')
    expect(page.status).toBe(200)
    expect(page.text).toContain('swagger-ui')
    expect(page.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[^"']*\.(js|css)/)
    const initializer = await t.request('GET', '/docs/static/swagger-initializer.js')
    expect(initializer.status).toBe(200)
    const spec = await t.request('GET', '/docs/json')
    expect(spec.body.components.securitySchemes.ApiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'api-key' }))
  })

  it('GET / is a landing page that points to /docs', async () => {
    const response = await t.request('GET', '/')
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toContain('text/html')
    expect(response.text).toContain('href="/docs"')
    // The curl line names this server as it was reached, its Host escaped.
    expect(response.text).toContain('curl -X POST http://localhost:80/api/generate_key/yourname')
    const hostile = await t.request('GET', '/', { headers: { host: 'evil.example"><script>' } })
    expect(hostile.text).not.toContain('<script>')
  })

  it('answers JSON as application/json with charset utf-8', async () => {
    const response = await t.request('GET', '/api/list')
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
  })
})

describe('internal failures', () => {
  const broken = useApp()

  beforeAll(async () => {
    // Break the schema under the app so that its statements fail unexpectedly.
    await broken.sql`DROP TABLE record`
  })

  it('answer 500 with a generic message: no SQL, stack or driver message', async () => {
    const response = await broken.app.inject('/api/list')
    expect(response.statusCode).toBe(500)
    expect(response.json()).toEqual({ status: 'failed', message: 'Something went wrong on our side! Please try again later.' })
    expect(response.body).not.toMatch(/record|relation|SELECT|at .*\.js/i)
  })
})

describe('logs', () => {
  const logged = useApp({ config: { logLevel: 'trace' }, captureLogs: true })

  it('show request headers at debug, but never an api-key', async () => {
    const issued = await logged.app.inject({ method: 'POST', url: '/api/generate_key/logged_user' })
    const key = issued.json().api_key as string
    await logged.app.inject({ method: 'POST', url: '/api/create', headers: { 'api-key': key }, payload: { value1: 'x' } })
    await logged.app.inject({ method: 'POST', url: '/api/create', headers: { 'api-key': `${key}-wrong` }, payload: { value1: 'x' } })
    const log = logged.logs.join('')
    expect(log).toContain('/api/create')
    expect(log).toContain('"api-key":"[redacted]"')
    expect(log).toContain('"user-agent"')
    expect(log).not.toContain(key)
  })
})
