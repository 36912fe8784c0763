// The load generator of earlier runs, kept behind --generator autocannon: autocannon in the
// harness's own process. On a small machine it takes CPU time from the servers it measures,
// which flattens their differences (bench/README.md); bench/wrk.ts is the default.
import { createRequire } from 'node:module'
import { createHistogram } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { requestAt, type LoadGenerator, type LoadOptions, type LoadResult, type Op } from './load.js'

const { version } = createRequire(import.meta.url)('autocannon/package.json') as { version: string }

async function run (url: string, op: Op, options: LoadOptions): Promise<LoadResult> {
  // autocannon's own histogram keeps whole milliseconds; each response is recorded in µs here.
  const latencies = createHistogram()
  const unexpectedStatuses: Record<string, number> = {}
  let unexpected = 0
  const first = requestAt(op, op.next)
  const cpuBefore = process.cpuUsage()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url,
      connections: options.connections,
      duration: options.seconds,
      timeout: 10,
      requests: [{
        method: first.method,
        headers: first.headers,
        ...(first.body === undefined ? {} : { body: first.body }),
        setupRequest: (request) => {
          const { path, headers } = requestAt(op, op.next++)
          return { ...request, path, headers }
        }
      }]
    }, (error: unknown, result) => { if (error === null || error === undefined) resolve(result); else reject(error) })
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.record(Math.max(1, Math.round(responseTime * 1000)))
      if (statusCode !== op.status) {
        unexpected += 1
        unexpectedStatuses[statusCode] = (unexpectedStatuses[statusCode] ?? 0) + 1
      }
    })
  })
  const cpu = process.cpuUsage(cpuBefore)
  const requests = result.requests.total
  const percentile = (p: number): number => latencies.count === 0 ? 0 : latencies.percentile(p) / 1000
  return {
    requests,
    seconds: result.duration,
    requestsPerSecond: requests / result.duration,
    p50: percentile(50),
    p90: percentile(90),
    p99: percentile(99),
    // autocannon counts a timeout among its errors too.
    errors: result.errors + unexpected,
    errorsByKind: { connection: result.errors - result.timeouts, timeout: result.timeouts, status: unexpected },
    unexpectedStatuses,
    generatorCpuPerRequest: requests === 0 ? NaN : (cpu.user + cpu.system) / requests
  }
}

export function autocannonGenerator (): LoadGenerator {
  return { name: 'autocannon', description: `autocannon ${version} in the harness's process`, run }
}
