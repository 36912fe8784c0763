import { Readable } from 'node:stream'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { components } from '../../generated/openapi.js'
import { createRecord, listRecords, modifyRecord, readRecord, Record as RecordSchema, removeRecord } from '../../generated/schemas.js'
import { messages } from '../messages.js'
import { requireApiKey } from '../plugins/auth.js'
import { ApiError } from '../plugins/errors.js'
import { ignoreRequestBody } from '../validation.js'

type Record = components['schemas']['Record']

const listBatchSize = 250

// The next page's query, in the spec's parameter order so that equal pages have equal URLs.
function nextPageQuery (values: { [name: string]: string | number | boolean | undefined }): Array<[string, string]> {
  return ['limit', 'after_id', 'lastmodifiedby', 'value3']
    .filter((name) => values[name] !== undefined)
    .map((name) => [name, String(values[name])])
}

const notFound = (): ApiError => new ApiError(404, messages.recordNotFound)
const idMissing = async (): Promise<never> => { throw new ApiError(400, messages.idMissing) }

export default async function records (scope: FastifyInstance): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()
  const { sql } = app
  const columns = sql`id, "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate`

  app.get('/api/list', { schema: listRecords }, async (request, reply) => {
    const { limit, ...filters } = request.query
    const conditions = [
      filters.after_id === undefined ? undefined : sql`id > ${filters.after_id}`,
      filters.lastmodifiedby === undefined ? undefined : sql`lower(lastmodifiedby) = lower(${filters.lastmodifiedby})`,
      filters.value3 === undefined ? undefined : sql`value3 = ${filters.value3}`
    ].filter((condition) => condition !== undefined)
    const where = conditions.length === 0 ? sql`` : sql`WHERE ${conditions.reduce((all, condition) => sql`${all} AND ${condition}`)}`

    if (limit !== undefined) {
      // One row more than asked says whether a next page exists.
      const rows = await sql<Record[]>`SELECT ${columns} FROM record ${where} ORDER BY id LIMIT ${limit + 1}`
      if (rows.length <= limit) return rows
      const page = rows.slice(0, limit)
      const next = new URLSearchParams(nextPageQuery({ ...filters, limit, after_id: page[limit - 1]!.id }))
      reply.header('link', `</api/list?${next.toString()}>; rel="next"`)
      return page
    }

    // Every record: streamed from a cursor, a batch at a time, so memory stays flat however
    // large the table. The first batch is fetched before anything is sent, so that a database
    // failure still gets a proper error response instead of a truncated body.
    const batches = sql<Record[]>`SELECT ${columns} FROM record ${where} ORDER BY id`.cursor(listBatchSize)[Symbol.asyncIterator]()
    const first = await batches.next()
    const serialize = reply.compileSerializationSchema(RecordSchema as object as { [key: string]: unknown }) as (record: Record) => string
    // A batch as JSON text, then emptied. postgres.js's batch arrays end up in V8's old generation,
    // which only a full GC clears: a spent batch still holding its rows kept them (and their
    // strings) alive through every young-generation GC, so each was promoted, and a 100,000-row
    // list grew the heap by up to 37 MB instead of a few. A leading comma comes from the join
    // (an empty first part): prefixing it would make a rope that the socket write copies again.
    function text (batch: Record[], leadingComma: boolean): string {
      const parts = batch.map(serialize)
      batch.length = 0
      if (leadingComma) parts.unshift('')
      return parts.join(',')
    }
    let started = false
    async function * json (): AsyncGenerator<string> {
      started = true
      try {
        yield '['
        if (first.done !== true) {
          yield text(first.value, false)
          for (let batch = await batches.next(); batch.done !== true; batch = await batches.next()) {
            yield text(batch.value, true)
          }
        }
        yield ']'
      } finally {
        // A client that goes away mid-stream ends the generator here. postgres.js's return()
        // closes the cursor only between batches (it answers the wait for the previous batch),
        // so it is called here, after the pending next() has settled, and not from the outside.
        await batches.return?.()
      }
    }
    const body = Readable.from(json(), { highWaterMark: 1 })
    // A client gone before the first byte: the generator never runs, so close the cursor here.
    // Left open, it would hold its pool connection (and a lock on the table) for good.
    body.once('close', () => {
      if (!started) (async () => { await batches.return?.() })().catch((error: unknown) => { request.log.warn({ err: error }, 'closing the list cursor failed') })
    })
    // highWaterMark 1: one batch ahead of the socket at most, so memory stays flat.
    return await reply.type('application/json; charset=utf-8').send(body as unknown as Record[])
  })

  app.get('/api/read/:record_id', { schema: readRecord }, async (request) => {
    const [record] = await sql<Record[]>`SELECT ${columns} FROM record WHERE id = ${request.params.record_id}`
    if (record === undefined) throw notFound()
    return { status: 'success', message: messages.found, record_info: record } as const
  })
  app.get('/api/read', idMissing)

  await app.register(async (scope) => {
    requireApiKey(scope)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()

    app.post('/api/create', { schema: createRecord }, async (request, reply) => {
      const { timestamp = null, value1 = null, value2 = null, value3 = null } = request.body
      if (timestamp === null && value1 === null && value2 === null && value3 === null) {
        throw new ApiError(400, messages.emptyRecord)
      }
      const [record] = await sql<Record[]>`
        INSERT INTO record ("timestamp", value1, value2, value3, lastmodifiedby)
        VALUES (${timestamp}, ${value1}, ${value2}, ${value3}, ${request.username})
        RETURNING ${columns}
      `
      reply.code(201).header('location', `/api/read/${record!.id}`)
      return { status: 'success', message: messages.created, record_info: record! } as const
    })

    // Only the fields present are set (the schema admits just the four value columns);
    // null clears a field.
    app.patch('/api/modify/:record_id', { schema: modifyRecord }, async (request) => {
      const fields = request.body
      const [record] = await sql<Record[]>`
        UPDATE record
        SET ${sql(fields, Object.keys(fields) as Array<keyof typeof fields>)},
            lastmodifiedby = ${request.username}, lastmodificationdate = now()
        WHERE id = ${request.params.record_id}
        RETURNING ${columns}
      `
      if (record === undefined) throw notFound()
      return { status: 'success', message: messages.modified, record_info: record } as const
    })
    app.patch('/api/modify', idMissing)

    await app.register(async (scope) => {
      ignoreRequestBody(scope)
      const app = scope.withTypeProvider<TypeBoxTypeProvider>()
      app.delete('/api/remove/:record_id', { schema: removeRecord }, async (request) => {
        const [removed] = await sql`DELETE FROM record WHERE id = ${request.params.record_id} RETURNING id`
        if (removed === undefined) throw notFound()
        return { status: 'success', message: messages.removed } as const
      })
      app.delete('/api/remove', idMissing)
    })
  })
}
