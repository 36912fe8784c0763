// Requests derived from openapi.yaml: for every operation (HEAD ones included, where the spec
// declares them) its path, query and header parameters, its security and its request body, each
// valid or mutated; plus methods a path does not serve, and paths the spec does not have.
import fc from 'fast-check'
import { operations, spec, type Operation } from '../spec.js'
import { bodyArbitrary } from './body.js'
import { headerPieces, pathPieces, pick, queryPieces, type Piece } from './parameters.js'
import type { Expectation, Part, Ref, Structured } from './wire.js'

const keyMutations: Array<[string, Part]> = [
  ['an empty api key', ''],
  ['a random api key', 'phx_c3VyZWx5IG5vdCBhIGtleSBhbnlib2R5IGlzc3VlZA'],
  ['an api key of letters', 'not-a-key'],
  ['an api key with raw non-ASCII bytes', Buffer.from([0x70, 0x68, 0x78, 0x5f, 0xe9, 0xff])],
  ['a 10 KB api key', 'k'.repeat(10_000)]
]

function securityHeaders (operation: Operation): fc.Arbitrary<{ headers: Array<[string, Part]>, piece: Piece<Ref | undefined> }> {
  const schemes = spec.components?.securitySchemes ?? {}
  const requirement = operation.security[0]
  const scheme = requirement === undefined ? undefined : Object.keys(requirement).map((name) => schemes[name]).find((item) => item?.type === 'apiKey' && item.in === 'header')
  const name: string = scheme?.name ?? Object.values<any>(schemes).find((item) => item.type === 'apiKey' && item.in === 'header')?.name ?? 'api-key'
  const valid = pick.map((index) => ({ headers: [[name, { ref: 'key', pick: index }]] as Array<[string, Part]>, piece: { value: { ref: 'key', pick: index } as Ref } }))
  const wrong = fc.constantFrom(...keyMutations, ['no api key', undefined] as const, ['the api key twice', 'twice'] as const).map(([label, value]) => {
    const headers: Array<[string, Part]> = value === undefined ? [] : value === 'twice' ? [[name, { ref: 'key', pick: 0 }], [name, 'not-a-key']] : [[name, value]]
    return { headers, piece: scheme === undefined ? { value: undefined } : { value: undefined, invalid: label } }
  })
  if (scheme === undefined) return fc.oneof({ weight: 6, arbitrary: fc.constant({ headers: [] as Array<[string, Part]>, piece: { value: undefined } }) }, { weight: 1, arbitrary: wrong })
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 2, arbitrary: wrong })
}

// Content types for an operation that takes a JSON body: [header value or undefined, verdict].
const contentTypes: Array<[string | undefined, Expectation]> = [
  ['application/json; charset=utf-8', 'valid'], ['application/json;charset=UTF-8', 'valid'], ['Application/JSON', 'valid'],
  ['text/plain', 'invalid'], ['application/x-www-form-urlencoded', 'invalid'], ['multipart/form-data; boundary=x', 'invalid'],
  ['application/xml', 'invalid'], ['application/jsonx', 'invalid'], ['*/*', 'invalid'], [undefined, 'invalid'], ['', 'invalid'],
  ['application/json; charset=latin1', 'neutral'], ['application/json; charset=utf-16', 'neutral']
]

// Headers that change nothing a request asks for.
const harmless: Array<[string, Part]> = [
  ['x-request-id', 'fuzz-request.1:2'], ['x-request-id', 'r'.repeat(200)], ['x-request-id', Buffer.from([0xe9, 0x20, 0xe8])], ['x-request-id', ''],
  ['accept', 'text/html'], ['accept-encoding', 'gzip, br'], ['connection', 'close'], ['connection', 'keep-alive'], ['x-forwarded-for', '203.0.113.7'],
  ['cookie', 'a=b'], ['authorization', 'Bearer x'], ['if-none-match', '*'], ['range', 'bytes=0-1']
]

function otherHeaders (): fc.Arbitrary<Piece<Array<[string, Part]>>> {
  const some = fc.subarray(harmless, { maxLength: 3 }).map((headers) => ({ value: headers }))
  const many = fc.constant({ value: Array.from({ length: 150 }, (_, index): [string, Part] => [`x-fuzz-${index}`, String(index)]) })
  const huge = fc.constantFrom(17_000, 70_000).map((size) => ({ value: [['x-fuzz-padding', 'p'.repeat(size)]] as Array<[string, Part]>, invalid: `a ${Math.round(size / 1000)} KB header` }))
  return fc.oneof({ weight: 12, arbitrary: some }, { weight: 1, arbitrary: many }, { weight: 1, arbitrary: huge })
}

function verdict (pieces: Array<Piece<unknown>>): { expect: Expectation, notes: string[] } {
  const invalid = pieces.flatMap((piece) => piece.invalid === undefined ? [] : [piece.invalid])
  const neutral = pieces.flatMap((piece) => piece.neutral === undefined ? [] : [piece.neutral])
  return invalid.length > 0 ? { expect: 'invalid', notes: invalid } : neutral.length > 0 ? { expect: 'neutral', notes: neutral } : { expect: 'valid', notes: [] }
}

const built = new Map<string, fc.Arbitrary<Structured>>()

/** A request to `operation`, valid or mutated. */
export function operationRequest (operation: Operation, bodyLimit: number): fc.Arbitrary<Structured> {
  const key = `${operation.method} ${operation.template} ${bodyLimit}`
  let arbitrary = built.get(key)
  if (arbitrary === undefined) {
    arbitrary = buildOperationRequest(operation, bodyLimit)
    built.set(key, arbitrary)
  }
  return arbitrary
}

function buildOperationRequest (operation: Operation, serverBodyLimit: number): fc.Arbitrary<Structured> {
  const { method } = operation
  const bodyLimit = operation.bodyLimit ?? serverBodyLimit
  const schema = operation.requestBody?.content?.['application/json']?.schema
  const bodyless: fc.Arbitrary<Piece<Buffer | undefined> & { type?: string }> = fc.oneof(
    { weight: 8, arbitrary: fc.constant({ value: undefined }) },
    { weight: 1, arbitrary: fc.tuple(bodyArbitrary({}, bodyLimit), fc.constantFrom('application/json', 'text/plain', 'application/octet-stream')).map(([body, type]) => ({ value: body.bytes, type, neutral: 'a body the operation does not take' })) })
  const body = schema === undefined
    ? bodyless
    : fc.tuple(bodyArbitrary(schema, bodyLimit), fc.oneof({ weight: 8, arbitrary: fc.constant<[string | undefined, Expectation]>(['application/json', 'valid']) }, { weight: 3, arbitrary: fc.constantFrom(...contentTypes) }))
      .map(([content, [type, verdict]]) => ({
        value: content.bytes,
        type,
        sent: content.sent,
        invalid: content.invalid ?? (verdict === 'invalid' ? `content-type ${type ?? '(none)'}` : undefined),
        neutral: verdict === 'neutral' ? `content-type ${type ?? '(none)'}` : undefined
      }))
  return fc.record({ path: pathPieces(operation, true), query: queryPieces(operation), header: headerPieces(operation), security: securityHeaders(operation), other: otherHeaders(), body })
    .map(({ path, query, header, security, other, body }) => {
      const search = query.map((piece) => piece.value).filter((text) => text !== '').join('&')
      const { expect, notes } = verdict([...path, ...query, ...header, security.piece, other, body])
      const headers: Array<[string, Part]> = [
        ...security.headers, ...header.flatMap((piece) => piece.value), ...other.value,
        ...(body.type === undefined ? [] : [['content-type', body.type] as [string, Part]])
      ]
      return {
        label: `${method} ${operation.template}`,
        method,
        target: [...path.map((piece) => piece.value), ...(search === '' ? [] : [`?${search}`])],
        headers,
        body: body.value,
        expect,
        notes,
        operation,
        ...(expect === 'valid' && 'sent' in body && body.sent !== undefined ? { sent: body.sent } : {}),
        ...(security.piece.value === undefined ? {} : { key: security.piece.value })
      }
    })
}

const templates = [...new Set(operations.map((operation) => operation.template))]
const allMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE']

/** The methods openapi.yaml declares for a path: its operations, nothing implied (not even HEAD for a GET). */
export function declaredMethods (template: string): string[] {
  return operations.filter((operation) => operation.template === template).map((operation) => operation.method)
}

/** A valid path to `template` with a method it does not serve. */
export function wrongMethodRequest (template: string): fc.Arbitrary<Structured> {
  const operation = operations.find((candidate) => candidate.template === template)!
  const allow = declaredMethods(template)
  return fc.tuple(fc.constantFrom(...allMethods.filter((method) => !allow.includes(method))), pathPieces(operation, false))
    .map(([method, path]) => ({ label: `${template} with an undeclared method`, method, target: path.map((piece) => piece.value), headers: [], body: undefined, expect: 'wrong-method', notes: [], allow }))
}

const word = fc.stringMatching(/^[a-z0-9_]{1,12}$/)

/** A path that no operation has. */
export function unknownPathRequest (): fc.Arbitrary<Structured> {
  const target = fc.oneof(
    word.map((segment) => `/api/fuzz_${segment}`),
    fc.tuple(word, word).map(([first, second]) => `/fuzz_${first}/${second}`),
    fc.constantFrom(...templates).map((template) => `${template.replace(/\{[^}]+\}/g, '1')}/fuzz_extra`),
    fc.constantFrom(...templates).map((template) => template.replace(/\{[^}]+\}/g, '1').toUpperCase())
  )
  return fc.tuple(fc.constantFrom('GET', 'POST', 'DELETE'), target)
    .map(([method, path]) => ({ label: 'unknown path', method, target: [path], headers: [], body: undefined, expect: 'unknown-path', notes: [] }))
}

/** Every kind of structured request, weighted towards the operations themselves. */
export function structuredRequest (bodyLimit: number): fc.Arbitrary<Structured> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...operations).chain((operation) => operationRequest(operation, bodyLimit)) },
    { weight: 1, arbitrary: fc.constantFrom(...templates).chain(wrongMethodRequest) },
    { weight: 1, arbitrary: unknownPathRequest() }
  )
}
