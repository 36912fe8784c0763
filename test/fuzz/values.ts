// Values derived from the JSON Schemas in openapi.yaml: arbitraries of valid values (checked with
// the spec's own validator), and lists of invalid ones.
import fc from 'fast-check'
import { validatorFor } from '../spec.js'

type Schema = any

/** JSON text written verbatim where a value goes: numbers and strings JSON.stringify cannot make. */
export class RawJson {
  constructor (readonly bytes: Buffer, readonly note: string) {}
}

export interface Invalid {
  label: string
  value: unknown
}

export function typesOf (schema: Schema): string[] {
  if (schema.type !== undefined) return ([] as string[]).concat(schema.type)
  if (schema.const !== undefined) return [schema.const === null ? 'null' : typeof schema.const]
  if (schema.properties !== undefined) return ['object']
  if (schema.items !== undefined) return ['array']
  return []
}

export const isValid = (schema: Schema) => (value: unknown): boolean => validatorFor(schema)(value)

function valueOfType (schema: Schema, type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null': return fc.constant(null)
    case 'boolean': return fc.boolean()
    case 'integer': return fc.integer({ min: schema.minimum ?? -(2 ** 31), max: schema.maximum ?? 2 ** 31 - 1 })
    case 'number': return fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum, max: schema.maximum }),
      fc.integer({ min: schema.minimum ?? -(10 ** 12), max: schema.maximum ?? 10 ** 12 })
    )
    case 'string': {
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString())
      const bounds = { minLength: schema.minLength ?? 0, maxLength: schema.maxLength ?? 300 }
      if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern, 'u'))
      return fc.oneof(
        { weight: 3, arbitrary: fc.string({ ...bounds, unit: 'grapheme-ascii' }) },
        { weight: 3, arbitrary: fc.string({ ...bounds, unit: 'binary' }) },
        // The longest text allowed, in astral characters: 4 bytes each in UTF-8, 2 units in JS.
        { weight: 1, arbitrary: fc.string({ minLength: bounds.maxLength, maxLength: bounds.maxLength, unit: fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)) }) }
      )
    }
    case 'array': return fc.array(validValue(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) })
    case 'object': {
      const properties = Object.fromEntries(Object.entries<Schema>(schema.properties ?? {}).map(([name, property]) => [name, validValue(property)]))
      return fc.record(properties, { requiredKeys: schema.required ?? [] })
    }
    default: return fc.constant(null)
  }
}

/** Values that `schema` accepts, without lone surrogates (text on the wire is UTF-8). */
export function validValue (schema: Schema): fc.Arbitrary<unknown> {
  const arbitrary = schema.const !== undefined
    ? fc.constant(schema.const)
    : schema.enum !== undefined
      ? fc.constantFrom(...schema.enum as unknown[])
      : (schema.anyOf ?? schema.oneOf) !== undefined
          ? fc.oneof(...((schema.anyOf ?? schema.oneOf) as Schema[]).map(validValue))
          : typesOf(schema).length === 0
            ? fc.jsonValue({ maxDepth: 2 })
            : fc.oneof(...typesOf(schema).map((type) => valueOfType(schema, type)))
  return arbitrary.filter((value) => isValid(schema)(value) && !hasLoneSurrogate(value))
}

export function hasLoneSurrogate (value: unknown): boolean {
  if (typeof value === 'string') return /[\ud800-\udfff]/.test(value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([key, item]) => hasLoneSurrogate(key) || hasLoneSurrogate(item))
  return false
}

const raw = (text: string): RawJson => new RawJson(Buffer.from(text), text)

/** `{"a":{"a":…1…}}`, as text: deeper than a recursive encoder could go. */
export function nested (depth: number): RawJson {
  return raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)
}

// Characters that a pattern may exclude, tried one at a time.
const oddCharacters: Array<[string, string]> = [
  ['\u0000', 'NUL'], [' ', 'a space'], ['/', 'a slash'], ['é', 'an accented letter'], ['😀', 'an emoji'],
  ['%', 'a percent sign'], ['\n', 'a newline'], ['<', 'a less-than sign']
]

/** JSON values that `schema` rejects, each with what is wrong with it. */
export function invalidValues (schema: Schema): Invalid[] {
  const types = typesOf(schema)
  const has = (type: string): boolean => types.includes(type)
  const numeric = has('number') || has('integer')
  const candidates: Invalid[] = [
    { label: 'a string', value: 'x' },
    { label: 'a number', value: 12 },
    { label: 'a boolean', value: true },
    { label: 'null', value: null },
    { label: 'an object', value: { a: 1 } },
    { label: 'an array', value: [1] },
    { label: 'an object nested 1000 deep', value: nested(1000) },
    { label: 'an array of 200 items', value: Array.from({ length: 200 }, (_, index) => index) }
  ]
  if (numeric) {
    candidates.push({ label: 'a number as text ("12")', value: '12' }, { label: '1e400', value: raw('1e400') }, { label: '-1e400', value: raw('-1e400') })
  }
  if (has('boolean')) candidates.push({ label: 'a boolean as text ("true")', value: 'true' })
  if (has('integer')) {
    candidates.push({ label: 'a fraction', value: 1.5 }, { label: 'a 30-digit number', value: raw('123456789012345678901234567890') })
    if (schema.minimum !== undefined) candidates.push({ label: 'below the minimum', value: schema.minimum - 1 })
    if (schema.maximum !== undefined) candidates.push({ label: 'above the maximum', value: schema.maximum + 1 })
  }
  if (has('string')) {
    if (schema.maxLength !== undefined) candidates.push({ label: 'longer than maxLength', value: 'x'.repeat(schema.maxLength + 1) })
    if ((schema.minLength ?? 0) > 0) candidates.push({ label: 'shorter than minLength', value: '' })
    for (const [character, name] of schema.pattern === undefined ? [] : oddCharacters) {
      candidates.push({ label: `text with ${name}`, value: `a${character}b` })
    }
  }
  return candidates.filter(({ value }) => !isValid(schema)(value instanceof RawJson ? JSON.parse(value.note) : value))
}
