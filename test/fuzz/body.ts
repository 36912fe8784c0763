// Request bodies for an operation's requestBody schema: valid ones, and mutations of them — wrong
// values per property (from the schema), text that is not UTF-8, lone surrogates, and bodies that
// are not the right JSON at all. Bodies are bytes, so that they can hold what JSON.stringify cannot.
import { isUtf8 } from 'node:buffer'
import fc from 'fast-check'
import { validatorFor } from '../spec.js'
import { hasLoneSurrogate, invalidValues, nested, RawJson, typesOf, validValue } from './values.js'

type Schema = any

export interface Body {
  bytes: Buffer
  /** Set when the body is invalid: what is wrong with it. */
  invalid?: string
  /** The JSON value sent, when it is one a server should store as it is (for the echo check). */
  sent?: unknown
}

/** JSON text of `value`, with each RawJson written verbatim. */
export function encodeJson (value: unknown): Buffer {
  if (value instanceof RawJson) return value.bytes
  if (Array.isArray(value)) return Buffer.concat([Buffer.from('['), ...value.flatMap((item, index) => [Buffer.from(index === 0 ? '' : ','), encodeJson(item)]), Buffer.from(']')])
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).flatMap(([key, item], index) => [Buffer.from(`${index === 0 ? '' : ','}${JSON.stringify(key)}:`), encodeJson(item)])
    return Buffer.concat([Buffer.from('{'), ...members, Buffer.from('}')])
  }
  return Buffer.from(JSON.stringify(value))
}

const stringBytes = (...parts: Array<string | number[]>): RawJson => {
  const bytes = Buffer.concat([Buffer.from('"'), ...parts.map((part) => typeof part === 'string' ? Buffer.from(part) : Buffer.from(part)), Buffer.from('"')])
  return new RawJson(bytes, bytes.toString('latin1'))
}

/** Strings that are not Unicode text: every one must be refused (RFC 8259 §8.1 requires UTF-8). */
export const notText: Array<{ label: string, value: RawJson }> = [
  { label: 'invalid UTF-8 (FF FE)', value: stringBytes('a', [0xff, 0xfe], 'b') },
  { label: 'overlong UTF-8 (C0 80)', value: stringBytes('a', [0xc0, 0x80], 'b') },
  { label: 'UTF-8-encoded surrogate (ED A0 80)', value: stringBytes('a', [0xed, 0xa0, 0x80], 'b') },
  { label: 'truncated UTF-8 sequence (E2 82)', value: stringBytes('a', [0xe2, 0x82]) },
  { label: 'stray continuation byte (80)', value: stringBytes([0x80]) },
  { label: 'lone high surrogate escape (\\ud800)', value: stringBytes('a\\ud800b') },
  { label: 'lone low surrogate escape (\\udc00)', value: stringBytes('\\udc00') },
  { label: 'reversed surrogate pair (\\udc00\\ud800)', value: stringBytes('\\udc00\\ud800') }
]

const unknownNames = ['valu1', 'id', 'lastmodifiedby', 'Value1', '', '__fuzz', 'a\u0000b']

type Whole = [label: string, build: (valid: unknown, json: Buffer, bodyLimit: number) => Buffer]

const text = (label: string, body: string): Whole => [label, () => Buffer.from(body)]

// Bodies that are not the right JSON as a whole, built only when picked.
const wholeBodies: Whole[] = [
  text('an empty body', ''),
  text('whitespace only', '  \n'),
  text('null', 'null'),
  text('an empty array', '[]'),
  text('a JSON string', '"text"'),
  text('a JSON number', '12'),
  text('not JSON', 'value1=x&value2=2'),
  text('a trailing comma', '{"value1":"x",}'),
  text('a __proto__ key', '{"__proto__":{"value1":"x"}}'),
  text('a constructor.prototype key', '{"constructor":{"prototype":{"value1":"x"}}}'),
  text('an object nested 2000 deep', nested(2000).note),
  text('an array nested 5000 deep', '['.repeat(5000) + ']'.repeat(5000)),
  ['truncated JSON', (_valid, json) => json.length > 1 ? json.subarray(0, -1) : Buffer.from('{')],
  ['an array of valid bodies', (valid) => encodeJson([valid, valid])],
  ['UTF-16 (FF FE) before the JSON', (_valid, json) => Buffer.concat([Buffer.from([0xff, 0xfe]), json])],
  ['a NUL byte after the JSON', (_valid, json) => Buffer.concat([json, Buffer.from([0])])],
  ['one byte over the body limit', (_valid, json, bodyLimit) => Buffer.concat([json, Buffer.alloc(Math.max(0, bodyLimit + 1 - json.length), ' ')])],
  ['four times the body limit', (_valid, json, bodyLimit) => Buffer.concat([json, Buffer.alloc(4 * bodyLimit, ' ')])]
]

/**
 * A body with what is wrong with it: a mutation may happen to make a body the schema accepts
 * (a wrong value for a field that takes anything), and then it is a valid body like any other.
 */
function classify (schema: Schema, bodyLimit: number, bytes: Buffer, mutation: string | undefined): Body {
  if (mutation === undefined || bytes.length > bodyLimit || !isUtf8(bytes)) return mutation === undefined ? { bytes, sent: JSON.parse(bytes.toString()) } : { bytes, invalid: mutation }
  try {
    const value: unknown = JSON.parse(bytes.toString())
    if (validatorFor(schema)(value) && !hasLoneSurrogate(value)) return { bytes, sent: value }
  } catch {}
  return { bytes, invalid: mutation }
}

type Mutation = (valid: unknown, json: Buffer) => fc.Arbitrary<[Buffer, string | undefined]>

/** Valid and mutated bodies for `schema`, the requestBody's JSON Schema. */
export function bodyArbitrary (schema: Schema, bodyLimit: number): fc.Arbitrary<Body> {
  const properties = Object.entries<Schema>(schema.properties ?? {}).map(([name, property]) => ({ name, invalid: invalidValues(property), string: typesOf(property).includes('string') }))
  const strings = properties.filter((property) => property.string).map((property) => property.name)
  const unknown = unknownNames.filter((name) => !(name in (schema.properties ?? {})))
  const asObject = (valid: unknown): Record<string, unknown> => valid !== null && typeof valid === 'object' && !Array.isArray(valid) ? valid as Record<string, unknown> : {}
  const mutations: Mutation[] = [
    (_valid, json) => fc.constant([json, undefined]),
    // At exactly the limit: still to be accepted.
    (_valid, json) => fc.constant([Buffer.concat([json, Buffer.alloc(Math.max(0, bodyLimit - json.length), ' ')]), undefined]),
    (valid, json) => fc.constantFrom(...wholeBodies).map(([label, build]) => [build(valid, json, bodyLimit), label])
  ]
  const withProperties = properties.filter((property) => property.invalid.length > 0)
  if (withProperties.length > 0) {
    mutations.push((valid) => fc.constantFrom(...withProperties).chain(({ name, invalid }) =>
      fc.constantFrom(...invalid).map(({ label, value }) => [encodeJson({ ...asObject(valid), [name]: value }), `${name}: ${label}`])))
  }
  if (strings.length > 0) {
    mutations.push((valid) => fc.tuple(fc.constantFrom(...strings), fc.constantFrom(...notText)).map(([name, { label, value }]) =>
      [encodeJson({ ...asObject(valid), [name]: value }), `${name}: ${label}`]))
  }
  if (unknown.length > 0) {
    mutations.push((valid) => fc.constantFrom(...unknown).map((name) => [encodeJson({ ...asObject(valid), [name]: 1 }), `an unknown field (${JSON.stringify(name)})`]))
  }
  const weighted = fc.oneof({ weight: 6, arbitrary: fc.constant(mutations[0]!) }, ...mutations.slice(1).map((mutation) => ({ weight: 2, arbitrary: fc.constant(mutation) })))
  return fc.tuple(validValue(schema), weighted)
    .chain(([valid, mutation]) => mutation(valid, encodeJson(valid)))
    .map(([bytes, mutation]) => classify(schema, bodyLimit, bytes, mutation))
}
