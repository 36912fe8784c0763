// check:deploy's second pass (scripts/check-deploy.ts): each object type-checked against the
// kubernetes-models TypeScript interface of its kind, as `const object: I<Kind> = <literal>` in one
// in-memory program. The compiler's excess-property check is what finds a property the API does
// not define, at any depth: the OpenAPI definitions, and so the package's JSON Schema validators,
// accept properties they do not know.
import { join, resolve } from 'node:path'
import ts from 'typescript'

export type Path = Array<string | number>
export interface TypeProblem {
  /** The object's index in the list given, or undefined for a problem of the program itself. */
  index: number | undefined
  path: Path
  message: string
}

interface Span { start: number, end: number, path: Path }

/**
 * `value` as a TypeScript literal appended to `out`, with the span of every property and item.
 * The values at `settled` paths (already reported) are written as `(null as never)`, which fits
 * any type: each round of the check reports new problems only.
 */
function emit (value: unknown, path: Path, out: { text: string, spans: Span[] }, settled: Set<string>): void {
  if (settled.has(JSON.stringify(path))) {
    out.text += '(null as never)'
    return
  }
  const member = (key: string | number, item: unknown, prefix: string): void => {
    const start = out.text.length
    out.text += prefix
    emit(item, [...path, key], out, settled)
    out.spans.push({ start, end: out.text.length, path: [...path, key] })
  }
  if (Array.isArray(value)) {
    out.text += '['
    value.forEach((item, index) => {
      if (index > 0) out.text += ', '
      member(index, item, '')
    })
    out.text += ']'
  } else if (value !== null && typeof value === 'object') {
    out.text += '{'
    Object.entries(value).forEach(([key, item], index) => {
      if (index > 0) out.text += ', '
      member(key, item, `${JSON.stringify(key)}: `)
    })
    out.text += '}'
  } else {
    // YAML's empty value: the API takes null as absent, as TypeScript takes undefined.
    out.text += value === null ? 'undefined' : JSON.stringify(value)
  }
}

// The compiler reports one problem per object literal, and an unknown property only in an
// object with no other problem: what it reported is taken out (an unknown property) or made to fit
// (anything else) and the objects checked again, so that one run names every problem (up to this
// many rounds).
const excessProperty = new Set([2353, 2561])
const rounds = 20

function without (value: unknown, path: Path): unknown {
  const [step, ...rest] = path
  if (step === undefined || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((item, index) => index === step ? without(item, rest) : item)
  const entries = Object.entries(value).filter(([key]) => rest.length > 0 || key !== step)
  return Object.fromEntries(entries.map(([key, item]) => [key, key === step ? without(item, rest) : item]))
}

/**
 * Type-checks each object against `kubernetes-models/<apiVersion>/<kind>`'s `I<kind>`. `root` is a
 * directory whose node_modules holds kubernetes-models (the program's one file is virtual).
 */
export function checkTypes (objects: Array<{ value: unknown, apiVersion: string, kind: string }>, root: string): TypeProblem[] {
  const virtual = join(root, '__check-deploy__.ts')
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: []
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  const fileExists = host.fileExists.bind(host)
  let source: ts.SourceFile | undefined
  host.getSourceFile = (name, ...rest) => resolve(name) === virtual ? source : getSourceFile(name, ...rest)
  host.fileExists = (name) => resolve(name) === virtual || fileExists(name)

  const values = objects.map(({ value }) => value)
  const settled = objects.map(() => new Set<string>())
  const problems = new Map<string, TypeProblem>()
  let program: ts.Program | undefined
  for (let round = 0; round < rounds; round++) {
    const out = { text: '', spans: [] as Span[] }
    const owners: Array<{ start: number, end: number, index: number }> = []
    objects.forEach(({ apiVersion, kind }, index) => {
      out.text += `import type { I${kind} as T${index} } from 'kubernetes-models/${apiVersion}/${kind}'\n`
    })
    values.forEach((value, index) => {
      out.text += `export const object${index}: T${index} = `
      const start = out.text.length
      emit(value, [], out, settled[index]!)
      owners.push({ start, end: out.text.length, index })
      out.text += '\n'
    })
    source = ts.createSourceFile(virtual, out.text, ts.ScriptTarget.ES2022, true)
    program = ts.createProgram([virtual], options, host, program)
    let progress = false
    for (const diagnostic of ts.getPreEmitDiagnostics(program, source)) {
      const at = diagnostic.start ?? 0
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ')
      const owner = owners.find(({ start, end }) => at >= start && at < end)
      // A problem outside every object (an import the package lacks) is the program's.
      if (owner === undefined) {
        problems.set(message, { index: undefined, path: [], message })
        continue
      }
      const path = out.spans.filter(({ start, end }) => at >= start && at < end).sort((a, b) => (a.end - a.start) - (b.end - b.start))[0]?.path ?? []
      problems.set(JSON.stringify([owner.index, path, message]), { index: owner.index, path, message })
      if (path.length === 0) continue
      if (excessProperty.has(diagnostic.code)) values[owner.index] = without(values[owner.index], path)
      else settled[owner.index]!.add(JSON.stringify(path))
      progress = true
    }
    if (!progress) break
  }
  return [...problems.values()]
}
