// `npm run check:deploy`: every manifest under deploy/ checked offline against the Kubernetes API
// for its apiVersion and kind, as the kubernetes-models package ships it (generated from the
// Kubernetes 1.36 OpenAPI definitions). Two passes over each object, because the package's
// compiled validators, like the OpenAPI definitions, accept properties they do not know:
// - its JSON Schema validator: types, required fields, enums, formats (quantities, int-or-string);
// - its TypeScript interface for the kind, by the compiler's excess-property check on the object
//   written as a literal: any property the API does not define, at any depth, is an error
//   (scripts/check-deploy-types.ts).
// An apiVersion and kind the package has no model for is an error too, not a skip. A kustomization
// (kustomize's own file, not an API object) is checked against the fields this repository uses,
// and must list every manifest beside it except the `*.example.yaml` ones.
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Ajv } from 'ajv'
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml'
import { checkTypes, type Path } from './check-deploy-types.js'

interface Problem { file: string, line: number, message: string }
interface Manifest { file: string, document: Document.Parsed, lines: LineCounter, value: Record<string, unknown> }

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const kustomizationKind = 'kustomize.config.k8s.io/v1beta1 Kustomization'

async function yamlFiles (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(entries.map(async (entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return await yamlFiles(path)
    return /\.ya?ml$/.test(entry.name) ? [path] : []
  }))
  return nested.flat().sort()
}

/** Where `path` (keys and indexes from the document's root) starts in the file: its key, or its item. */
function lineOf (manifest: Pick<Manifest, 'document' | 'lines'>, path: Path): number {
  let node: unknown = manifest.document.contents
  let offset = (node as { range?: [number] } | null)?.range?.[0] ?? 0
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(step))
      if (pair === undefined) break
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset
      node = pair.value
    } else if (isSeq(node)) {
      const item = node.items[Number(step)] as { range?: [number] } | undefined
      if (item === undefined) break
      offset = item.range?.[0] ?? offset
      node = item
    } else {
      break
    }
  }
  return manifest.lines.linePos(offset).line
}

function pointerPath (pointer: string): Path {
  if (pointer === '') return []
  return pointer.slice(1).split('/').map((step) => /^\d+$/.test(step) ? Number(step) : step.replaceAll('~1', '/').replaceAll('~0', '~'))
}

const describe = (path: Path): string => path.length === 0 ? '(the object)' : path.map((step) => typeof step === 'number' ? `[${step}]` : `.${step}`).join('').slice(1)

// ---- The JSON Schema pass ----

interface ModelClass { apiVersion: string, kind: string, new (data: unknown): { validate: () => void } }

async function modelOf (apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  // kubernetes-models/<group>/<version>/<Kind>, the core group being plain `v1`.
  if (!/^([a-z0-9.-]+\/)?v[a-z0-9]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined
  try {
    // A name built at run time (a template literal here would be resolved ahead by vitest's bundler).
    const specifier = `kubernetes-models/${apiVersion}/${kind}`
    const module = await import(specifier) as Record<string, unknown>
    const model = module[kind] as ModelClass | undefined
    return model?.apiVersion === apiVersion && model.kind === kind ? model : undefined
  } catch {
    return undefined
  }
}

async function validateSchema (manifest: Manifest, Model: ModelClass): Promise<Problem[]> {
  try {
    new Model(manifest.value).validate()
    return []
  } catch (error) {
    const errors = (error as { errors?: Array<{ instancePath: string, message?: string }> }).errors
    if (errors === undefined) throw error
    // One problem per value, with every rule it breaks (a quantity breaks three).
    const byPath = new Map<string, string[]>()
    for (const { instancePath, message = 'is invalid' } of errors) byPath.set(instancePath, [...byPath.get(instancePath) ?? [], message])
    return [...byPath].map(([pointer, messages]) => {
      const path = pointerPath(pointer)
      return { file: manifest.file, line: lineOf(manifest, path), message: `${describe(path)}: ${[...new Set(messages)].join('; ')}` }
    })
  }
}

// ---- Kustomizations ----

// The fields of kustomize's Kustomization this repository uses, and nothing else: a new field
// must be added here, which is the moment to check it against kustomize's documentation.
const validateKustomization = new Ajv({ allErrors: true, strict: true }).compile({
  type: 'object',
  required: ['apiVersion', 'kind', 'resources'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'kustomize.config.k8s.io/v1beta1' },
    kind: { const: 'Kustomization' },
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
    resources: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    images: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: { type: 'string' }, newName: { type: 'string' }, newTag: { type: 'string' }, digest: { type: 'string' } }
      }
    }
  }
})

/** Every container image named in an object (pod templates and pods). */
function imagesOf (value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(imagesOf)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, item]) =>
    (key === 'containers' || key === 'initContainers') && Array.isArray(item)
      ? item.map((container: { image?: unknown }) => String(container.image))
      : imagesOf(item))
}

function checkKustomization (kustomization: Manifest, manifests: Manifest[]): Problem[] {
  const { file, value } = kustomization
  if (!validateKustomization(value)) {
    return (validateKustomization.errors ?? []).map(({ instancePath, message = 'is invalid', params }) => {
      const unknown = 'additionalProperty' in params ? [String(params.additionalProperty)] : []
      const path = [...pointerPath(instancePath), ...unknown]
      return { file, line: lineOf(kustomization, path), message: unknown.length > 0 ? `${describe(path)}: is not a field this check knows` : `${describe(path)}: ${message}` }
    })
  }
  const problems: Problem[] = []
  const dir = dirname(join(root, file))
  const resources = value.resources as string[]
  resources.forEach((resource, index) => {
    if (!existsSync(join(dir, resource))) problems.push({ file, line: lineOf(kustomization, ['resources', index]), message: `resources: ${resource} does not exist` })
  })
  const listed = new Set(resources.map((resource) => resolve(dir, resource)))
  const beside = manifests.filter((manifest) => dirname(join(root, manifest.file)) === dir)
  for (const name of new Set(beside.map((manifest) => basename(manifest.file)))) {
    if (name !== basename(file) && !name.endsWith('.example.yaml') && !listed.has(join(dir, name))) {
      problems.push({ file, line: lineOf(kustomization, ['resources']), message: `resources: ${name} is not listed (name it *.example.yaml if it is not to be applied)` })
    }
  }
  const used = new Set(beside.filter((manifest) => listed.has(join(root, manifest.file))).flatMap((manifest) => imagesOf(manifest.value)))
  const images = (value.images ?? []) as Array<{ name: string }>
  images.forEach(({ name }, index) => {
    if (!used.has(name)) problems.push({ file, line: lineOf(kustomization, ['images', index]), message: `images: no container of the listed resources uses the image ${name}` })
  })
  return problems
}

// ---- All of it ----

/** Checks every YAML file under `dir`; returns the problems found and how many objects were checked. */
export async function checkDeploy (dir: string): Promise<{ problems: Problem[], objects: number }> {
  const problems: Problem[] = []
  const manifests: Manifest[] = []
  for (const path of await yamlFiles(dir)) {
    const file = relative(root, path)
    const lines = new LineCounter()
    for (const document of parseAllDocuments(await readFile(path, 'utf8'), { lineCounter: lines, prettyErrors: false })) {
      const errors = 'errors' in document ? document.errors : []
      for (const error of errors) problems.push({ file, line: lines.linePos(error.pos[0]).line, message: error.message })
      if (errors.length > 0 || !('contents' in document) || document.contents === null) continue
      const value = document.toJS() as unknown
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push({ file, line: lineOf({ document, lines }, []), message: 'a manifest must be an object (apiVersion, kind, …)' })
        continue
      }
      manifests.push({ file, document, lines, value: value as Record<string, unknown> })
    }
  }
  const typed: Array<{ manifest: Manifest, apiVersion: string, kind: string }> = []
  for (const manifest of manifests) {
    const { apiVersion, kind } = manifest.value
    if (`${String(apiVersion)} ${String(kind)}` === kustomizationKind) {
      problems.push(...checkKustomization(manifest, manifests))
      continue
    }
    const model = typeof apiVersion === 'string' && typeof kind === 'string' ? await modelOf(apiVersion, kind) : undefined
    if (model === undefined) {
      problems.push({ file: manifest.file, line: lineOf(manifest, ['kind']), message: `no schema for apiVersion ${JSON.stringify(apiVersion)}, kind ${JSON.stringify(kind)} in kubernetes-models` })
      continue
    }
    problems.push(...await validateSchema(manifest, model))
    typed.push({ manifest, apiVersion: model.apiVersion, kind: model.kind })
  }
  // The compiler also finds most of what the schema pass found (a string for a number, a value
  // outside an enum): where the schema pass already spoke, its message is the one kept.
  const seen = new Set(problems.map(({ file, line }) => `${file}:${line}`))
  const values = typed.map(({ manifest, apiVersion, kind }) => ({ value: manifest.value, apiVersion, kind }))
  for (const { index, path, message } of typed.length > 0 ? checkTypes(values, root) : []) {
    const manifest = index === undefined ? undefined : typed[index]?.manifest
    // A problem outside every object: the package lacks a model this script found.
    const problem = manifest === undefined
      ? { file: relative(root, fileURLToPath(import.meta.url)), line: 0, message }
      : { file: manifest.file, line: lineOf(manifest, path), message: `${describe(path)}: ${message}` }
    if (!seen.has(`${problem.file}:${problem.line}`)) problems.push(problem)
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
  return { problems, objects: manifests.length }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = join(root, 'deploy')
  const { problems, objects } = await checkDeploy(dir)
  for (const { file, line, message } of problems) console.error(`${file}:${line}: ${message}`)
  if (problems.length > 0) {
    console.error(`check:deploy: ${problems.length} problem(s) in ${relative(root, dir)}/`)
    process.exitCode = 1
  } else {
    console.log(`check:deploy: ${objects} objects in ${relative(root, dir)}/ valid (kubernetes-models: Kubernetes API schemas and types)`)
  }
}
