// Checks a response against openapi.yaml, independently of the server's own schemas: the spec is
// read here and compiled with Ajv's JSON Schema 2020-12 dialect (what OpenAPI 3.1 uses).
import { readFileSync } from 'node:fs'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { specPath } from '../src/paths.js'

type Node = any

export const spec: Node = parse(readFileSync(specPath, 'utf8'))

const ajv = new Ajv2020({ allErrors: true, strict: false })
addFormats.default(ajv)

/** The node with every local $ref replaced by its target. */
export function resolve (node: Node): Node {
  if (Array.isArray(node)) return node.map(resolve)
  if (node === null || typeof node !== 'object') return node
  if (typeof node.$ref === 'string') {
    const target = node.$ref.slice(2).split('/').reduce((parent: Node, key: string) => parent[key.replaceAll('~1', '/')], spec)
    return resolve(target)
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolve(value)]))
}

const validators = new Map<object, ValidateFunction>()
export function validatorFor (schema: Node): ValidateFunction {
  let validate = validators.get(schema)
  if (validate === undefined) {
    validate = ajv.compile(schema)
    validators.set(schema, validate)
  }
  return validate
}

export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Node
}

export interface Operation {
  method: string
  template: string
  pattern: RegExp
  operationId: string | undefined
  tags: string[]
  /** Path-item and operation parameters, the operation's winning on a clash (OpenAPI 3.1 §4.8.9). */
  parameters: Parameter[]
  requestBody: Node | undefined
  /** The security requirements in force: the operation's own, else the document's. */
  security: Array<Record<string, string[]>>
  responses: Record<string, Node>
  /** The operation's own body limit in bytes (`x-body-limit`), where it has one above the server's. */
  bodyLimit: number | undefined
}

export const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

export const operations: Operation[] = Object.entries(resolve(spec.paths) as Record<string, Node>).flatMap(([template, item]) =>
  Object.entries(item as Record<string, Node>)
    .filter(([method]) => httpMethods.includes(method))
    .map(([method, operation]) => {
      const parameters = new Map<string, Parameter>()
      for (const parameter of [...(item.parameters ?? []), ...(operation.parameters ?? [])] as Parameter[]) {
        parameters.set(`${parameter.in} ${parameter.name}`, parameter)
      }
      return {
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
        operationId: operation.operationId,
        tags: operation.tags ?? [],
        parameters: [...parameters.values()],
        requestBody: operation.requestBody,
        security: operation.security ?? spec.security ?? [],
        responses: operation.responses,
        bodyLimit: operation['x-body-limit']
      }
    }))

/** The response object documented for a status: the exact code, else its range (`4XX`), else `default`. */
export function documentedResponse (operation: Operation, status: number): Node | undefined {
  return operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default
}

/**
 * The operation that answers `method` on `path`. The spec declares HEAD exactly where it is
 * served; a HEAD response has no body to check (RFC 9110 §9.3.2).
 */
export function findOperation (method: string, path: string): { operation: Operation, head: boolean } | undefined {
  const operation = operations.find((candidate) => candidate.method === method && candidate.pattern.test(path))
  return operation === undefined ? undefined : { operation, head: method === 'HEAD' }
}

export const failureSchema = resolve(spec.components.schemas.Failure)

export class SpecViolation extends Error {
  constructor (message: string, readonly kind: 'status' | 'header' | 'content-type' | 'body') {
    super(message)
  }
}

function validate (schema: Node, value: unknown, what: string, kind: SpecViolation['kind']): void {
  const check = validatorFor(schema)
  if (!check(value)) throw new SpecViolation(`${what} does not match openapi.yaml: ${ajv.errorsText(check.errors)}\n${JSON.stringify(value)}`, kind)
}

export interface CheckedResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

/** Throws a SpecViolation unless the response is one that openapi.yaml documents. */
export function checkResponse (method: string, url: string, response: CheckedResponse): void {
  const path = url.split('?')[0] ?? url
  const what = `${method} ${url} → ${response.status}`
  const found = findOperation(method, path)
  if (found === undefined) {
    // Routes outside the spec (unknown routes, a missing id or username): the failure envelope.
    // A HEAD or a CORS preflight (204) has no body.
    if (path.startsWith('/api') && method !== 'HEAD' && response.status !== 204) validate(failureSchema, response.body, what, 'body')
    return
  }
  const { operation, head } = found
  const documented = documentedResponse(operation, response.status)
  if (documented === undefined) throw new SpecViolation(`${what}: status not documented for ${operation.method} ${operation.template}`, 'status')
  for (const [name, header] of Object.entries(documented.headers ?? {}) as Array<[string, Node]>) {
    const value = response.headers[name.toLowerCase()]
    if (value === undefined) {
      if (header.required === true) throw new SpecViolation(`${what}: required header ${name} is missing`, 'header')
      continue
    }
    const typed = header.schema?.type === 'integer' ? Number(value) : value
    validate(header.schema ?? {}, typed, `${what} header ${name}`, 'header')
  }
  const media = documented.content?.['application/json']
  if (media !== undefined) {
    if (!String(response.headers['content-type']).startsWith('application/json')) {
      throw new SpecViolation(`${what}: content-type ${String(response.headers['content-type'])} is not application/json`, 'content-type')
    }
    if (!head) validate(media.schema, response.body, what, 'body')
  }
}
