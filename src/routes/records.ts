import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Fragment, Sql, TransactionSql } from 'postgres'
import type { components } from '../../generated/openapi.js'
import { bulkCreateRecords, createRecord, modifyRecord, readRecord, removeRecord } from '../../generated/schemas.js'
import { arrayLiteral } from '../db/arrays.js'
import { etagOf, parseEntityTags } from '../etag.js'
import { idempotency, idempotencyKeyOf } from '../idempotency.js'
import { messages } from '../messages.js'
import { requireApiKey } from '../plugins/auth.js'
import { ApiError } from '../plugins/errors.js'
import { issueConsistencyTokens } from '../plugins/reads.js'
import { emptyElements, ignoreRequestBody } from '../validation.js'

// A record with its version, which the API shows as the ETag header, never in record_info (the
// response schemas leave it out when serializing).
type Versioned = components['schemas']['Record'] & { version: number }

/** The columns of a record as the API shows it, in the spec's order. */
export function recordColumns (sql: Sql): Fragment {
  return sql`id, "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate`
}

/** What POST /api/bulk_create accepts, above BODY_LIMIT: openapi.yaml's `x-body-limit` for it. */
export const bulkBodyLimit = 1_048_576

const valueFields = ['timestamp', 'value1', 'value2', 'value3'] as const

const notFound = (): ApiError => new ApiError(404, messages.recordNotFound)
const idMissing = async (): Promise<never> => { throw new ApiError(400, messages.idMissing) }

// The key holder is named as the author of a change in the history (sql/004): the statement sets
// `phoenix.username` for its own transaction, in the same round trip. set_config returns the value
// it sets, so for a create or modify it is also what lastmodifiedby gets.
const author = (sql: Sql | TransactionSql, username: string): Fragment => sql`set_config('phoenix.username', ${username}, true)`

export interface RecordsOptions {
  /** IDEMPOTENCY_TTL_HOURS */
  idempotencyTtlHours: number
}

export default async function records (scope: FastifyInstance, options: RecordsOptions): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()
  const { sql } = app
  const columns = recordColumns(sql)
  const idempotent = idempotency(scope, options.idempotencyTtlHours)

  // If-Match on a modify or remove: the version condition of the statement itself, so that the
  // check and the write are one atomic step (of N writers sending the same ETag, one wins).
  const versionCondition = (ifMatch: string | string[] | undefined): Fragment => {
    const tags = parseEntityTags(ifMatch)
    // As text: the pool knows no array types (fetch_types is off), and an empty list matches nothing.
    return tags === undefined || tags.any ? sql`` : sql`AND version = ANY(string_to_array(${tags.strong.join(',')}, ',')::int[])`
  }
  // A conditional write that changed nothing: 404 when there is no record, else 412 with its ETag.
  const preconditionFailed = async (id: number, reply: FastifyReply): Promise<never> => {
    const [current] = await app.db(sql<Array<{ version: number }>>`SELECT version FROM record WHERE id = ${id}`)
    if (current === undefined) throw notFound()
    reply.header('etag', etagOf(current.version))
    throw new ApiError(412, messages.preconditionFailed)
  }

  app.get('/api/read/:record_id', { schema: readRecord, exposeHeadRoute: true }, async (request, reply) => {
    const read = app.reader(request)
    const [record] = await read((sql) => sql<Versioned[]>`SELECT ${columns}, version FROM record WHERE id = ${request.params.record_id}`)
    if (record === undefined) throw notFound()
    reply.header('etag', etagOf(record.version))
    // RFC 9110 §13.1.2: weak comparison, `*` matches any current record.
    const tags = parseEntityTags(request.headers['if-none-match'])
    if (tags !== undefined && (tags.any || tags.all.includes(record.version))) return await reply.code(304).send(null)
    return { status: 'success', message: messages.found, record_info: record } as const
  })
  app.get('/api/read', idMissing)

  await app.register(async (scope) => {
    requireApiKey(scope)
    issueConsistencyTokens(scope)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()
    // Every route here writes: a success changed records, which the change feed announces.
    app.addHook('onResponse', (_request, reply, done) => {
      if (reply.statusCode < 300) app.changeFeed.changed()
      done()
    })

    app.post('/api/create', { schema: createRecord }, async (request, reply) => {
      const key = idempotencyKeyOf(request)
      const { timestamp = null, value1 = null, value2 = null, value3 = null } = request.body
      if (timestamp === null && value1 === null && value2 === null && value3 === null) {
        throw new ApiError(400, messages.emptyRecord)
      }
      const insert = (tx: Sql | TransactionSql) => tx<Versioned[]>`
        INSERT INTO record ("timestamp", value1, value2, value3, lastmodifiedby)
        VALUES (${timestamp}, ${value1}, ${value2}, ${value3}, ${author(tx, request.username)})
        RETURNING ${columns}, version
      `
      const created = (record: Versioned) => ({ status: 'success', message: messages.created, record_info: record } as const)
      const headers = (record: Versioned) => ({ location: `/api/read/${record.id}`, etag: etagOf(record.version) })
      if (key === undefined) {
        const [record] = await app.db(insert(sql))
        return await reply.code(201).headers(headers(record!)).send(created(record!))
      }
      return await idempotent.answer(request, reply, key, async (tx) => {
        const [record] = await insert(tx)
        return { status: 201, headers: headers(record!), body: reply.code(201).serialize(created(record!)) as string }
      })
    })

    // One statement whatever the count, so all or nothing and one round trip: each column is one
    // array parameter, unnested back into rows in the order sent (ordinality). Ids come from the
    // identity in the order the rows are inserted, so the rows returned are put in order by id.
    // lastmodifiedby is the key holder, set through phoenix.username (see author).
    app.post('/api/bulk_create', { schema: bulkCreateRecords, bodyLimit: bulkBodyLimit }, async (request, reply) => {
      const key = idempotencyKeyOf(request)
      const inputs = request.body
      const empty = emptyElements(inputs, [...valueFields])
      if (empty.length > 0) throw new ApiError(400, messages.bodyInvalid, empty)
      const column = (field: typeof valueFields[number]): string => arrayLiteral(inputs.map((input) => input[field] ?? null))
      const insert = (tx: Sql | TransactionSql) => tx<Versioned[]>`
        WITH inserted AS (
          INSERT INTO record ("timestamp", value1, value2, value3, lastmodifiedby)
          SELECT "timestamp", value1, value2, value3, ${author(tx, request.username)}
          FROM unnest(${column('timestamp')}::float8[], ${column('value1')}::varchar[], ${column('value2')}::float8[], ${column('value3')}::bool[])
            WITH ORDINALITY AS input("timestamp", value1, value2, value3, position)
          ORDER BY position
          RETURNING ${columns}
        )
        SELECT ${columns} FROM inserted ORDER BY id
      `
      const created = (records: Versioned[]) => ({ status: 'success', message: messages.bulkCreated, records_info: records } as const)
      if (key === undefined) return await reply.code(201).send(created(await app.db(insert(sql))))
      return await idempotent.answer(request, reply, key, async (tx) =>
        ({ status: 201, headers: {}, body: reply.code(201).serialize(created(await insert(tx))) as string }))
    })

    // Only the fields present are set (the schema admits just the four value columns);
    // null clears a field.
    app.patch('/api/modify/:record_id', { schema: modifyRecord }, async (request, reply) => {
      const fields = request.body
      const id = request.params.record_id
      const ifMatch = request.headers['if-match']
      const [record] = await app.db(sql<Versioned[]>`
        UPDATE record
        SET ${sql(fields, Object.keys(fields) as Array<keyof typeof fields>)},
            lastmodifiedby = ${author(sql, request.username)}, lastmodificationdate = now()
        WHERE id = ${id} ${versionCondition(ifMatch)}
        RETURNING ${columns}, version
      `)
      if (record === undefined) return await (ifMatch === undefined ? Promise.reject(notFound()) : preconditionFailed(id, reply))
      reply.header('etag', etagOf(record.version))
      return { status: 'success', message: messages.modified, record_info: record } as const
    })
    app.patch('/api/modify', idMissing)

    await app.register(async (scope) => {
      ignoreRequestBody(scope)
      const app = scope.withTypeProvider<TypeBoxTypeProvider>()
      app.delete('/api/remove/:record_id', { schema: removeRecord }, async (request, reply) => {
        const id = request.params.record_id
        const ifMatch = request.headers['if-match']
        const [removed] = await app.db(sql`
          DELETE FROM record USING (SELECT ${author(sql, request.username)}) AS who
          WHERE id = ${id} ${versionCondition(ifMatch)}
          RETURNING id
        `)
        if (removed === undefined) return await (ifMatch === undefined ? Promise.reject(notFound()) : preconditionFailed(id, reply))
        return { status: 'success', message: messages.removed } as const
      })
      app.delete('/api/remove', idMissing)
    })
  })
}
