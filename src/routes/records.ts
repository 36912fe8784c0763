import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Fragment, Sql } from 'postgres'
import type { components } from '../../generated/openapi.js'
import { createRecord, modifyRecord, readRecord, removeRecord } from '../../generated/schemas.js'
import { messages } from '../messages.js'
import { requireApiKey } from '../plugins/auth.js'
import { ApiError } from '../plugins/errors.js'
import { ignoreRequestBody } from '../validation.js'

type Record = components['schemas']['Record']

/** The columns of a record as the API shows it, in the spec's order. */
export function recordColumns (sql: Sql): Fragment {
  return sql`id, "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate`
}

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
