// The contract through a client made by a second, independent generator: @hey-api/openapi-ts
// (openapi-ts.config.ts) generates it from openapi.yaml into .generated/hey-api/ when this file
// loads, so the run never uses a stale copy, and drives the real server on a socket with it.
// The generated code only exists after that, so tsconfig.json leaves this file out and the first
// test type-checks both together (test/second-generator/tsconfig.json).
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createClient as generate } from '@hey-api/openapi-ts'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import config from '../openapi-ts.config.js'
import { build } from '../src/app.js'
import { parseJson, testConfig, uniqueUsername, useDatabase, within } from './helper.js'
import { checkResponse } from './spec.js'

const root = fileURLToPath(new URL('..', import.meta.url))
await generate({ ...(await config), logs: { file: false, level: 'silent' } })
const sdk = await import('../.generated/hey-api/index.js')
const { createClient, createConfig } = await import('../.generated/hey-api/client/index.js')
type Client = ReturnType<typeof createClient>
type HistoryEntry = import('../.generated/hey-api/index.js').HistoryEntry
type RecordInput = import('../.generated/hey-api/index.js').RecordInput

const database = useDatabase()
let app: FastifyInstance
let base: string
let anonymous: Client
let owner: { username: string, client: Client }

// Every response the generated client receives is also checked against openapi.yaml (the change
// feed's endless body excepted).
const checkedFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init)
  const response = await fetch(request)
  if (response.headers.get('content-type')?.startsWith('text/event-stream') === true) return response
  const text = await response.clone().text()
  checkResponse(request.method, new URL(request.url).pathname, { status: response.status, headers: Object.fromEntries(response.headers), body: parseJson(text) })
  return response
}

function clientFor (baseUrl: string, key?: string): Client {
  return createClient(createConfig({ baseUrl, fetch: checkedFetch, ...(key === undefined ? {} : { auth: key }) }))
}

beforeAll(async () => {
  app = await build({ config: testConfig, databaseUrl: database.url() })
  base = await app.listen({ host: '127.0.0.1', port: 0 })
  anonymous = clientFor(base)
  const username = uniqueUsername('heyapi')
  const { data } = await sdk.generateKey({ client: anonymous, path: { username } })
  owner = { username, client: clientFor(base, data!.api_key) }
})
afterAll(async () => { await app?.close() })

describe('the generated client', () => {
  it('type-checks together with this test under the repository\'s compiler settings', async () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    const run = promisify(execFile)(process.execPath, [tsc, '-p', 'test/second-generator/tsconfig.json'], { cwd: root })
    await expect(run).resolves.toMatchObject({ stdout: '' })
  }, 120_000)
})

describe('generateKey', () => {
  it('issues a key (201) with the typed envelope', async () => {
    const username = uniqueUsername('heyapi')
    const { data, error, response } = await sdk.generateKey({ client: anonymous, path: { username } })
    expect(response.status).toBe(201)
    expect(error).toBeUndefined()
    expect(data).toMatchObject({ status: 'success', username, message: 'Congrats! Your API Key has been created!' })
    expect(data!.api_key.length).toBeGreaterThan(20)
  })

  it('returns the 400 failure naming the parameter for an invalid username', async () => {
    const { data, error, response } = await sdk.generateKey({ client: anonymous, path: { username: 'no spaces' } })
    expect(response.status).toBe(400)
    expect(data).toBeUndefined()
    expect(error?.errors).toEqual([{ field: 'username', problem: "must be 1 to 64 letters, digits, '_', '-' or '.'" }])
  })
})

describe('records', () => {
  it('create (201, Location, ETag) → read (ETag) → modify with If-Match (200, then 412 when stale) → history → remove', async () => {
    const fields = { timestamp: 828283281.21, value1: 'German Shepherd', value2: 781230.21, value3: true }
    const created = await sdk.createRecord({ client: owner.client, body: fields })
    expect(created.response.status).toBe(201)
    const record = created.data!.record_info
    expect(record).toMatchObject({ ...fields, lastmodifiedby: owner.username })
    expect(created.response.headers.get('location')).toBe(`/api/read/${record.id}`)
    expect(created.response.headers.get('etag')).toBe('"1"')

    const read = await sdk.readRecord({ client: anonymous, path: { record_id: record.id } })
    expect(read.response.status).toBe(200)
    expect(read.response.headers.get('etag')).toBe('"1"')
    expect(read.data).toEqual({ status: 'success', message: 'Record found!', record_info: record })

    const modified = await sdk.modifyRecord({ client: owner.client, path: { record_id: record.id }, body: { value1: 'Falcon', value2: null }, headers: { 'If-Match': '"1"' } })
    expect(modified.response.status).toBe(200)
    expect(modified.response.headers.get('etag')).toBe('"2"')
    expect(modified.data!.record_info).toMatchObject({ value1: 'Falcon', value2: null, value3: true, timestamp: 828283281.21 })

    const stale = await sdk.modifyRecord({ client: owner.client, path: { record_id: record.id }, body: { value2: 3 }, headers: { 'If-Match': '"1"' } })
    expect(stale.response.status).toBe(412)
    expect(stale.data).toBeUndefined()
    expect(stale.error?.message).toBe('The record has been changed since you read it! Please read it again and try again!')
    expect(stale.response.headers.get('etag')).toBe('"2"')

    const history = await sdk.getHistory({ client: anonymous, path: { record_id: record.id } })
    expect(history.response.status).toBe(200)
    expect(history.data!.history.map((entry) => [entry.version, entry.operation, entry.username])).toEqual([[1, 'create', owner.username], [2, 'modify', owner.username]])

    const removed = await sdk.removeRecord({ client: owner.client, path: { record_id: record.id }, headers: { 'If-Match': '"2"' } })
    expect(removed.response.status).toBe(200)
    expect(removed.data).toEqual({ status: 'success', message: 'Your record has been removed!' })
    const gone = await sdk.readRecord({ client: anonymous, path: { record_id: record.id } })
    expect(gone.response.status).toBe(404)
    expect(gone.error).toEqual({ status: 'failed', message: 'The record does not exist! Please try a different record number!' })
  })

  it('lists a page with limit (Link to the next page) and follows it', async () => {
    const username = uniqueUsername('heyapi')
    const { data: issued } = await sdk.generateKey({ client: anonymous, path: { username } })
    const writer = clientFor(base, issued!.api_key)
    const { data: created } = await sdk.bulkCreateRecords({ client: writer, body: [{ value1: 'a' }, { value1: 'b' }, { value1: 'c' }] })
    const ids = created!.records_info.map((record) => record.id)

    const first = await sdk.listRecords({ client: anonymous, query: { limit: 2, lastmodifiedby: username } })
    expect(first.response.status).toBe(200)
    expect(first.data!.map((record) => record.id)).toEqual(ids.slice(0, 2))
    expect(first.response.headers.get('link')).toBe(`</api/list?limit=2&after_id=${ids[1]}&lastmodifiedby=${username}>; rel="next"`)

    const second = await sdk.listRecords({ client: anonymous, query: { limit: 2, after_id: ids[1]!, lastmodifiedby: username } })
    expect(second.data!.map((record) => record.id)).toEqual(ids.slice(2))
    expect(second.response.headers.get('link')).toBeNull()
  })

  it('bulk create makes them all (201) in the order sent, or names the bad element (400)', async () => {
    const fields = [{ value1: 'first', value3: true }, { timestamp: 1.5 }, { value2: -2 }]
    const created = await sdk.bulkCreateRecords({ client: owner.client, body: fields })
    expect(created.response.status).toBe(201)
    expect(created.data!.message).toBe('Your entries have successfully been added to the database!')
    const records = created.data!.records_info
    records.forEach((record, index) => { expect(record).toMatchObject({ ...fields[index], lastmodifiedby: owner.username }) })
    expect(records.map((record) => record.id)).toEqual([...records.map((record) => record.id)].sort((a, b) => a - b))

    const refused = await sdk.bulkCreateRecords({ client: owner.client, body: [{ value1: 'fine' }, { value3: null }] })
    expect(refused.response.status).toBe(400)
    expect(refused.error?.errors).toEqual([{ field: '1', problem: 'must have at least one field that is not null (timestamp, value1, value2 or value3)' }])
  })

  it('returns the 400 failure with errors for a field of the wrong type, and 401 without a key', async () => {
    // The generated types forbid this body; a JavaScript caller can still send it.
    const wrong = await sdk.createRecord({ client: owner.client, body: { value2: '12' } as unknown as RecordInput })
    expect(wrong.response.status).toBe(400)
    expect(wrong.data).toBeUndefined()
    expect(wrong.error).toMatchObject({ status: 'failed', errors: [{ field: 'value2', problem: 'must be a number or null' }] })

    const keyless = await sdk.createRecord({ client: anonymous, body: { value1: 'x' } })
    expect(keyless.response.status).toBe(401)
    expect(keyless.error?.message).toBe('You are not authenticated! Please add an authentication key to the header and try again!')
  })
})

describe('getChanges', () => {
  it('streams the changes after a given change_id through the generated Server-Sent Events client', async () => {
    const { data: created } = await sdk.createRecord({ client: owner.client, body: { value1: 'streamed' } })
    const id = created!.record_info.id
    await sdk.modifyRecord({ client: owner.client, path: { record_id: id }, body: { value1: 'streamed again' } })
    const { data: history } = await sdk.getHistory({ client: anonymous, path: { record_id: id } })
    const after = history!.history[0]!.change_id - 1

    const controller = new AbortController()
    const { stream } = await sdk.getChanges({ client: anonymous, query: { after }, signal: controller.signal, sseMaxRetryAttempts: 1 })
    const seen: Array<Pick<HistoryEntry, 'operation' | 'version'>> = []
    await within((async () => {
      // openapi.yaml can only call the stream a string (OpenAPI 3.1 has no schema per event);
      // the generated client parses each event's JSON data, a history entry.
      for await (const event of stream) {
        const entry = event as unknown as HistoryEntry
        if (entry.record.id === id) seen.push({ operation: entry.operation, version: entry.version })
        if (seen.length === 2) break
      }
    })(), 10_000, 'the change feed')
    controller.abort()
    expect(seen).toEqual([{ operation: 'create', version: 1 }, { operation: 'modify', version: 2 }])
  })
})
