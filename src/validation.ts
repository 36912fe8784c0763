// Request validation: the spec's JSON Schemas compiled by Ajv with no type coercion (a JSON "12"
// is not a number) and no silent removal of unknown fields. Path and query parameters arrive as
// text, so an integer parameter is converted only when it is written as plain decimal digits
// ("1e3", "0x10" and " 12" stay text and fail, where Ajv's own coercion would accept them) and a
// boolean only from "true" or "false".
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyInstance, FastifySchema, FastifySchemaCompiler } from 'fastify'

export function createAjv (): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: false,
    verbose: true,
    strictTypes: false
  })
  addFormats.default(ajv)
  ajv.addFormat('int32', { type: 'number', validate: (value: number) => Number.isInteger(value) && Math.abs(value) < 2 ** 31 })
  return ajv
}

/**
 * For routes that take no body: one sent anyway (curl -d, an HTML form, a client that always
 * sends JSON) is read within the body limit and dropped, whatever its media type, instead of
 * being refused with a 415.
 */
export function ignoreRequestBody (scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => { done(null, undefined) })
}

type Schema = { type?: unknown, minimum?: number, maximum?: number, properties?: Record<string, { type?: unknown }> }

function propertiesOfType (schema: Schema, type: string): string[] {
  return Object.entries(schema.properties ?? {})
    .filter(([, property]) => property.type === type)
    .map(([name]) => name)
}

const booleans: Record<string, boolean> = { true: true, false: false }

export function createValidatorCompiler (): FastifySchemaCompiler<FastifySchema> {
  const ajv = createAjv()
  return ({ schema, httpPart }) => {
    const validate = ajv.compile(schema as object)
    if (httpPart !== 'params' && httpPart !== 'querystring') return validate
    const integers = propertiesOfType(schema as Schema, 'integer')
    const flags = propertiesOfType(schema as Schema, 'boolean')
    const validateText = (data: Record<string, unknown>): boolean | { value: unknown } => {
      const converted = { ...data }
      for (const name of integers) {
        const text = converted[name]
        if (typeof text === 'string' && /^\d+$/.test(text)) converted[name] = Number(text)
      }
      for (const name of flags) {
        const text = converted[name]
        if (typeof text === 'string' && text in booleans) converted[name] = booleans[text]
      }
      if (!validate(converted)) {
        validateText.errors = validate.errors
        return false
      }
      return { value: converted }
    }
    validateText.errors = null as ValidateFunction['errors']
    return validateText
  }
}

export interface FieldError {
  field: string
  problem: string
}

const typeNames: Record<string, string> = {
  number: 'a number',
  integer: 'a whole number',
  string: 'a string',
  boolean: 'a boolean',
  null: 'null',
  object: 'a JSON object',
  array: 'an array'
}

// Problems for patterns, keyed by the pattern as the spec writes it.
const patternProblems: Record<string, string> = {
  '^[^\\u0000]*$': 'must not contain NUL (\\u0000) characters'
}

// A field is named by its path in the body, dots between the steps: `value2`, or `2.value2` for
// the element at index 2 of an array body; `body` is the body as a whole.
function fieldOf (error: ErrorObject): string {
  const path = error.instancePath.split('/').slice(1).map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
  if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty))
  if (error.keyword === 'required') path.push(String(error.params.missingProperty))
  return path.length === 0 ? 'body' : path.join('.')
}

function either (items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`
}

/** The problem of an object with no field populated, naming the fields it may have. */
export function noFieldProblem (fields: string[]): string {
  return `must have at least one field that is not null (${either(fields)})`
}

/**
 * The elements of an array body (bulk create) that are objects with no field populated, every
 * one absent or null: the schema lets `{"value1": null}` through, the contract does not.
 */
export function emptyElements (body: unknown, fields: string[]): FieldError[] {
  if (!Array.isArray(body)) return []
  const problem = noFieldProblem(fields)
  return body.flatMap((element: unknown, index) =>
    element !== null && typeof element === 'object' && !Array.isArray(element) && fields.every((field) => ((element as Record<string, unknown>)[field] ?? null) === null)
      ? [{ field: String(index), problem }]
      : [])
}

function problemOf (error: ErrorObject): string {
  const schema = error.parentSchema as Schema | undefined
  if (['type', 'format', 'minimum', 'maximum'].includes(error.keyword) && schema?.type === 'integer' &&
      schema.minimum !== undefined && schema.maximum !== undefined) {
    return `must be a whole number from ${schema.minimum} to ${schema.maximum}`
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = Object.keys(schema?.properties ?? {})
      return known.length === 0 ? 'is not a known field' : `is not a known field (expected ${either(known)})`
    }
    case 'type': {
      const types = ([] as string[]).concat(error.params.type as string | string[])
      return `must be ${either(types.map((type) => typeNames[type] ?? type))}`
    }
    case 'maxLength': return `must be at most ${String(error.params.limit)} characters`
    case 'minLength': return `must be at least ${String(error.params.limit)} characters`
    case 'pattern': return patternProblems[String(error.params.pattern)] ?? `must match ${String(error.params.pattern)}`
    case 'required': return 'is required'
    // At the top of a body minProperties means "no field populated", which has its own message
    // (plugins/errors.ts); here it is an element of an array body.
    case 'minProperties': return noFieldProblem(Object.keys(schema?.properties ?? {}))
    case 'minItems': return `must hold at least ${String(error.params.limit)} ${error.params.limit === 1 ? 'element' : 'elements'}`
    case 'maxItems': return `must hold at most ${String(error.params.limit)} elements`
    case 'minimum':
    case 'maximum': return `must be ${String(error.params.comparison)} ${String(error.params.limit)}`
    default: return error.message ?? 'is invalid'
  }
}

/** Every offending field, once per distinct problem, in the order Ajv found them, then `more`. */
export function fieldErrors (errors: ErrorObject[], more: FieldError[] = []): FieldError[] {
  const seen = new Set<string>()
  const result: FieldError[] = []
  for (const item of [...errors.map((error) => ({ field: fieldOf(error), problem: problemOf(error) })), ...more]) {
    const key = `${item.field}\u0000${item.problem}`
    if (!seen.has(key)) {
      seen.add(key)
      result.push(item)
    }
  }
  return result
}
