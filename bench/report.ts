// Turns measured rounds into the one table the harness prints (and the same data as JSON).
import type { LoadResult, OpName } from './load.js'

export type ServerName = 'phoenix' | 'baseline'

export interface Measurement extends LoadResult {
  /** Server CPU time (user + system, all threads) per response, in microseconds. */
  cpuPerRequest: number
  /** Database sessions left busy after the warm-up or the load (counted in `errors`). */
  stuckSessions: number
  /** When the measured load ran, on the monotonic clock (µs), to cut CPU profiles to it. */
  window: { start: number, end: number }
}

export interface OpReport {
  op: OpName
  /** The median round of each server (by req/s); every round is kept in `rounds`. */
  phoenix: Measurement
  baseline: Measurement
  ratio: { requestsPerSecond: number, p99: number }
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

export function opReport (op: OpName, rounds: Array<Record<ServerName, Measurement>>): OpReport {
  const phoenix = median(rounds.map((round) => round.phoenix), (item) => item.requestsPerSecond)
  const baseline = median(rounds.map((round) => round.baseline), (item) => item.requestsPerSecond)
  return {
    op,
    phoenix,
    baseline,
    ratio: {
      requestsPerSecond: phoenix.requestsPerSecond / baseline.requestsPerSecond,
      p99: phoenix.p99 / baseline.p99
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
  const header = ['op', 'phoenix req/s', 'p50 ms', 'p99 ms', 'errors', 'baseline req/s', 'p50 ms', 'p99 ms', 'errors', 'ratio req/s', 'ratio p99']
  const rows = ops.map(({ op, phoenix, baseline, ratio }) => [
    op,
    fixed(phoenix.requestsPerSecond, 0), fixed(phoenix.p50, 2), fixed(phoenix.p99, 2), String(phoenix.errors),
    fixed(baseline.requestsPerSecond, 0), fixed(baseline.p50, 2), fixed(baseline.p99, 2), String(baseline.errors),
    fixed(ratio.requestsPerSecond, 2), fixed(ratio.p99, 2)
  ])
  const lines = [table(header, rows)]
  if (large !== undefined) {
    lines.push('', `GET /api/list over ${large.rows} rows: phoenix ${fixed(large.phoenix.milliseconds, 0)} ms, RSS +${megabytes(large.phoenix.rssGrowth)}; ` +
      `baseline ${fixed(large.baseline.milliseconds, 0)} ms, RSS +${megabytes(large.baseline.rssGrowth)}; ratio time ${fixed(large.ratio.milliseconds, 2)}`)
  }
  for (const { op, rounds } of ops) {
    for (const name of ['phoenix', 'baseline'] as const) {
      const stuck = rounds.reduce((sum, round) => sum + round[name].stuckSessions, 0)
      if (stuck > 0) {
        lines.push('', `${name} ${op}: ${stuck} database session(s) still busy after the load stopped (a query or cursor left open ` +
          'when clients disconnected), counted as errors and terminated by the harness')
      }
    }
  }
  if (ops.length > 0) {
    lines.push('', `server CPU per request, phoenix vs baseline (µs): ${ops.map(({ op, phoenix, baseline }) =>
      `${op} ${fixed(phoenix.cpuPerRequest, 0)} vs ${fixed(baseline.cpuPerRequest, 0)} (${fixed(phoenix.cpuPerRequest / baseline.cpuPerRequest, 2)}x)`).join(', ')}`)
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

export function formatTargets (checks: TargetCheck[]): string {
  return checks.map((check) => `${check.met ? 'met    ' : 'MISSED '} ${check.target}: ${check.value}`).join('\n')
}
