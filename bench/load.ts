// The operations under load and the load generator (autocannon, in the harness's process): a fixed
// number of connections for a fixed time, each response's latency recorded at microsecond
// resolution (autocannon's own histogram keeps whole milliseconds).
import { createHistogram } from 'node:perf_hooks'
import autocannon from 'autocannon'
import type { Sql } from 'postgres'
import { resetRecords } from './db.js'

export const opNames = ['read', 'list', 'create', 'modify', 'remove', 'generate_key'] as const
export type OpName = typeof opNames[number]

export interface OpSettings {
  /** Records present for list (all of them), read and modify. */
  records: number
  /** The api-key header of the seeded key. */
  key: string
  /** Seconds of load one prepared state must last (warm-up + measurement). */
  seconds: number
}

export interface Op {
  name: OpName
  /** The status every request must get; anything else is counted as an error. */
  status: number
  /** Puts the database in the state the load expects. */
  prepare: (sql: Sql) => Promise<void>
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  headers?: Record<string, string>
  body?: string
  /** The next request's path: ids and usernames move on with every request where they must. */
  nextPath: () => string
}

// Removes need one distinct existing id each. A remove costs at least a round trip and a commit,
// so no server here gets near this rate; a remove past the seeded ids would be a 404 (an error).
const maxRemovesPerSecond = 10_000

const recordBody = JSON.stringify({ timestamp: 1700000000.5, value1: 'created by the benchmark', value2: 1.25, value3: true })
const patchBody = JSON.stringify({ value1: 'modified by the benchmark', value2: 2.5 })

/**
 * One server's operations. `serverTag` keeps generated usernames unique across the run (each
 * server has its own database, but warm-up, rounds and measurement share one).
 */
export function createOps (settings: OpSettings, serverTag: string): Map<OpName, Op> {
  const { records, key } = settings
  const json = { 'content-type': 'application/json', 'api-key': key }
  const base = async (sql: Sql): Promise<void> => { await resetRecords(sql, records) }
  let readCounter = 0
  let modifyCounter = 0
  let removeCounter = 0
  let userCounter = 0
  const removable = Math.max(records, Math.ceil(settings.seconds * maxRemovesPerSecond))

  const ops: Op[] = [
    { name: 'read', status: 200, prepare: base, method: 'GET', nextPath: () => `/api/read/${(readCounter++ % records) + 1}` },
    { name: 'list', status: 200, prepare: base, method: 'GET', nextPath: () => '/api/list' },
    { name: 'create', status: 201, prepare: base, method: 'POST', headers: json, body: recordBody, nextPath: () => '/api/create' },
    {
      name: 'modify',
      status: 200,
      prepare: base,
      method: 'PATCH',
      headers: json,
      body: patchBody,
      nextPath: () => `/api/modify/${(modifyCounter++ % records) + 1}`
    },
    {
      name: 'remove',
      status: 200,
      prepare: async (sql) => {
        await resetRecords(sql, removable)
        removeCounter = 0
      },
      method: 'DELETE',
      headers: { 'api-key': key },
      nextPath: () => `/api/remove/${++removeCounter}`
    },
    {
      name: 'generate_key',
      status: 201,
      prepare: async () => {},
      method: 'POST',
      nextPath: () => `/api/generate_key/load_${serverTag}_${++userCounter}`
    }
  ]
  return new Map(ops.map((op) => [op.name, op]))
}

export interface LoadResult {
  /** Responses received (any status). */
  requests: number
  seconds: number
  requestsPerSecond: number
  /** Latency percentiles of every response, in milliseconds. */
  p50: number
  p99: number
  /** Connection errors, timeouts and responses with another status than expected. */
  errors: number
  statusCodes: Record<string, number>
}

export async function runLoad (url: string, op: Op, options: { seconds: number, connections: number }): Promise<LoadResult> {
  const latencies = createHistogram()
  const statusCodes: Record<string, number> = {}
  let unexpected = 0
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({
      url,
      connections: options.connections,
      duration: options.seconds,
      timeout: 10,
      requests: [{
        method: op.method,
        ...(op.headers === undefined ? {} : { headers: op.headers }),
        ...(op.body === undefined ? {} : { body: op.body }),
        setupRequest: (request) => ({ ...request, path: op.nextPath() })
      }]
    }, (error: unknown, result) => { if (error === null || error === undefined) resolve(result); else reject(error) })
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.record(Math.max(1, Math.round(responseTime * 1000)))
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1
      if (statusCode !== op.status) unexpected += 1
    })
  })
  const requests = result.requests.total
  return {
    requests,
    seconds: result.duration,
    requestsPerSecond: requests / result.duration,
    p50: latencies.count === 0 ? 0 : latencies.percentile(50) / 1000,
    p99: latencies.count === 0 ? 0 : latencies.percentile(99) / 1000,
    errors: result.errors + unexpected,
    statusCodes
  }
}
