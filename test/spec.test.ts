import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import * as generated from '../generated/schemas.js'
import { checkResponse, operations, resolve, spec, SpecViolation } from './spec.js'

const record = {
  id: 1,
  timestamp: 1.5,
  value1: 'x',
  value2: null,
  value3: true,
  lastmodifiedby: 'u',
  creationdate: '2026-11-25T09:30:00.000Z',
  lastmodificationdate: '2026-11-25T09:30:00.000Z'
}
const json = { 'content-type': 'application/json; charset=utf-8' }

describe('openapi.yaml', () => {
  it('has the stable operationIds of every contract route', () => {
    const ids = Object.values(spec.paths).flatMap((item: any) => Object.values(item).map((operation: any) => operation.operationId))
    expect(ids).toEqual(expect.arrayContaining(['generateKey', 'rotateKey', 'revokeKey', 'listRecords', 'createRecord', 'bulkCreateRecords', 'readRecord', 'modifyRecord', 'removeRecord']))
    expect(spec.paths['/api/generate_key/{username}'].get.deprecated).toBe(true)
  })

  it('puts the api-key scheme on exactly the protected operations', () => {
    const secured = operations.filter((operation) => {
      const raw = spec.paths[operation.template][operation.method.toLowerCase()]
      return (raw.security ?? spec.security ?? []).length > 0
    }).map((operation) => `${operation.method} ${operation.template}`)
    expect(secured.sort()).toEqual(['DELETE /api/remove/{record_id}', 'PATCH /api/modify/{record_id}', 'POST /api/bulk_create', 'POST /api/create', 'POST /api/revoke_key', 'POST /api/rotate_key'])
  })

  it('gives every operation a summary, a description and an example for each JSON response', () => {
    for (const [path, item] of Object.entries<any>(spec.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        expect(operation.summary, `${method} ${path}`).toBeTruthy()
        expect(operation.description, `${method} ${path}`).toBeTruthy()
      }
    }
    for (const operation of operations) {
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        const media = response.content?.['application/json']
        if (media === undefined) continue
        expect(media.example ?? media.examples, `${operation.method} ${operation.template} ${status}`).toBeDefined()
      }
    }
  })

  it('has examples that validate against their own schemas', () => {
    const ajv = new Ajv2020({ strict: false })
    addFormats.default(ajv)
    let checked = 0
    for (const operation of operations) {
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        const media = response.content?.['application/json']
        if (media === undefined) continue
        const examples = media.example !== undefined ? [media.example] : Object.values<any>(media.examples ?? {}).map((example) => example.value)
        for (const example of examples) {
          expect(ajv.validate(media.schema, example), `${operation.method} ${operation.template} ${status}: ${ajv.errorsText()}`).toBe(true)
          checked += 1
        }
      }
    }
    expect(checked).toBeGreaterThan(20)
  })

  it('is what the generated TypeBox schemas carry, field for field', () => {
    const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value))
    const paths = spec.paths
    expect(plain(generated.createRecord.body)).toEqual(resolve(paths['/api/create'].post.requestBody.content['application/json'].schema))
    expect(plain(generated.bulkCreateRecords.body)).toEqual(resolve(paths['/api/bulk_create'].post.requestBody.content['application/json'].schema))
    expect(plain(generated.modifyRecord.body)).toEqual(resolve(paths['/api/modify/{record_id}'].patch.requestBody.content['application/json'].schema))
    expect(plain(generated.readRecord.response[200])).toEqual(resolve(paths['/api/read/{record_id}'].get.responses['200'].content['application/json'].schema))
    expect((plain(generated.readRecord.params) as any).properties.record_id).toEqual(resolve(spec.components.schemas.RecordId))
  })
})

describe('the response checker', () => {
  it('accepts a documented response', () => {
    expect(() => { checkResponse('GET', '/api/read/1', { status: 200, headers: { ...json, etag: '"1"' }, body: { status: 'success', message: 'Record found!', record_info: record } }) }).not.toThrow()
  })

  it('rejects a body that does not match the schema', () => {
    const { lastmodifiedby: _, ...incomplete } = record
    expect(() => { checkResponse('GET', '/api/read/1', { status: 200, headers: { ...json, etag: '"1"' }, body: { status: 'success', message: 'Record found!', record_info: incomplete } }) }).toThrow(SpecViolation)
    expect(() => { checkResponse('GET', '/api/read/1', { status: 200, headers: { ...json, etag: '"1"' }, body: { status: 'success', message: 'Found', record_info: record } }) }).toThrow(SpecViolation)
  })

  it('rejects a status the operation does not document', () => {
    expect(() => { checkResponse('GET', '/api/list', { status: 404, headers: json, body: { status: 'failed', message: 'x' } }) }).toThrow(/not documented/)
  })

  it('rejects a response without a documented header', () => {
    expect(() => { checkResponse('GET', '/api/list', { status: 503, headers: json, body: { status: 'failed', message: 'x' } }) }).toThrow(/Retry-After/)
  })

  it('holds routes outside the spec to the failure envelope', () => {
    expect(() => { checkResponse('GET', '/api/nothing', { status: 404, headers: json, body: { error: 'Not Found' } }) }).toThrow(SpecViolation)
  })
})
