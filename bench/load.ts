// The operations under load, described as data so that either load generator (bench/wrk.ts,
// bench/autocannon.ts) sends the same requests: which path each request takes, which key it
// carries and which status it must get.
import type { Sql } from 'postgres'
import { resetRecords } from './db.js'

export const opNames = ['read', 'list', 'create', 'bulk_create', 'modify', 'remove', 'generate_key'] as const
export type OpName = typeof opNames[number]

export interface OpSettings {
  /** Records present for list (all of them), read and modify. */
  records: number
  /** The seeded keys (one user each) the writes cycle over, one per request. */
  keys: string[]
  /** Seconds of load one prepared state must last (warm-up + measurement). */
  seconds: number
}

/** Where the request numbered n (from 0) goes. */
export type PathPlan =
  | { kind: 'fixed', path: string }
  /** `${prefix}${n % count + 1}`: ids cycling over the seeded records. */
  | { kind: 'cycle', prefix: string, count: number }
  /** `${prefix}${n + 1}`: a value no earlier request used (a record to remove, a new username). */
  | { kind: 'sequence', prefix: string }

export interface Op {
  name: OpName
  /** The status every request must get; anything else is counted as an error. */
  status: number
  /** Puts the database in the state the load expects. */
  prepare: (sql: Sql) => Promise<void>
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: PathPlan
  /** JSON body of every request (sent with content-type: application/json). */
  body?: string
  /** api-key of the request numbered n: keys[n % keys.length]; none when empty. */
  keys: string[]
  /** The number of the next request: a load run starts here and moves it past what it sent. */
  next: number
}

export interface LoadRequest {
  method: Op['method']
  path: string
  headers: Record<string, string>
  body?: string
}

export function requestAt (op: Op, n: number): LoadRequest {
  const { path } = op
  const headers: Record<string, string> = {}
  if (op.body !== undefined) headers['content-type'] = 'application/json'
  if (op.keys.length > 0) headers['api-key'] = op.keys[n % op.keys.length]!
  return {
    method: op.method,
    path: path.kind === 'fixed' ? path.path : `${path.prefix}${path.kind === 'cycle' ? n % path.count + 1 : n + 1}`,
    headers,
    ...(op.body === undefined ? {} : { body: op.body })
  }
}

// Removes need one distinct existing id each. A remove costs at least a round trip and a commit,
// so no server here gets near this rate; a remove past the seeded ids would be a 404 (an error).
const maxRemovesPerSecond = 10_000

const recordBody = JSON.stringify({ timestamp: 1700000000.5, value1: 'created by the benchmark', value2: 1.25, value3: true })
const patchBody = JSON.stringify({ value1: 'modified by the benchmark', value2: 2.5 })

/** Records in each bulk create: the most one request may hold. */
export const bulkSize = 1000
const bulkBody = JSON.stringify(Array.from({ length: bulkSize }, (_, index) =>
  ({ timestamp: 1700000000.5 + index, value1: `created in bulk by the benchmark, ${index}`, value2: index * 1.25, value3: index % 2 === 0 })))

/**
 * One server's operations. `serverTag` keeps generated usernames unique across the run (each
 * server has its own database, but warm-up, rounds and measurement share one).
 */
export function createOps (settings: OpSettings, serverTag: string): Map<OpName, Op> {
  const { records, keys } = settings
  const base = async (sql: Sql): Promise<void> => { await resetRecords(sql, records) }
  const removable = Math.max(records, Math.ceil(settings.seconds * maxRemovesPerSecond))
  const remove: Op = {
    name: 'remove',
    status: 200,
    prepare: async (sql) => {
      await resetRecords(sql, removable)
      remove.next = 0
    },
    method: 'DELETE',
    path: { kind: 'sequence', prefix: '/api/remove/' },
    keys,
    next: 0
  }
  const ops: Op[] = [
    { name: 'read', status: 200, prepare: base, method: 'GET', path: { kind: 'cycle', prefix: '/api/read/', count: records }, keys: [], next: 0 },
    { name: 'list', status: 200, prepare: base, method: 'GET', path: { kind: 'fixed', path: '/api/list' }, keys: [], next: 0 },
    { name: 'create', status: 201, prepare: base, method: 'POST', path: { kind: 'fixed', path: '/api/create' }, body: recordBody, keys, next: 0 },
    {
      name: 'bulk_create',
      status: 201,
      prepare: base,
      method: 'POST',
      path: { kind: 'fixed', path: '/api/bulk_create' },
      body: bulkBody,
      keys,
      next: 0
    },
    {
      name: 'modify',
      status: 200,
      prepare: base,
      method: 'PATCH',
      path: { kind: 'cycle', prefix: '/api/modify/', count: records },
      body: patchBody,
      keys,
      next: 0
    },
    remove,
    // Never reset: usernames stay new across warm-ups and rounds.
    { name: 'generate_key', status: 201, prepare: async () => {}, method: 'POST', path: { kind: 'sequence', prefix: `/api/generate_key/load_${serverTag}_` }, keys: [], next: 0 }
  ]
  return new Map(ops.map((op) => [op.name, op]))
}

export interface LoadOptions {
  seconds: number
  connections: number
}

export interface LoadResult {
  /** Responses received (any status). */
  requests: number
  seconds: number
  requestsPerSecond: number
  /** Latency percentiles of every response, in milliseconds. */
  p50: number
  p90: number
  p99: number
  /** Connection errors, timeouts and responses with another status than expected. */
  errors: number
  /** `errors` by kind: connect, read, write, timeout (as the generator tells them apart), status. */
  errorsByKind: Record<string, number>
  /** Responses with another status than the operation's, by status. */
  unexpectedStatuses: Record<string, number>
  /** CPU time the load generator used, in microseconds per response. */
  generatorCpuPerRequest: number
}

export interface LoadGenerator {
  name: 'wrk' | 'autocannon'
  /** What ran, for the report: program, version, threads, pinning. */
  description: string
  run: (url: string, op: Op, options: LoadOptions) => Promise<LoadResult>
}
