import type { FuzzReport } from './run.js'

const indent = (text: string, by = '      '): string => text.split('\n').map((line) => `${by}${line}`).join('\n')

/** Answers by case label and status, as a table. */
export function formatCounts (report: FuzzReport): string {
  const labels = [...report.counts.keys()].sort()
  const width = Math.max(...labels.map((label) => label.length), 10)
  return labels.map((label) => {
    const counts = [...report.counts.get(label)!.entries()].sort(([a], [b]) => a.localeCompare(b))
    const total = counts.reduce((sum, [, count]) => sum + count, 0)
    return `  ${label.padEnd(width)} ${String(total).padStart(6)}  ${counts.map(([status, count]) => `${status}×${count}`).join(' ')}`
  }).join('\n')
}

/** Every violation kind with its count and one example. */
export function formatViolations (report: FuzzReport): string {
  const kinds = [...report.violations.entries()].sort(([a], [b]) => a.localeCompare(b))
  return kinds.map(([kind, { count, where, example }]) => [
    `  ✗ ${kind} — ${count}×`,
    `      on: ${[...where.entries()].sort(([, a], [, b]) => b - a).map(([place, times]) => `${place} (${times})`).join(', ')}`,
    `      case: ${example.label}${example.notes.length === 0 ? '' : ` (${example.notes.join('; ')})`}`,
    ...(example.detail === '' ? [] : [`      detail: ${example.detail.slice(0, 500)}`]),
    '      request:',
    indent(example.request, '        '),
    '      response:',
    indent(example.response, '        ')
  ].join('\n')).join('\n\n')
}

export function formatReport (report: FuzzReport): string {
  const total = [...report.counts.values()].reduce((sum, counts) => sum + [...counts.values()].reduce((a, b) => a + b, 0), 0)
  const violations = [...report.violations.values()].reduce((sum, { count }) => sum + count, 0)
  const lines = [
    `fuzz: ${report.runs} cases (${total} answers) in ${(report.milliseconds / 1000).toFixed(1)} s, seed ${report.seed}`,
    '',
    'answers by case and status:',
    formatCounts(report),
    ''
  ]
  if (report.violations.size === 0) lines.push('no violations')
  else {
    lines.push(`${violations} violations of ${report.violations.size} kinds (one example each):`, '', formatViolations(report), '')
    lines.push(`reproduce: FUZZ_SEED=${report.seed} npx vitest run test/fuzz.test.ts, or npm run fuzz -- --seed ${report.seed} --runs ${report.runs}`)
  }
  return lines.join('\n')
}
