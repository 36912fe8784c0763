// Turns measured rounds into the one table the harness prints (and the same data as JSON).
import { bulkSize as bulkRecords, type LoadResult, type OpName } from './load.js'

export type ServerName = 'phoenix' | 'baseline'

export interface Measurement extends LoadResult {
  /** Server CPU time (user + system, all threads) per response, in microseconds. */
  cpuPerRequest: number
  /** The PostgreSQL cluster's CPU time (every process) per response, in µs; NaN when not on this machine. */
  databaseCpuPerRequest: number
  /** Database sessions left busy after the warm-up or the load (counted in `errors`). */
  stuckSessions: number
  /** When the measured load ran, on the monotonic clock (µs), to cut CPU profiles to it. */
  window: { start: number, end: number }
}

/** One server's rounds of one operation: the median of each number, the sum of the errors. */
export interface Summary {
  requestsPerSecond: number
  p50: number
  p90: number
  p99: number
  cpuPerRequest: number
  databaseCpuPerRequest: number
  generatorCpuPerRequest: number
  /** Over all rounds. */
  requests: number
  errors: number
  errorsByKind: Record<string, number>
  unexpectedStatuses: Record<string, number>
  stuckSessions: number
}

export interface OpReport {
  op: OpName
  phoenix: Summary
  baseline: Summary
  /** Phoenix ÷ baseline, the median of the rounds' ratios (each round runs both servers back to back). */
  ratio: { requestsPerSecond: number, p99: number, cpuPerRequest: number }
  rounds: Array<Record<ServerName, Measurement>>
}

export interface LargeListRun {
  milliseconds: number
  bytes: number
  rows: number
  status: number
  rssBefore: number
  rssPeak: number
  /** Peak RSS during the request minus RSS before it, in bytes. */
  rssGrowth: number
}

export interface LargeListReport {
  rows: number
  runs: Record<ServerName, LargeListRun[]>
  /** Median time and the largest RSS growth over the runs. */
  phoenix: { milliseconds: number, rssGrowth: number }
  baseline: { milliseconds: number, rssGrowth: number }
  ratio: { milliseconds: number }
}

/** The median element by `key` (the lower middle one for an even count). */
export function median<T> (items: T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b))
  const item = sorted[Math.floor((sorted.length - 1) / 2)]
  if (item === undefined) throw new Error('median of nothing')
  return item
}

/** The median of the finite values (the mean of the middle two for an even count); NaN when there are none. */
export function medianOf (values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const middle = (sorted.length - 1) / 2
  return (sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2
}

function add (total: Record<string, number>, counts: Record<string, number>): Record<string, number> {
  for (const [name, count] of Object.entries(counts)) if (count !== 0) total[name] = (total[name] ?? 0) + count
  return total
}

function summarize (measurements: Measurement[]): Summary {
  const medianBy = (key: (item: Measurement) => number): number => medianOf(measurements.map(key))
  return {
    requestsPerSecond: medianBy((item) => item.requestsPerSecond),
    p50: medianBy((item) => item.p50),
    p90: medianBy((item) => item.p90),
    p99: medianBy((item) => item.p99),
    cpuPerRequest: medianBy((item) => item.cpuPerRequest),
    databaseCpuPerRequest: medianBy((item) => item.databaseCpuPerRequest),
    generatorCpuPerRequest: medianBy((item) => item.generatorCpuPerRequest),
    requests: measurements.reduce((sum, item) => sum + item.requests, 0),
    errors: measurements.reduce((sum, item) => sum + item.errors, 0),
    errorsByKind: measurements.reduce((total, item) => add(total, { ...item.errorsByKind, stuckSessions: item.stuckSessions }), {}),
    unexpectedStatuses: measurements.reduce((total, item) => add(total, item.unexpectedStatuses), {}),
    stuckSessions: measurements.reduce((sum, item) => sum + item.stuckSessions, 0)
  }
}

export function opReport (op: OpName, rounds: Array<Record<ServerName, Measurement>>): OpReport {
  const ratio = (key: (item: Measurement) => number): number => medianOf(rounds.map((round) => key(round.phoenix) / key(round.baseline)))
  return {
    op,
    phoenix: summarize(rounds.map((round) => round.phoenix)),
    baseline: summarize(rounds.map((round) => round.baseline)),
    ratio: {
      requestsPerSecond: ratio((item) => item.requestsPerSecond),
      p99: ratio((item) => item.p99),
      cpuPerRequest: ratio((item) => item.cpuPerRequest)
    },
    rounds
  }
}

export function largeListReport (rows: number, runs: Record<ServerName, LargeListRun[]>): LargeListReport {
  const summary = (items: LargeListRun[]): { milliseconds: number, rssGrowth: number } => ({
    milliseconds: median(items, (item) => item.milliseconds).milliseconds,
    rssGrowth: Math.max(...items.map((item) => item.rssGrowth))
  })
  const phoenix = summary(runs.phoenix)
  const baseline = summary(runs.baseline)
  return { rows, runs, phoenix, baseline, ratio: { milliseconds: phoenix.milliseconds / baseline.milliseconds } }
}

const fixed = (value: number, digits: number): string => Number.isFinite(value) ? value.toFixed(digits) : '-'
const megabytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`

function table (header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, column) => column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)).join(' | ')} |`
  const rule = `|${widths.map((width, column) => column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

export function formatTable (ops: OpReport[], large: LargeListReport | undefined): string {
  const header = ['op', 'phoenix req/s', 'p50 ms', 'p99 ms', 'cpu µs/req', 'errors', 'baseline req/s', 'p50 ms', 'p99 ms', 'cpu µs/req', 'errors',
    'req/s P÷B', 'p99 P÷B', 'cpu P÷B']
  const columns = (summary: Summary): string[] => [
    fixed(summary.requestsPerSecond, 0), fixed(summary.p50, 2), fixed(summary.p99, 2), fixed(summary.cpuPerRequest, 0), String(summary.errors)
  ]
  const rows = ops.map(({ op, phoenix, baseline, ratio }) => [
    op, ...columns(phoenix), ...columns(baseline), fixed(ratio.requestsPerSecond, 2), fixed(ratio.p99, 2), fixed(ratio.cpuPerRequest, 2)
  ])
  const lines = [table(header, rows)]
  if (ops.length > 0) {
    lines.push('', 'cpu µs/req: the server process\'s user + system time (/proc/<pid>/stat, all threads) ÷ responses in the measured window. ' +
      'P÷B: Phoenix ÷ baseline, the median of the rounds\' ratios; req/s above 1 means Phoenix is faster, p99 and cpu above 1 mean Phoenix is slower or costlier.')
    const perOp = (value: (report: OpReport) => string): string => ops.map((report) => `${report.op} ${value(report)}`).join(', ')
    if (ops.some((report) => Number.isFinite(report.phoenix.databaseCpuPerRequest))) {
      lines.push('', `PostgreSQL CPU per request (the whole cluster), phoenix vs baseline (µs): ${perOp(({ phoenix, baseline }) =>
        `${fixed(phoenix.databaseCpuPerRequest, 0)} vs ${fixed(baseline.databaseCpuPerRequest, 0)}`)}`)
    }
    lines.push('', `load generator CPU per request, under phoenix vs baseline (µs): ${perOp(({ phoenix, baseline }) =>
      `${fixed(phoenix.generatorCpuPerRequest, 0)} vs ${fixed(baseline.generatorCpuPerRequest, 0)}`)}`)
  }
  if (large !== undefined) {
    lines.push('', `GET /api/list over ${large.rows} rows: phoenix ${fixed(large.phoenix.milliseconds, 0)} ms, RSS +${megabytes(large.phoenix.rssGrowth)}; ` +
      `baseline ${fixed(large.baseline.milliseconds, 0)} ms, RSS +${megabytes(large.baseline.rssGrowth)}; ratio time ${fixed(large.ratio.milliseconds, 2)}`)
  }
  for (const report of ops) {
    for (const name of ['phoenix', 'baseline'] as const) {
      const { errors, errorsByKind, unexpectedStatuses, stuckSessions } = report[name]
      if (errors === 0) continue
      const kinds = Object.entries(errorsByKind).map(([kind, count]) => `${kind} ${count}`).join(', ')
      const statuses = Object.entries(unexpectedStatuses).map(([status, count]) => `${status} ×${count}`).join(', ')
      const stuck = '; stuckSessions: database sessions still busy after the load stopped (a query or cursor left open when clients ' +
        'disconnected), terminated by the harness'
      lines.push('', `${name} ${report.op}: ${errors} error(s) over all rounds (${kinds})` +
        `${statuses === '' ? '' : `; statuses other than expected: ${statuses}`}${stuckSessions > 0 ? stuck : ''}`)
    }
  }
  return lines.join('\n')
}

export interface LimitSettings {
  /** Keys the writes cycle over, one per request. */
  keys: number
  /** Phoenix's defaults. */
  writesPerSecond: number
  keyIssuePerMinute: number
}

/** How close the writes came to Phoenix's limit per key, and what generate_key ran without. */
export function formatLimits (ops: OpReport[], limits: LimitSettings): string {
  const lines: string[] = []
  const writes = ops.filter((report) => ['create', 'bulk_create', 'modify', 'remove'].includes(report.op))
  if (writes.length > 0 && limits.writesPerSecond > 0) {
    const fastest = Math.max(...writes.flatMap((report) => report.rounds.map((round) => round.phoenix.requestsPerSecond)))
    const perKey = fastest / limits.keys
    lines.push(`Writes (${writes.map((report) => report.op).join(', ')}) cycle over ${limits.keys} key(s), one user each, one key per request; ` +
      `Phoenix's write limit is on at its default, WRITES_PER_SECOND=${limits.writesPerSecond} per key. Its fastest write round ran ` +
      `${fixed(fastest, 0)} req/s, about ${fixed(perKey, 1)} per key per second` +
      (fastest > limits.writesPerSecond ? ` (with a single key, all but ${limits.writesPerSecond} writes a second would have been 429s).` : '.') +
      (perKey > 0.8 * limits.writesPerSecond ? ' WARNING: near or over the limit; run with more --keys (429s count as errors).' : ''))
  }
  if (ops.some((report) => report.op === 'generate_key') && limits.keyIssuePerMinute > 0) {
    lines.push(`generate_key: Phoenix runs with KEY_ISSUE_PER_MINUTE=0 (its default, ${limits.keyIssuePerMinute} keys per client address per minute, ` +
      'would refuse all but the first few requests of a load from one address), so that limit\'s check is not part of what is measured.')
  }
  return lines.join('\n')
}

export interface TargetCheck {
  target: string
  value: string
  met: boolean
}

/** The issue's targets for read and create (part 2) and for the large list (part 3). */
export function checkTargets (ops: OpReport[], large: LargeListReport | undefined): TargetCheck[] {
  const checks: TargetCheck[] = []
  for (const report of ops.filter((item) => item.op === 'read' || item.op === 'create')) {
    checks.push(
      { target: `${report.op}: req/s >= 0.9x baseline`, value: `${fixed(report.ratio.requestsPerSecond, 2)}x`, met: report.ratio.requestsPerSecond >= 0.9 },
      { target: `${report.op}: p99 <= 2x baseline`, value: `${fixed(report.ratio.p99, 2)}x`, met: report.ratio.p99 <= 2 }
    )
  }
  const speedup = bulkSpeedup(ops)
  if (speedup !== undefined) {
    checks.push({ target: 'bulk_create: records/s >= 20x create\'s (Phoenix, same run)', value: `${fixed(speedup.phoenix, 1)}x`, met: speedup.phoenix >= 20 })
  }
  const errors = ops.reduce((sum, report) => sum + report.phoenix.errors, 0)
  if (ops.length > 0) checks.push({ target: 'phoenix: zero errors', value: String(errors), met: errors === 0 })
  if (large !== undefined) {
    checks.push(
      { target: `list ${large.rows}: RSS growth < 32 MB`, value: megabytes(large.phoenix.rssGrowth), met: large.phoenix.rssGrowth < 32 * 2 ** 20 },
      { target: `list ${large.rows}: time <= 1.2x baseline`, value: `${fixed(large.ratio.milliseconds, 2)}x`, met: large.ratio.milliseconds <= 1.2 }
    )
  }
  return checks
}

/**
 * Records created per second by bulk_create ÷ by create, each server's own (in each round the two
 * operations ran on the same server minutes apart), the median over the rounds; undefined unless
 * both operations were measured.
 */
export function bulkSpeedup (ops: OpReport[]): Record<ServerName, number> | undefined {
  const create = ops.find((report) => report.op === 'create')
  const bulk = ops.find((report) => report.op === 'bulk_create')
  if (create === undefined || bulk === undefined) return undefined
  const speedup = (name: ServerName): number => medianOf(bulk.rounds.map((round, index) =>
    (round[name].requestsPerSecond * bulkRecords) / (create.rounds[index]?.[name].requestsPerSecond ?? NaN)))
  return { phoenix: speedup('phoenix'), baseline: speedup('baseline') }
}

export function formatBulk (ops: OpReport[]): string {
  const speedup = bulkSpeedup(ops)
  const create = ops.find((report) => report.op === 'create')
  const bulk = ops.find((report) => report.op === 'bulk_create')
  if (speedup === undefined || create === undefined || bulk === undefined) return ''
  const records = (report: OpReport, name: ServerName, per: number): string => fixed(report[name].requestsPerSecond * per, 0)
  return 'Records created per second (bulk_create ÷ create, each server\'s own, median of the rounds\' ratios): ' +
    `phoenix create ${records(create, 'phoenix', 1)}, bulk_create (${bulkRecords} a request) ${records(bulk, 'phoenix', bulkRecords)}: ${fixed(speedup.phoenix, 1)}x; ` +
    `baseline create ${records(create, 'baseline', 1)}, bulk_create ${records(bulk, 'baseline', bulkRecords)}: ${fixed(speedup.baseline, 1)}x.`
}

export function formatTargets (checks: TargetCheck[]): string {
  return checks.map((check) => `${check.met ? 'met    ' : 'MISSED '} ${check.target}: ${check.value}`).join('\n')
}
