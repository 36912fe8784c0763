// phoenix-records-client: openapi-fetch over the types generated from Phoenix's openapi.yaml, so
// every request and every success and error body is typed by the spec itself.
//
//   const phoenix = createPhoenixClient({ baseUrl: 'http://127.0.0.1:3000' })
//   const { data: key } = await phoenix.generateKey('sumit')
//   const mine = phoenix.withApiKey(key!.api_key)
//   const { data, error } = await mine.createRecord({ value1: 'Hello', value3: true })
//   // No lost updates: read, change, write back only if nobody wrote in between (else retry).
//   await mine.updateRecord(data!.record_info.id, (record) => ({ value2: (record.value2 ?? 0) + 1 }))
//   for await (const record of phoenix.records({ lastmodifiedby: 'sumit' })) console.log(record.id)
import createClient, { type Client } from 'openapi-fetch'
import { followChanges, type ChangesOptions } from './changes.js'
import type { components, operations, paths } from './openapi.js'
import { followPages } from './pages.js'

export type { ChangesOptions } from './changes.js'
export type { components, operations, paths } from './openapi.js'
export { PhoenixError } from './pages.js'
type Schemas = components['schemas']
export type Record = Schemas['Record']
export type RecordInput = Schemas['RecordInput']
export type RecordInputList = Schemas['RecordInputList']
export type RecordPatch = Schemas['RecordPatch']
export type KeyIssued = Schemas['KeyIssued']
export type KeyRotated = Schemas['KeyRotated']
export type KeyRevoked = Schemas['KeyRevoked']
export type Failure = Schemas['Failure']
export type FieldError = Schemas['FieldError']
export type HistoryEntry = Schemas['HistoryEntry']

/** Conditions of a modify or remove: `ifMatch` is an ETag as read (or `*`). */
export interface WriteConditions {
  ifMatch?: string
}

/** What updateRecord does when the record keeps changing under it. */
export interface UpdateOptions {
  /** Read-modify-write rounds before giving up with the last 412 (default 5). */
  attempts?: number
}

/** How a create is retried; every create is sent with an Idempotency-Key, so a retry never duplicates it. */
export interface CreateOptions {
  /** The key (default: a new random UUID per call, the same for each of its retries). */
  idempotencyKey?: string
  /**
   * Retries after a network failure (no answer: the create may or may not have happened) or a
   * 409 (the same create still in flight, after its Retry-After). Default 2.
   */
  retries?: number
}

type ListParameters = NonNullable<operations['listRecords']['parameters']['query']>
type HistoryParameters = NonNullable<operations['getHistory']['parameters']['query']>

/** Which records to list (GET /api/list), in the spec's names but camelCase. */
export interface ListQuery {
  /** At most this many records (1 to 1000) in the page, with a `Link` to the next one; without it, all records. */
  limit?: ListParameters['limit']
  /** Only records whose id is greater than this one (the last id of the previous page). */
  afterId?: ListParameters['after_id']
  /** Only records last created or modified by this username (ignoring case). */
  lastmodifiedby?: ListParameters['lastmodifiedby']
  /** Only records whose `value3` is this boolean. */
  value3?: ListParameters['value3']
}

/** A page of a record's history (GET /api/history/{record_id}). */
export interface HistoryQuery {
  /** At most this many entries (1 to 1000, default 1000), with a `Link` to the next page. */
  limit?: HistoryParameters['limit']
  /** Only entries whose version is greater than this one. */
  afterVersion?: HistoryParameters['after_version']
}

/** The record's version as an ETag, from a response of read, create or modify. */
export function etagOf (response: Response): string | undefined {
  return response.headers.get('etag') ?? undefined
}

/**
 * The Phoenix-Consistency-Token of a write's response (or a 412's): sent by a server that reads
 * from a replica; pass it to readRecord to read that write. Undefined without a replica.
 */
export function consistencyTokenOf (response: Response): string | undefined {
  return response.headers.get('phoenix-consistency-token') ?? undefined
}

/** Conditions of a read: an ETag you hold (a 304 while it is current), a write's consistency token. */
export interface ReadConditions {
  ifNoneMatch?: string
  consistencyToken?: string
}

export interface PhoenixClientOptions {
  /** Where Phoenix runs, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string
  /** Sent as the `api-key` header: needed by rotateKey, revokeKey, createRecord, bulkCreateRecords, modifyRecord and removeRecord. */
  apiKey?: string
  /** A fetch implementation (default: the global fetch). */
  fetch?: (request: Request) => Promise<Response>
}

/**
 * Each method resolves to `{ data, error, response }`: `data` on 2xx, `error` (a Failure)
 * otherwise. The iterators (records, history, changes) yield items and throw on a failure.
 */
export function createPhoenixClient (options: PhoenixClientOptions) {
  const client: Client<paths> = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    headers: options.apiKey === undefined ? {} : { 'api-key': options.apiKey }
  })
  const fetcher = options.fetch ?? globalThis.fetch
  const ifMatch = (conditions: WriteConditions) => conditions.ifMatch === undefined ? {} : { 'If-Match': conditions.ifMatch }
  const readRecord = async (recordId: number, conditions: ReadConditions = {}) =>
    await client.GET('/api/read/{record_id}', {
      params: {
        path: { record_id: recordId },
        header: {
          ...(conditions.ifNoneMatch === undefined ? {} : { 'If-None-Match': conditions.ifNoneMatch }),
          ...(conditions.consistencyToken === undefined ? {} : { 'Phoenix-Consistency-Token': conditions.consistencyToken })
        }
      }
    })
  const listRecords = async (query: ListQuery = {}) =>
    await client.GET('/api/list', {
      params: { query: { limit: query.limit, after_id: query.afterId, lastmodifiedby: query.lastmodifiedby, value3: query.value3 } }
    })
  const getHistory = async (recordId: number, page: HistoryQuery = {}) =>
    await client.GET('/api/history/{record_id}', {
      params: { path: { record_id: recordId }, query: { limit: page.limit, after_version: page.afterVersion } }
    })
  const modifyRecord = async (recordId: number, fields: RecordPatch, conditions: WriteConditions = {}) =>
    await client.PATCH('/api/modify/{record_id}', { params: { path: { record_id: recordId }, header: ifMatch(conditions) }, body: fields })
  return {
    /** The underlying openapi-fetch client, for anything the methods below do not cover. */
    client,
    /** The same client, sending `apiKey` in the `api-key` header. */
    withApiKey: (apiKey: string) => createPhoenixClient({ ...options, apiKey }),
    generateKey: async (username: string) =>
      await client.POST('/api/generate_key/{username}', { params: { path: { username } } }),
    /** Replaces this client's key; the old one stops working. Use `withApiKey(data.api_key)` from then on. */
    rotateKey: async () => await client.POST('/api/rotate_key'),
    /** Revokes this client's key for good; its username stays taken. */
    revokeKey: async () => await client.POST('/api/revoke_key'),
    /**
     * Records in ascending id order: all of them (one streamed array), or with `limit` one page of
     * them and, while more may follow, a `Link: <…>; rel="next"` header (`afterId` continues it).
     */
    listRecords,
    /**
     * Every record matching `query`, page after page (following each `Link` rel="next"), in
     * ascending id order; `limit` is the page size here (default 1000, the largest). Throws a
     * PhoenixError when a page fails.
     */
    records: (query: ListQuery = {}): AsyncGenerator<Record> =>
      followPages(async () => await listRecords({ ...query, limit: query.limit ?? 1000 }), (page) => page, fetcher, options.baseUrl),
    /**
     * Safe to retry: sent with an Idempotency-Key, and re-sent with the same key after a network
     * failure or a 409, so the server creates the record once and answers every retry with the
     * first answer (`Idempotent-Replayed: true`).
     */
    createRecord: async (fields: RecordInput, options: CreateOptions = {}) => {
      const key = options.idempotencyKey ?? crypto.randomUUID()
      const retries = options.retries ?? 2
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await client.POST('/api/create', { body: fields, params: { header: { 'Idempotency-Key': key } } })
          if (result.response.status !== 409 || attempt >= retries) return result
          await new Promise((resolve) => setTimeout(resolve, 1000 * Number(result.response.headers.get('retry-after') ?? 1)))
        } catch (error) {
          if (attempt >= retries) throw error
        }
      }
    },
    /**
     * With `ifNoneMatch` (an ETag you hold): a 304 and no data when that copy is still current.
     * With `consistencyToken` (consistencyTokenOf a write's response): a copy that has that write.
     */
    readRecord,
    /** With `ifMatch`: only if the record is still at that version, else a 412 with the current ETag. */
    modifyRecord,
    /** With `ifMatch`: only if the record is still at that version, else a 412 with the current ETag. */
    removeRecord: async (recordId: number, conditions: WriteConditions = {}) =>
      await client.DELETE('/api/remove/{record_id}', { params: { path: { record_id: recordId }, header: ifMatch(conditions) } }),
    /**
     * A read-modify-write that loses no concurrent update: reads the record, asks `change` for
     * the fields to set, and writes them with `If-Match`; when someone else wrote in between (412)
     * it starts over, up to `attempts` times. Resolves to the last modify's result (or the read's
     * failure, e.g. a 404). Starting over, it reads with the 412's consistency token: a server
     * that reads from a replica would otherwise answer the stale version again.
     */
    updateRecord: async (recordId: number, change: (record: Record) => RecordPatch, options: UpdateOptions = {}) => {
      const attempts = options.attempts ?? 5
      let consistencyToken: string | undefined
      for (let attempt = 1; ; attempt++) {
        const read = await readRecord(recordId, consistencyToken === undefined ? {} : { consistencyToken })
        if (read.data === undefined) return { data: undefined, error: read.error, response: read.response }
        const written = await modifyRecord(recordId, change(read.data.record_info), { ifMatch: etagOf(read.response) ?? '*' })
        if (written.response.status !== 412 || attempt >= attempts) return written
        consistencyToken = consistencyTokenOf(written.response)
      }
    },
    /**
     * Every change (its history entry) as it happens, from the live change feed: after
     * `options.after` or from the next change; after a dropped connection it reconnects with the
     * last id it saw, so nothing is missed or repeated. Ends when `options.signal` aborts.
     */
    changes: (follow: ChangesOptions = {}): AsyncGenerator<HistoryEntry> => followChanges(options.baseUrl, fetcher, follow),
    /** One page of the record's changes, oldest first; `limit` and `afterVersion` page them (see `Link`). */
    getHistory,
    /**
     * Every change of the record, oldest first, page after page (following each `Link`);
     * `limit` is the page size. Throws a PhoenixError when a page fails (e.g. a 404).
     */
    history: (recordId: number, page: HistoryQuery = {}): AsyncGenerator<HistoryEntry> =>
      followPages(async () => await getHistory(recordId, page), (body) => body.history, fetcher, options.baseUrl),
    /**
     * Creates 1 to 1000 records at once, all or none; `data.records_info` lists them in the order
     * given. A failure's `errors` name the element's index and field (`2.value2`).
     */
    bulkCreateRecords: async (records: RecordInputList) => await client.POST('/api/bulk_create', { body: records }),
    /** Liveness: 200 `{ status: 'ok' }` while the process is up. */
    getHealth: async () => await client.GET('/healthz'),
    /** Readiness: 200 while the database answers, 503 otherwise (within 2 s either way). */
    getReadiness: async () => await client.GET('/readyz'),
    /** The Prometheus metrics, as text. */
    getMetrics: async () => await client.GET('/metrics', { parseAs: 'text' })
  }
}

export type PhoenixClient = ReturnType<typeof createPhoenixClient>
