// The Phoenix TypeScript SDK: openapi-fetch over the types generated from openapi.yaml, so every
// request and every success and error body is typed by the spec itself.
//
//   const phoenix = createPhoenixClient({ baseUrl: 'http://127.0.0.1:3000' })
//   const { data: key } = await phoenix.generateKey('sumit')
//   const mine = phoenix.withApiKey(key!.api_key)
//   const { data, error } = await mine.createRecord({ value1: 'Hello', value3: true })
//   // No lost updates: read, change, write back only if nobody wrote in between (else retry).
//   await mine.updateRecord(data!.record_info.id, (record) => ({ value2: (record.value2 ?? 0) + 1 }))
//   const { data: many } = await mine.bulkCreateRecords([{ value1: 'a' }, { value2: 2 }])
import createClient, { type Client } from 'openapi-fetch'
import type { components, paths } from './openapi.js'

export type { components, operations, paths } from './openapi.js'
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

/** Where the change feed starts, and how it is stopped. */
export interface ChangesOptions {
  /** Start after this change_id (default: with the next change). */
  after?: number
  /** Stops following (the iterator then ends). */
  signal?: AbortSignal
  /** Wait before reconnecting after the stream broke (default 1000 ms). */
  reconnectMs?: number
  /** Called each time the stream is open: every change from then on will be yielded. */
  onOpen?: () => void
}

// One Server-Sent Events block (the lines before an empty line) as its fields.
function eventOf (block: string): { id?: string, data?: string } {
  const fields: { id?: string, data?: string } = {}
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon)
    const value = line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1)
    if (name === 'id') fields.id = value
    else if (name === 'data') fields.data = fields.data === undefined ? value : `${fields.data}\n${value}`
  }
  return fields
}

/** The record's version as an ETag, from a response of read, create or modify. */
export function etagOf (response: Response): string | undefined {
  return response.headers.get('etag') ?? undefined
}

export interface PhoenixClientOptions {
  /** Where Phoenix runs, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string
  /** Sent as the `api-key` header: needed by rotateKey, revokeKey, createRecord, bulkCreateRecords, modifyRecord and removeRecord. */
  apiKey?: string
  /** A fetch implementation (default: the global fetch). */
  fetch?: (request: Request) => Promise<Response>
}

/** Each method resolves to `{ data, error, response }`: `data` on 2xx, `error` (a Failure) otherwise. */
export function createPhoenixClient (options: PhoenixClientOptions) {
  const client: Client<paths> = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    headers: options.apiKey === undefined ? {} : { 'api-key': options.apiKey }
  })
  const ifMatch = (conditions: WriteConditions) => conditions.ifMatch === undefined ? {} : { 'If-Match': conditions.ifMatch }
  const readRecord = async (recordId: number, conditions: { ifNoneMatch?: string } = {}) =>
    await client.GET('/api/read/{record_id}', {
      params: { path: { record_id: recordId }, header: conditions.ifNoneMatch === undefined ? {} : { 'If-None-Match': conditions.ifNoneMatch } }
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
    listRecords: async () => await client.GET('/api/list'),
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
    /** With `ifNoneMatch` (an ETag you hold): a 304 and no data when that copy is still current. */
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
     * failure, e.g. a 404).
     */
    updateRecord: async (recordId: number, change: (record: Record) => RecordPatch, options: UpdateOptions = {}) => {
      const attempts = options.attempts ?? 5
      for (let attempt = 1; ; attempt++) {
        const read = await readRecord(recordId)
        if (read.data === undefined) return { data: undefined, error: read.error, response: read.response }
        const written = await modifyRecord(recordId, change(read.data.record_info), { ifMatch: etagOf(read.response) ?? '*' })
        if (written.response.status !== 412 || attempt >= attempts) return written
      }
    },
    /**
     * Every change (its history entry) as it happens, from the live change feed: after
     * `options.after` or from the next change; after a dropped connection it reconnects with the
     * last id it saw, so nothing is missed or repeated. Ends when `options.signal` aborts.
     */
    changes: async function * (follow: ChangesOptions = {}): AsyncGenerator<HistoryEntry> {
      const fetcher = options.fetch ?? globalThis.fetch
      let after = follow.after
      const stopped = (): boolean => follow.signal?.aborted === true
      while (!stopped()) {
        try {
          const url = new URL('/api/changes', options.baseUrl)
          if (after !== undefined) url.searchParams.set('after', String(after))
          const response = await fetcher(new Request(url, { headers: { accept: 'text/event-stream' }, signal: follow.signal }))
          if (response.status !== 200 || response.body === null) throw new Error(`the change feed answered ${response.status}`)
          follow.onOpen?.()
          let buffer = ''
          for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
            buffer += chunk.replaceAll('\r\n', '\n')
            for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
              const event = eventOf(buffer.slice(0, end))
              buffer = buffer.slice(end + 2)
              if (event.data === undefined || event.id === undefined) continue
              after = Number(event.id)
              yield JSON.parse(event.data) as HistoryEntry
            }
          }
        } catch (error) {
          if (stopped()) return
          if (!(error instanceof TypeError) && !(error instanceof Error && error.message.startsWith('the change feed answered 503'))) throw error
        }
        await new Promise((resolve) => setTimeout(resolve, follow.reconnectMs ?? 1000))
      }
    },
    /** The record's changes, oldest first; `limit` and `afterVersion` page them (see `Link`). */
    getHistory: async (recordId: number, page: { limit?: number, afterVersion?: number } = {}) =>
      await client.GET('/api/history/{record_id}', {
        params: { path: { record_id: recordId }, query: { limit: page.limit, after_version: page.afterVersion } }
      }),
    /**
     * Creates 1 to 1000 records at once, all or none; `data.records_info` lists them in the order
     * given. A failure's `errors` name the element's index and field (`2.value2`).
     */
    bulkCreateRecords: async (records: RecordInputList) => await client.POST('/api/bulk_create', { body: records })
  }
}

export type PhoenixClient = ReturnType<typeof createPhoenixClient>
