// Summarizes a V8 .cpuprofile (node --cpu-prof) without a GUI: self time per function, and self
// and inclusive time per package (a node_modules package, node's internals, the app's own code).
//
// Run: npx tsx bench/profile.ts bench/results/phoenix-….cpuprofile [--top 30]
import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

interface CallFrame {
  functionName: string
  scriptId: string | number
  url: string
  lineNumber: number
  columnNumber: number
}

interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

const meta = new Set(['(idle)', '(program)', '(garbage collector)', '(root)'])

/** Where a frame's code lives: `fastify`, `@fastify/swagger`, `node:internal`, `app`, `(idle)`… */
export function packageOf (frame: CallFrame): string {
  if (meta.has(frame.functionName) && frame.url === '') return frame.functionName
  const { url } = frame
  const modules = url.lastIndexOf('/node_modules/')
  if (modules >= 0) {
    const [first = '', second = ''] = url.slice(modules + '/node_modules/'.length).split('/')
    return first.startsWith('@') ? `${first}/${second}` : first
  }
  if (url.startsWith('node:')) return 'node (internals)'
  // Code compiled at run time (new Function: Ajv validators, fast-json-stringify serializers)
  // has a script but no URL; native functions have neither.
  if (url === '') return String(frame.scriptId) === '0' ? '(native or builtin)' : '(generated at run time)'
  if (url.includes('/bench/')) return 'bench'
  if (url.includes('/src/') || url.includes('/generated/')) return 'app (src, generated)'
  return url
}

function describe (frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName
  if (frame.url === '') return name
  const modules = frame.url.lastIndexOf('/node_modules/')
  const file = modules >= 0 ? frame.url.slice(modules + '/node_modules/'.length) : frame.url.replace(/^file:\/\/.*?\/(src|dist|bench|generated)\//, '$1/')
  return `${name} ${file}:${frame.lineNumber + 1}`
}

export interface ProfileSummary {
  totalMs: number
  idleMs: number
  functions: Array<{ name: string, package: string, selfMs: number, inclusiveMs: number }>
  packages: Array<{ name: string, selfMs: number, inclusiveMs: number }>
  /** For the costliest native functions (no JS source), the JS functions that called them. */
  nativeCallers: Array<{ name: string, selfMs: number, callers: Array<{ name: string, ms: number }> }>
}

/**
 * A time window on the monotonic clock, in microseconds: V8 stamps profiles with the same
 * CLOCK_MONOTONIC as process.hrtime(), so the harness can say when an operation was under load.
 */
export interface ProfileWindow {
  start: number
  end: number
}

/** Time per function and per package; with `windows`, only samples taken inside them count. */
export function analyze (profile: CpuProfile, windows?: ProfileWindow[]): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parents = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
  const selfByNode = new Map<number, number>()
  let totalUs = 0
  let time = profile.startTime
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    time += delta
    if (windows !== undefined && !windows.some((window) => time >= window.start && time <= window.end)) return
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + delta)
    totalUs += delta
  })

  // Packages on each node's stack, computed once per node from its parent's.
  const stackPackages = new Map<number, Set<string>>()
  const packagesOnStack = (id: number): Set<string> => {
    const known = stackPackages.get(id)
    if (known !== undefined) return known
    const chain: number[] = []
    let current: number | undefined = id
    while (current !== undefined && !stackPackages.has(current)) {
      chain.push(current)
      current = parents.get(current)
    }
    let set = current === undefined ? new Set<string>() : stackPackages.get(current)!
    for (const item of chain.reverse()) {
      const name = packageOf(nodes.get(item)!.callFrame)
      if (!set.has(name)) set = new Set([...set, name])
      stackPackages.set(item, set)
    }
    return stackPackages.get(id)!
  }

  // Functions on each node's stack (each once, however deep the recursion).
  const stackFunctions = new Map<number, Set<string>>()
  const functionsOnStack = (id: number): Set<string> => {
    const known = stackFunctions.get(id)
    if (known !== undefined) return known
    const parent = parents.get(id)
    const set = new Set(parent === undefined ? [] : functionsOnStack(parent))
    set.add(describe(nodes.get(id)!.callFrame))
    stackFunctions.set(id, set)
    return set
  }
  const nearestScript = (id: number): string => {
    for (let current = parents.get(id); current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current)!.callFrame
      if (frame.url !== '') return describe(frame)
    }
    return '(none)'
  }

  const functions = new Map<string, { name: string, package: string, selfMs: number, inclusiveMs: number }>()
  const callers = new Map<string, Map<string, number>>()
  const packages = new Map<string, { name: string, selfMs: number, inclusiveMs: number }>()
  const packageEntry = (name: string): { name: string, selfMs: number, inclusiveMs: number } => {
    const entry = packages.get(name) ?? { name, selfMs: 0, inclusiveMs: 0 }
    packages.set(name, entry)
    return entry
  }
  for (const [id, us] of selfByNode) {
    const frame = nodes.get(id)!.callFrame
    const name = describe(frame)
    const pkg = packageOf(frame)
    const entry = functions.get(name) ?? { name, package: pkg, selfMs: 0, inclusiveMs: 0 }
    entry.selfMs += us / 1000
    functions.set(name, entry)
    packageEntry(pkg).selfMs += us / 1000
    for (const onStack of packagesOnStack(id)) packageEntry(onStack).inclusiveMs += us / 1000
    if (frame.url === '' && !meta.has(frame.functionName)) {
      const byCaller = callers.get(name) ?? new Map<string, number>()
      const caller = nearestScript(id)
      byCaller.set(caller, (byCaller.get(caller) ?? 0) + us / 1000)
      callers.set(name, byCaller)
    }
  }
  for (const [id, us] of selfByNode) {
    for (const name of functionsOnStack(id)) {
      const entry = functions.get(name) ?? { name, package: packageOf(nodes.get(id)!.callFrame), selfMs: 0, inclusiveMs: 0 }
      entry.inclusiveMs += us / 1000
      functions.set(name, entry)
    }
  }
  const sortedFunctions = [...functions.values()].sort((a, b) => b.selfMs - a.selfMs)
  return {
    totalMs: totalUs / 1000,
    idleMs: packages.get('(idle)')?.selfMs ?? 0,
    functions: sortedFunctions,
    packages: [...packages.values()].sort((a, b) => b.selfMs - a.selfMs),
    nativeCallers: sortedFunctions.filter((item) => callers.has(item.name)).slice(0, 4).map((item) => ({
      name: item.name,
      selfMs: item.selfMs,
      callers: [...callers.get(item.name)!].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms).slice(0, 4)
    }))
  }
}

export function formatSummary (summary: ProfileSummary, top: number): string {
  const busy = summary.totalMs - summary.idleMs
  const share = (ms: number): string => `${(100 * ms / busy).toFixed(1).padStart(5)}%`
  const lines = [
    `profiled ${(summary.totalMs / 1000).toFixed(1)} s, busy (not idle) ${(busy / 1000).toFixed(1)} s; shares are of busy time`,
    '',
    'package                               self  inclusive',
    ...summary.packages.filter((item) => item.name !== '(idle)').slice(0, top)
      .map((item) => `${item.name.padEnd(34)} ${share(item.selfMs)}  ${meta.has(item.name) || item.name === '(native or builtin)' ? '' : share(item.inclusiveMs)}`),
    '',
    `top ${top} functions by self time`,
    ...summary.functions.filter((item) => item.name !== '(idle)').slice(0, top)
      .map((item) => `${share(item.selfMs)}  ${item.name}`),
    '',
    'native functions by their nearest JS caller',
    ...summary.nativeCallers.flatMap((item) => [
      `${share(item.selfMs)}  ${item.name}`,
      ...item.callers.map((caller) => `        ${share(caller.ms)}  from ${caller.name}`)
    ]),
    '',
    `top ${top} functions by inclusive time (without the event loop's own frames)`,
    ...summary.functions
      .filter((item) => !item.name.startsWith('(') && !/^processTicksAndRejections |^listOnTimeout |^processTimers |^runMicrotasks$/.test(item.name))
      .sort((a, b) => b.inclusiveMs - a.inclusiveMs).slice(0, top)
      .map((item) => `${share(item.inclusiveMs)}  ${item.name}`)
  ]
  return lines.join('\n')
}

export async function readProfile (file: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(file, 'utf8')) as CpuProfile
}

export async function summarizeProfile (file: string, top: number, windows?: ProfileWindow[]): Promise<string> {
  return formatSummary(analyze(await readProfile(file), windows), top)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true })
  if (positionals.length === 0) {
    console.error('Usage: npx tsx bench/profile.ts <file.cpuprofile>… [--top 25]')
    process.exitCode = 2
  }
  for (const file of positionals) console.log(`${file}\n${await summarizeProfile(file, Number(values.top))}\n`)
}
