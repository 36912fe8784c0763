// Derives generated/ from openapi.yaml: TypeScript types (openapi-typescript) and TypeBox
// schemas that carry the spec's JSON Schema verbatim (refs inlined), typed by those types. The
// types go to the SDK package too (sdk/src/openapi.ts), which is published without the server.
// `--check` compares instead of writing and exits 1 when a generated file has drifted.
import { readFile, writeFile, mkdir } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import openapiTS, { astToString } from 'openapi-typescript'
import { parse } from 'yaml'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const specPath = join(root, 'openapi.yaml')
const banner = '// Generated from openapi.yaml by `npm run generate`. Do not edit by hand.\n'
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

function isObject (value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function lookup (spec: JsonObject, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`)
  let node: Json = spec
  for (const token of ref.slice(2).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~')
    if (!isObject(node) || !(key in node)) throw new Error(`unresolved $ref: ${ref}`)
    node = node[key] as Json
  }
  return node
}

function deref (spec: JsonObject, node: Json): Json {
  if (Array.isArray(node)) return node.map((item) => deref(spec, item))
  if (!isObject(node)) return node
  if (typeof node.$ref === 'string') return deref(spec, lookup(spec, node.$ref))
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, deref(spec, value)]))
}

// The JSON schema of a request body or response object (itself possibly a $ref), unresolved so
// that a reference to a component can be emitted as that component's identifier.
function jsonSchemaOf (spec: JsonObject, node: Json | undefined): Json | undefined {
  const resolved = isObject(node) && typeof node.$ref === 'string' ? lookup(spec, node.$ref) : node
  if (!isObject(resolved) || !isObject(resolved.content)) return undefined
  const media = resolved.content['application/json']
  return isObject(media) ? media.schema : undefined
}

function componentName (node: Json | undefined): string | undefined {
  if (isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#/components/schemas/')) {
    return node.$ref.slice('#/components/schemas/'.length)
  }
  return undefined
}

function literal (value: Json, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`)
}

function unsafe (type: string, schema: Json, indent: string): string {
  return `Type.Unsafe<${type}>(${literal(schema, indent)})`
}

function schemaFor (spec: JsonObject, node: Json | undefined, type: string, indent: string): string {
  return componentName(node) ?? unsafe(type, deref(spec, node ?? {}), indent)
}

function operationSchemas (spec: JsonObject, operation: JsonObject): string {
  const id = operation.operationId as string
  const parts: string[] = []
  const parameters = (Array.isArray(operation.parameters) ? operation.parameters : [])
    .map((parameter) => deref(spec, parameter) as JsonObject)
  // Fastify validates path and query parameters as objects: one schema per location, unknown
  // names rejected, required names as the spec says.
  for (const [location, part] of [['path', 'params'], ['query', 'querystring']] as const) {
    const inLocation = parameters.filter((parameter) => parameter.in === location)
    if (inLocation.length === 0) continue
    const schema: JsonObject = {
      type: 'object',
      additionalProperties: false,
      required: inLocation.filter((parameter) => parameter.required === true).map((parameter) => parameter.name as string),
      properties: Object.fromEntries(inLocation.map((parameter) => [parameter.name as string, parameter.schema as Json]))
    }
    const type = location === 'path'
      ? `operations['${id}']['parameters']['path']`
      : `NonNullable<operations['${id}']['parameters']['query']>`
    parts.push(`  ${part}: ${unsafe(type, schema, '  ')}`)
  }
  const body = jsonSchemaOf(spec, operation.requestBody)
  if (body !== undefined) {
    const type = `NonNullable<operations['${id}']['requestBody']>['content']['application/json']`
    parts.push(`  body: ${schemaFor(spec, body, type, '  ')}`)
  }
  const responses: string[] = []
  for (const [status, response] of Object.entries(operation.responses as JsonObject)) {
    const schema = jsonSchemaOf(spec, response)
    if (schema === undefined) {
      // A status that never has a body (RFC 9110 §15.3.5, §15.4.5) is still one the route may
      // send: declared, so that the handler's reply.code() accepts it.
      if (status === '204' || status === '304') responses.push(`    ${status}: Type.Null()`)
      continue
    }
    const type = `operations['${id}']['responses'][${status}]['content']['application/json']`
    responses.push(`    ${status}: ${schemaFor(spec, schema, type, '    ')}`)
  }
  parts.push(`  response: {\n${responses.join(',\n')}\n  }`)
  return `export const ${id} = {\n${parts.join(',\n')}\n} as const\n`
}

async function render (): Promise<Map<string, string>> {
  const source = await readFile(specPath, 'utf8')
  const spec = parse(source) as JsonObject
  const types = banner + astToString(await openapiTS(source))

  const components = (spec.components as JsonObject).schemas as JsonObject
  const lines = [
    banner,
    "import { Type } from 'typebox'",
    "import type { components, operations } from './openapi.js'",
    ''
  ]
  for (const name of Object.keys(components)) {
    lines.push(`export const ${name} = ${unsafe(`components['schemas']['${name}']`, deref(spec, components[name] as Json), '')}\n`)
  }
  for (const pathItem of Object.values(spec.paths as JsonObject)) {
    for (const method of methods) {
      const operation = (pathItem as JsonObject)[method]
      if (isObject(operation)) lines.push(operationSchemas(spec, operation))
    }
  }
  // Paths relative to the repository root.
  return new Map([
    ['generated/openapi.ts', types],
    ['generated/schemas.ts', lines.join('\n')],
    ['sdk/src/openapi.ts', types]
  ])
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } })
  const files = await render()
  if (values.check) {
    const stale: string[] = []
    for (const [name, content] of files) {
      const current = await readFile(join(root, name), 'utf8').catch(() => undefined)
      if (current !== content) stale.push(name)
    }
    if (stale.length > 0) {
      console.error(`${stale.join(', ')} out of date with openapi.yaml: run \`npm run generate\` and commit the result.`)
      process.exitCode = 1
      return
    }
    console.log(`${[...files.keys()].join(', ')} match openapi.yaml`)
    return
  }
  for (const [name, content] of files) {
    await mkdir(dirname(join(root, name)), { recursive: true })
    await writeFile(join(root, name), content)
  }
  console.log(`wrote ${[...files.keys()].join(', ')}`)
}

await main()
