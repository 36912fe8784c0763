import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Fragment, Sql } from 'postgres'
import type { components } from '../../generated/openapi.js'
import { bulkCreateRecords, createRecord, modifyRecord, readRecord, removeRecord } from '../../generated/schemas.js'
import { arrayLiteral } from '../db/arrays.js'
import { messages } from '../messages.js'
import { requireApiKey } from '../plugins/auth.js'
import { ApiError } from '../plugins/errors.js'
import { emptyElements, ignoreRequestBody } from '../validation.js'

type Record = components['schemas']['Record']

/** The columns of a record as the API shows it, in the spec's order. */
export function recordColumns (sql: Sql): Fragment {
  return sql`id, "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate`
}

/** What POST /api/bulk_create accepts, above BODY_LIMIT: openapi.yaml's `x-body-limit` for it. */
export const bulkBodyLimit = 1_048_576

const valueFields = ['timestamp', 'value1', 'value2', 'value3'] as const

const notFound = (): ApiError => new ApiError(404, messages.recordNotFound)
const idMissing = async (): Promise<never> => { throw new ApiError(400, messages.idMissing) }

export default async function records (scope: FastifyInstance): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()
  const { sql } = app
  const columns = recordColumns(sql)

  app.get('/api/read/:record_id', { schema: readRecord, exposeHeadRoute: true }, async (request) => {
    const [record] = await app.db(sql<Record[]>`SELECT ${columns} FROM record WHERE id = ${request.params.record_id}`)
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
      const [record] = await app.db(sql<Record[]>`
        INSERT INTO record ("timestamp", value1, value2, value3, lastmodifiedby)
        VALUES (${timestamp}, ${value1}, ${value2}, ${value3}, ${request.username})
        RETURNING ${columns}
      `)
      reply.code(201).header('location', `/api/read/${record!.id}`)
      return { status: 'success', message: messages.created, record_info: record! } as const
    })

    // One statement whatever the count, so all or nothing and one round trip: each column is one
    // array parameter, unnested back into rows in the order sent (ordinality). Ids come from the
    // identity in the order the rows are inserted, so the rows returned are put in order by id.
    // lastmodifiedby goes through phoenix.username, where the database's triggers read who made
    // the change; set_config returns it.
    app.post('/api/bulk_create', { schema: bulkCreateRecords, bodyLimit: bulkBodyLimit }, async (request, reply) => {
      const inputs = request.body
      const empty = emptyElements(inputs, [...valueFields])
      if (empty.length > 0) throw new ApiError(400, messages.bodyInvalid, empty)
      const column = (field: typeof valueFields[number]): string => arrayLiteral(inputs.map((input) => input[field] ?? null))
      const records = await app.db(sql<Record[]>`
        WITH inserted AS (
          INSERT INTO record ("timestamp", value1, value2, value3, lastmodifiedby)
          SELECT "timestamp", value1, value2, value3, set_config('phoenix.username', ${request.username}, true)
          FROM unnest(${column('timestamp')}::float8[], ${column('value1')}::varchar[], ${column('value2')}::float8[], ${column('value3')}::bool[])
            WITH ORDINALITY AS input("timestamp", value1, value2, value3, position)
          ORDER BY position
          RETURNING ${columns}
        )
        SELECT ${columns} FROM inserted ORDER BY id
      `)
      reply.code(201)
      return { status: 'success', message: messages.bulkCreated, records_info: records } as const
    })

    // Only the fields present are set (the schema admits just the four value columns);
    // null clears a field.
    app.patch('/api/modify/:record_id', { schema: modifyRecord }, async (request) => {
      const fields = request.body
      const [record] = await app.db(sql<Record[]>`
        UPDATE record
        SET ${sql(fields, Object.keys(fields) as Array<keyof typeof fields>)},
            lastmodifiedby = ${request.username}, lastmodificationdate = now()
        WHERE id = ${request.params.record_id}
        RETURNING ${columns}
      `)
      if (record === undefined) throw notFound()
      return { status: 'success', message: messages.modified, record_info: record } as const
    })
    app.patch('/api/modify', idMissing)

    await app.register(async (scope) => {
      ignoreRequestBody(scope)
      const app = scope.withTypeProvider<TypeBoxTypeProvider>()
      app.delete('/api/remove/:record_id', { schema: removeRecord }, async (request) => {
        const [removed] = await app.db(sql`DELETE FROM record WHERE id = ${request.params.record_id} RETURNING id`)
        if (removed === undefined) throw notFound()
        return { status: 'success', message: messages.removed } as const
      })
      app.delete('/api/remove', idMissing)
    })
  })
}
