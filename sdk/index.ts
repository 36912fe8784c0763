// The Phoenix TypeScript SDK: openapi-fetch over the types generated from openapi.yaml, so every
// request and every success and error body is typed by the spec itself.
//
//   const phoenix = createPhoenixClient({ baseUrl: 'http://127.0.0.1:3000' })
//   const { data: key } = await phoenix.generateKey('sumit')
//   const mine = phoenix.withApiKey(key!.api_key)
//   const { data, error } = await mine.createRecord({ value1: 'Hello', value3: true })
//   const { data: many } = await mine.bulkCreateRecords([{ value1: 'a' }, { value2: 2 }])
import createClient, { type Client } from 'openapi-fetch'
import type { components, paths } from '../generated/openapi.js'

export type { components, operations, paths } from '../generated/openapi.js'
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
  const id = (recordId: number) => ({ params: { path: { record_id: recordId } } })
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
    createRecord: async (fields: RecordInput) => await client.POST('/api/create', { body: fields }),
    /**
     * Creates 1 to 1000 records at once, all or none; `data.records_info` lists them in the order
     * given. A failure's `errors` name the element's index and field (`2.value2`).
     */
    bulkCreateRecords: async (records: RecordInputList) => await client.POST('/api/bulk_create', { body: records }),
    readRecord: async (recordId: number) => await client.GET('/api/read/{record_id}', id(recordId)),
    modifyRecord: async (recordId: number, fields: RecordPatch) =>
      await client.PATCH('/api/modify/{record_id}', { ...id(recordId), body: fields }),
    removeRecord: async (recordId: number) => await client.DELETE('/api/remove/{record_id}', id(recordId))
  }
}

export type PhoenixClient = ReturnType<typeof createPhoenixClient>
