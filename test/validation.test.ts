import { beforeAll, describe, expect, it } from 'vitest'
import { testConfig, useApp } from './helper.js'

const t = useApp()
let key: string
let recordId: number

beforeAll(async () => {
  ({ key } = await t.issueKey())
  recordId = (await t.createRecord({ value1: 'original' }, key)).id
})

const invalidBody = 'The request body is invalid! Please fix the fields listed in errors and try again!'
const writes = [
  ['POST', () => '/api/create'],
  ['PATCH', () => `/api/modify/${recordId}`]
] as const

describe.each(writes)('%s body validation', (method, url) => {
  const send = async (options: { json?: unknown, payload?: string, headers?: Record<string, string> }) =>
    await t.request(method, url(), { ...options, headers: { 'api-key': key, ...options.headers } })

  it.each([
    ['value2 given as a string', { value2: '12' }, 'value2', 'must be a number or null'],
    ['timestamp given as a string', { timestamp: '1.5' }, 'timestamp', 'must be a number or null'],
    ['value3 given as a string', { value3: 'true' }, 'value3', 'must be a boolean or null'],
    ['value3 given as a number', { value3: 1 }, 'value3', 'must be a boolean or null'],
    ['value1 given as a number', { value1: 12 }, 'value1', 'must be a string or null'],
    ['value1 given as an object', { value1: { a: 1 } }, 'value1', 'must be a string or null'],
    ['value2 given as an array', { value2: [1] }, 'value2', 'must be a number or null'],
    ['value1 over 255 characters', { value1: 'x'.repeat(256) }, 'value1', 'must be at most 255 characters'],
    ['value1 with a NUL character', { value1: 'a\u0000b' }, 'value1', 'must not contain NUL (\\u0000) characters'],
    ['an unknown field (a typo)', { valu1: 'x' }, 'valu1', 'is not a known field (expected timestamp, value1, value2 or value3)'],
    ['a server-owned id', { value1: 'x', id: 7 }, 'id', 'is not a known field (expected timestamp, value1, value2 or value3)'],
    ['a server-owned lastmodifiedby', { value1: 'x', lastmodifiedby: 'me' }, 'lastmodifiedby', 'is not a known field (expected timestamp, value1, value2 or value3)'],
    ['a server-owned creationdate', { value1: 'x', creationdate: '2020-01-01T00:00:00Z' }, 'creationdate', 'is not a known field (expected timestamp, value1, value2 or value3)']
  ])('rejects %s with a 400 naming the field', async (_, json, field, problem) => {
    const response = await send({ json })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({ status: 'failed', message: invalidBody, errors: [{ field, problem }] })
  })

  it('names every offending field at once', async () => {
    const response = await send({ json: { value1: 5, value2: 'x', value3: 'no', valu1: 1 } })
    expect(response.status).toBe(400)
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['valu1', 'value1', 'value2', 'value3'])
  })

  it('accepts 255 characters of multi-byte text (a limit in characters, not bytes)', async () => {
    const response = await send({ json: { value1: 'é'.repeat(255) } })
    expect(response.status).toBe(method === 'POST' ? 201 : 200)
  })

  it('rejects numbers JSON cannot carry as finite (1e400)', async () => {
    const response = await send({ payload: '{"value2": 1e400}', headers: { 'content-type': 'application/json' } })
    expect(response.status).toBe(400)
    expect(response.body.errors).toEqual([{ field: 'value2', problem: 'must be a number or null' }])
  })

  it.each([
    ['an array', '[1]'],
    ['a string', '"value1"'],
    ['a number', '42'],
    ['null', 'null']
  ])('rejects a body that is %s, not an object', async (_, payload) => {
    const response = await send({ payload, headers: { 'content-type': 'application/json' } })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({ status: 'failed', message: invalidBody, errors: [{ field: 'body', problem: 'must be a JSON object' }] })
  })

  it.each(['{"value1": ', '{value1: 1}', "{'value1': 'x'}", '{"value1": "x",}'])('rejects malformed JSON %s with a 400', async (payload) => {
    const response = await send({ payload, headers: { 'content-type': 'application/json' } })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({ status: 'failed', message: 'The request body is not valid JSON! Please check its syntax and try again!' })
  })

  it('rejects a prototype-poisoning key with a 400', async () => {
    const response = await send({ payload: '{"value1": "x", "__proto__": {"admin": true}}', headers: { 'content-type': 'application/json' } })
    expect(response.status).toBe(400)
    expect(response.body.status).toBe('failed')
  })

  it.each([
    ['form data', 'application/x-www-form-urlencoded', 'value1=x'],
    ['plain text', 'text/plain', '{"value1":"x"}'],
    ['XML', 'application/xml', '<value1>x</value1>']
  ])('answers 415 for %s', async (_, type, payload) => {
    const response = await send({ payload, headers: { 'content-type': type } })
    expect(response.status).toBe(415)
    expect(response.body).toEqual({ status: 'failed', message: 'Please set the Content-Type header to application/json and try again!' })
  })

  it('accepts a charset parameter on application/json', async () => {
    const response = await send({ payload: '{"value1":"x"}', headers: { 'content-type': 'application/json; charset=utf-8' } })
    expect(response.status).toBe(method === 'POST' ? 201 : 200)
  })

  it('answers 413 for a body over the limit, naming the limit', async () => {
    const response = await send({ json: { value1: 'x'.repeat(testConfig.bodyLimit) } })
    expect(response.status).toBe(413)
    expect(response.body).toEqual({
      status: 'failed',
      message: `The request body is too large! Please send at most ${testConfig.bodyLimit} bytes and try again!`
    })
  })
})

describe('record ids in the path', () => {
  const invalidId = {
    status: 'failed',
    message: 'The record number is invalid! Please specify a positive whole number and try again!',
    errors: [{ field: 'record_id', problem: 'must be a whole number from 1 to 2147483647' }]
  }
  const routes = [
    ['GET', '/api/read/'],
    ['PATCH', '/api/modify/'],
    ['DELETE', '/api/remove/']
  ] as const

  it.each(['abc', '-1', '0', '1.5', '1e3', '0x10', '%201', '2147483648', '123456789012345678901234567890', '1abc'])(
    'rejects %s with a 400 that says so, on every route', async (id) => {
      for (const [method, prefix] of routes) {
        const response = await t.request(method, `${prefix}${id}`, { headers: { 'api-key': key }, json: method === 'PATCH' ? { value1: 'x' } : undefined })
        expect(response.status, `${method} ${prefix}${id}`).toBe(400)
        expect(response.body).toEqual(invalidId)
      }
    })

  it('accepts the largest id the column holds (and finds nothing there)', async () => {
    const response = await t.request('GET', '/api/read/2147483647')
    expect(response.status).toBe(404)
  })
})
