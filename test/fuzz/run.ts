// Runs the fuzz against a listening server: issues itself a key, sends `runs` cases from a seeded
// generator over real sockets, a few at a time, checks every answer and tallies what it saw.
import fc from 'fast-check'
import { operations, type Operation } from '../spec.js'
import { checkExchange, parseJson, type Violation } from './checks.js'
import { exchange, type Exchange } from './http.js'
import { KeyPool, mayRetireKey } from './keys.js'
import { rawCase } from './raw.js'
import { operationRequest, structuredRequest } from './requests.js'
import { host, methodsOf, probe, resolveParts, toCase, type FuzzCase, type Resolver, type Structured } from './wire.js'

/**
 * The settings, as environment variables for `loadConfig`, of a server the fuzz runs against: no
 * rate limits (0), since the fuzz issues itself keys and writes as fast as it can — a 429 it
 * caused itself would say nothing about the server, and a key it was refused would stall it.
 */
export const fuzzEnvironment = { KEY_ISSUE_PER_MINUTE: '0', WRITES_PER_SECOND: '0' }

export interface FuzzOptions {
  port: number
  runs: number
  seed: number
  /** The server's body limit, to build bodies just under and over it. */
  bodyLimit: number
  concurrency?: number
  timeoutMs?: number
  onProgress?: (done: number) => void
}

export interface Example {
  label: string
  notes: string[]
  request: string
  response: string
  detail: string
  /** The request's length in bytes. */
  size: number
}

export interface FuzzReport {
  seed: number
  runs: number
  milliseconds: number
  /** Answers by case label, then by status (or how the exchange ended). */
  counts: Map<string, Map<string, number>>
  /** By kind: how often, where (operation or case, with counts), and the first example. */
  violations: Map<string, { count: number, where: Map<string, number>, example: Example }>
}

/** Every kind of case: structured requests of the spec, and raw bytes built from valid ones. */
export function fuzzCase (bodyLimit: number): fc.Arbitrary<FuzzCase> {
  const validTo = (chosen: Operation[]): fc.Arbitrary<Structured> =>
    fc.constantFrom(...chosen).chain((operation) => operationRequest(operation, bodyLimit)).filter((request) => request.expect === 'valid')
  const raw = rawCase(validTo(operations), validTo(operations.filter((operation) => operation.requestBody !== undefined)))
  return fc.oneof({ weight: 5, arbitrary: structuredRequest(bodyLimit).map(toCase) }, { weight: 1, arbitrary: raw })
}

/** Bytes as readable text: printable ASCII kept, the rest escaped, long runs cut. */
export function printable (bytes: Buffer, max = 400): string {
  const text = bytes.subarray(0, max).toString('latin1').replace(/[^\x20-\x7e]/g, (character) =>
    character === '\r' ? '\\r' : character === '\n' ? '\\n\n' : `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return bytes.length > max ? `${text}… (${bytes.length} bytes)` : text
}

function describeExchange (result: Exchange): string {
  const parts = result.responses.map((response) => {
    const headers = Object.entries(response.headers).map(([name, value]) => `${name}: ${String(value).slice(0, 120)}`).join('\n')
    return `HTTP/${response.version} ${response.status}\n${headers}\n\n${printable(response.body, 300)}`
  })
  if (result.outcome !== 'answered') parts.push(`(${result.outcome}${result.error === undefined ? '' : `: ${result.error}`})`)
  if (result.closedAfterResponse) parts.push(`(then the server closed the connection${result.error === undefined ? '' : `: ${result.error}`})`)
  return parts.join('\n---\n')
}

// Ids and keys the server hands out, for later cases to use.
function harvest (value: unknown, ids: Set<string>, keys: string[], depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 2) return
  for (const [name, item] of Object.entries(value)) {
    if (name === 'id' && Number.isInteger(item)) ids.add(String(item))
    if (name === 'api_key' && typeof item === 'string') keys.push(item)
    harvest(item, ids, keys, depth + 1)
  }
}

export async function runFuzz (options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now()
  const keys = new KeyPool(options)
  await keys.issue()
  const ids = new Set<string>()
  let idList: string[] = []
  const resolver: Resolver = {
    key: (pick) => keys.pick(pick),
    id: (pick) => idList.length === 0 ? '1' : idList[pick % idList.length]!
  }
  const cases = fc.sample(fuzzCase(options.bodyLimit), { seed: options.seed, numRuns: options.runs })
  const report: FuzzReport = { seed: options.seed, runs: options.runs, milliseconds: 0, counts: new Map(), violations: new Map() }
  let next = 0
  let done = 0

  async function send (fuzzCase: FuzzCase): Promise<void> {
    const bytes = resolveParts(fuzzCase.wire, resolver)
    const key = fuzzCase.key === undefined ? undefined : resolver.key(fuzzCase.key.pick)
    const targets = fuzzCase.requests.map((request) => resolveParts(request.target, resolver).toString('latin1'))
    if (key !== undefined && mayRetireKey(fuzzCase.operation)) await keys.retire(key)
    const result = await exchange({ port: options.port, host, bytes, methods: methodsOf(fuzzCase), halfClose: fuzzCase.halfClose === true, timeoutMs: options.timeoutMs ?? 15_000, probe })
    const newKeys: string[] = []
    for (const response of result.responses) {
      if (response.status >= 200 && response.status < 300) harvest(parseJson(response.body), ids, newKeys)
    }
    keys.add(newKeys)
    if (ids.size !== idList.length) idList = [...ids]
    const outcomes = result.responses.length === 0 ? [result.outcome] : result.responses.map((response) => String(response.status))
    const counts = report.counts.get(fuzzCase.label) ?? new Map<string, number>()
    for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
    report.counts.set(fuzzCase.label, counts)
    const violations: Violation[] = checkExchange(fuzzCase, targets, result, key !== undefined && keys.wasRetired(key))
    for (const violation of violations) {
      const example = (): Example => ({ label: fuzzCase.label, notes: fuzzCase.notes, request: printable(bytes), response: describeExchange(result), detail: violation.detail, size: bytes.length })
      const entry = report.violations.get(violation.kind) ?? { count: 0, where: new Map<string, number>(), example: example() }
      // The shortest request shows a kind best.
      if (bytes.length < entry.example.size) entry.example = example()
      entry.count += 1
      entry.where.set(violation.where, (entry.where.get(violation.where) ?? 0) + 1)
      report.violations.set(violation.kind, entry)
    }
  }

  async function worker (): Promise<void> {
    while (next < cases.length) {
      const fuzzCase = cases[next++]!
      await send(fuzzCase)
      done += 1
      options.onProgress?.(done)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker))
  report.milliseconds = performance.now() - started
  return report
}
