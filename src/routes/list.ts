// GET /api/list: pages (limit, after_id, Link) and the full list, streamed in keyset batches.
import { Readable } from 'node:stream'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { components } from '../../generated/openapi.js'
import { listRecords, Record as RecordSchema } from '../../generated/schemas.js'
import { Gate } from '../gate.js'
import { messages } from '../messages.js'
import { resetWhenStalled } from '../stall.js'
import { ApiError } from '../plugins/errors.js'
import { recordColumns } from './records.js'

type Record = components['schemas']['Record']

export interface ListOptions {
  /** Full lists streamed at once; more wait up to `streamWaitMs`, then get a 503. */
  streamsMax: number
  /** A list whose client takes none of it for this long is cut (SEND_TIMEOUT_SECONDS). */
  sendTimeoutSeconds: number
}

// Rows per statement of a full list: each batch is one brief indexed query, so no statement
// outlives the time it takes to read 1,000 rows, however large the table.
const batchSize = 1000
const streamWaitMs = 1000

// The next page's query, in the spec's parameter order so that equal pages have equal URLs.
function nextPageQuery (values: { [name: string]: string | number | boolean | undefined }): Array<[string, string]> {
  return ['limit', 'after_id', 'lastmodifiedby', 'value3']
    .filter((name) => values[name] !== undefined)
    .map((name) => [name, String(values[name])])
}

export default async function list (scope: FastifyInstance, options: ListOptions): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()
  const { sql } = app
  const columns = recordColumns(sql)
  const streams = new Gate(options.streamsMax)

  // HEAD is served too (exposeHeadRoute), and reads no more than its headers need.
  app.get('/api/list', { schema: listRecords, exposeHeadRoute: true }, async (request, reply) => {
    const read = app.reader(request)
    const { limit, after_id: afterId = 0, lastmodifiedby, value3 } = request.query
    const byUser = lastmodifiedby === undefined ? sql`` : sql`AND lower(lastmodifiedby) = lower(${lastmodifiedby})`
    const byValue3 = value3 === undefined ? sql`` : sql`AND value3 = ${value3}`
    const batch = async (after: number, size: number): Promise<Record[]> => await read((sql) => sql<Record[]>`
      SELECT ${columns} FROM record WHERE id > ${after} ${byUser} ${byValue3} ORDER BY id LIMIT ${size}
    `)

    if (limit !== undefined) {
      // One row more than asked says whether a next page exists.
      const rows = await batch(afterId, limit + 1)
      if (rows.length <= limit) return rows
      const page = rows.slice(0, limit)
      const next = new URLSearchParams(nextPageQuery({ limit, after_id: page[limit - 1]!.id, lastmodifiedby, value3 }))
      reply.header('link', `</api/list?${next.toString()}>; rel="next"`)
      return page
    }

    reply.type('application/json; charset=utf-8')
    if (request.method === 'HEAD') return await reply.send(Readable.from([]) as unknown as Record[])

    if (!await streams.enter(streamWaitMs)) throw new ApiError(503, messages.listsBusy)
    let left = false
    const leave = (): void => {
      if (!left) streams.leave()
      left = true
    }
    reply.raw.once('close', leave)
    // A client that left while it waited: its 'close' has already fired.
    if (reply.raw.destroyed) leave()
    // The first batch is read before anything is sent, so that a database failure still gets a
    // proper 503; a later one that fails aborts the response (see below).
    const first = await batch(afterId, batchSize)
    const serialize = reply.compileSerializationSchema(RecordSchema as object as { [key: string]: unknown }) as (record: Record) => string
    // A batch as JSON text, then emptied: postgres.js's result arrays can reach V8's old
    // generation, and one still holding its rows would keep them (and their strings) alive
    // through every young-generation GC (bench/README.md). A leading comma comes from the join
    // (an empty first part): prefixing it would make a rope that the socket write copies again.
    function text (rows: Record[], leadingComma: boolean): string {
      const parts = rows.map(serialize)
      rows.length = 0
      if (leadingComma) parts.unshift('')
      return parts.join(',')
    }
    // Each batch is its own statement, read only when the socket has taken the previous one
    // (highWaterMark 1): a client that reads slowly or not at all holds no database connection.
    // A batch that fails makes the generator throw; Fastify then destroys the connection before
    // the final chunk, so the client sees a failed transfer, never a short but valid array.
    async function * json (): AsyncGenerator<string> {
      yield '['
      let rows = first
      for (let leadingComma = false; rows.length > 0; leadingComma = true) {
        const last = rows[rows.length - 1]!.id
        const more = rows.length === batchSize
        yield text(rows, leadingComma)
        if (!more) break
        rows = await batch(last, batchSize)
      }
      yield ']'
    }
    resetWhenStalled(reply.raw, options.sendTimeoutSeconds * 1000)
    return await reply.send(Readable.from(json(), { highWaterMark: 1 }) as unknown as Record[])
  })
}
