// Parameters (path, query) from their schemas: valid values as URL text, and mutations of that
// text — out of range, wrong type, very long, unicode, broken percent-escapes, empty.
import fc from 'fast-check'
import type { Operation, Parameter } from '../spec.js'
import { invalidValues, isValid, RawJson, typesOf, validValue } from './values.js'
import type { Part, Ref } from './wire.js'

type Schema = any

/** The text of a valid value in a URL (path, query) or header. */
export function textOf (value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Whether `text` (decoded from the URL) is a valid value of `schema` as a parameter. */
export function textIsValid (schema: Schema, text: string): boolean {
  const types = typesOf(schema)
  const candidates: unknown[] = [text]
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(text)) candidates.push(Number(text))
  if (types.includes('boolean') && (text === 'true' || text === 'false')) candidates.push(text === 'true')
  return candidates.some(isValid(schema))
}

/**
 * Parameter texts, already in their wire form (percent-encoded or deliberately not), with what
 * they try. Whether each is invalid is decided by the schema (`textIsValid`), not by its label.
 */
export function parameterMutations (schema: Schema): Array<{ label: string, wire: string }> {
  const encoded = (label: string, text: string): { label: string, wire: string } => ({ label, wire: encodeURIComponent(text) })
  const fromValues = invalidValues(schema)
    .filter(({ value }) => value === null || typeof value !== 'object' || value instanceof RawJson)
    .map(({ label, value }) => encoded(label, value instanceof RawJson ? value.note : textOf(value)))
  return [
    ...fromValues,
    encoded('negative', '-1'),
    encoded('a fraction', '1.5'),
    encoded('a 30-digit number', '123456789012345678901234567890'),
    encoded('letters', 'abc'),
    encoded('empty', ''),
    encoded('200 characters', '1'.repeat(200)),
    encoded('5000 characters', 'a'.repeat(5000)),
    encoded('unicode (é)', 'é'),
    encoded('unicode (emoji)', '😀'),
    encoded('unicode (CJK)', '日本語'),
    { label: 'a bad percent-escape (%zz)', wire: '%zz' },
    { label: 'a truncated percent-escape (%)', wire: '1%' },
    { label: 'percent-encoded surrogate (%ED%A0%80)', wire: '%ED%A0%80' },
    { label: 'percent-encoded overlong NUL (%C0%80)', wire: '%C0%80' },
    { label: 'percent-encoded invalid byte (%FF)', wire: '%FF' },
    { label: 'percent-encoded NUL (%00)', wire: '%00' },
    { label: 'percent-encoded slash (%2F)', wire: '1%2F2' }
  ]
}

/** Decodes a parameter's wire text; undefined when it is not valid percent-encoded UTF-8. */
export function decodeWire (wire: string): string | undefined {
  try {
    return decodeURIComponent(wire)
  } catch {
    return undefined
  }
}

/** One piece of a request, and whether it makes the request invalid or unpredictable. */
export interface Piece<T> {
  value: T
  invalid?: string
  neutral?: string
}

export const pick = fc.nat({ max: 1_000_000 })

function parameterText (parameter: Parameter): fc.Arbitrary<Piece<Part>> {
  const schema = parameter.schema ?? {}
  const valid: fc.Arbitrary<Piece<Part>> = validValue(schema).map((value) => ({ value: encodeURIComponent(textOf(value)) }))
  // Ids the server has handed out: a valid integer that also names something.
  const seen: fc.Arbitrary<Piece<Part>> = pick.map((index) => ({ value: { ref: 'id', pick: index } satisfies Ref }))
  const mutated = fc.constantFrom(...parameterMutations(schema)).map(({ label, wire }): Piece<Part> => {
    const text = decodeWire(wire)
    return text !== undefined && textIsValid(schema, text) ? { value: wire } : { value: wire, invalid: `${parameter.in} ${parameter.name}: ${label}` }
  })
  const integer = parameter.in === 'path' && typesOf(schema).includes('integer')
  return fc.oneof({ weight: 4, arbitrary: valid }, { weight: integer ? 4 : 0, arbitrary: seen }, { weight: 2, arbitrary: mutated })
}

export function pathPieces (operation: Operation, mutate: boolean): fc.Arbitrary<Array<Piece<Part>>> {
  const pieces = operation.template.split(/(\{[^}]+\})/).filter((piece) => piece !== '').map((piece) => {
    const parameter = operation.parameters.find((candidate) => candidate.in === 'path' && `{${candidate.name}}` === piece)
    if (parameter === undefined) return fc.constant<Piece<Part>>({ value: piece })
    return mutate ? parameterText(parameter) : parameterText(parameter).filter((item) => item.invalid === undefined)
  })
  return fc.tuple(...pieces)
}

export function queryPieces (operation: Operation): fc.Arbitrary<Array<Piece<string>>> {
  const declared = operation.parameters.filter((parameter) => parameter.in === 'query').map((parameter) => {
    const text = parameterText(parameter).map((piece) => ({ ...piece, value: `${encodeURIComponent(parameter.name)}=${piece.value as string}` }))
    const repeated = fc.tuple(text, text).map(([first, second]) => ({ value: `${first.value}&${second.value}`, invalid: `query ${parameter.name} given twice` }))
    const present = fc.oneof({ weight: 6, arbitrary: text }, { weight: 1, arbitrary: repeated })
    return parameter.required === true
      ? fc.oneof({ weight: 9, arbitrary: present }, { weight: 1, arbitrary: fc.constant({ value: '', invalid: `query ${parameter.name} missing` }) })
      : fc.option(present, { freq: 2, nil: { value: '' } })
  })
  // OpenAPI does not say that a parameter it does not name is an error, so it is only odd.
  const unknown = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('fuzz=1', 'LIMIT=1', 'a[b]=1', '=x', '&&') })
    .map((value): Piece<string> => value === '' ? { value } : { value, neutral: `unknown query parameter ${value}` })
  return fc.tuple(...declared, unknown)
}

const printable = (text: string): boolean => /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(text)

/** Header parameters: valid values as header text, or missing, empty, too long, wrong, non-ASCII. */
export function headerPieces (operation: Operation): fc.Arbitrary<Array<Piece<Array<[string, Part]>>>> {
  return fc.tuple(...operation.parameters.filter((parameter) => parameter.in === 'header').map((parameter) => {
    const schema = parameter.schema ?? {}
    const valid = validValue(schema).map(textOf).filter(printable).map((text): Piece<Array<[string, Part]>> => ({ value: [[parameter.name, text]] }))
    const texts: Array<[string, Part]> = [
      // Line breaks would split the header: that is framing, which raw.ts breaks on purpose.
      ...invalidValues(schema).filter(({ value }) => (typeof value !== 'object' || value === null) && !/[\r\n]/.test(textOf(value)))
        .map(({ label, value }): [string, Part] => [label, textOf(value)]),
      ['empty', ''], ['200 characters', 'x'.repeat(200)], ['5000 characters', 'x'.repeat(5000)], ['raw non-ASCII bytes', Buffer.from('é')]
    ]
    const mutated = fc.constantFrom(...texts).map(([label, value]): Piece<Array<[string, Part]>> => {
      const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value)
      const verdict = !textIsValid(schema, text) ? { invalid: `header ${parameter.name}: ${label}` } : printable(text) ? {} : { neutral: `header ${parameter.name}: ${label}` }
      return { value: [[parameter.name, value]], ...verdict }
    })
    const missing: Piece<Array<[string, Part]>> = parameter.required === true ? { value: [], invalid: `header ${parameter.name} missing` } : { value: [] }
    return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 2, arbitrary: mutated }, { weight: 2, arbitrary: fc.constant(missing) })
  }))
}
