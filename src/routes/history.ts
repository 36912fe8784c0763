// GET /api/history/{record_id}: a record's changes, oldest first, as the triggers of
// sql/004_versions_and_history.sql wrote them; paged by version like the list (limit, Link).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Fragment, Sql } from 'postgres'
import type { components } from '../../generated/openapi.js'
import { getHistory } from '../../generated/schemas.js'
import { messages } from '../messages.js'
import { ApiError } from '../plugins/errors.js'

type Record = components['schemas']['Record']
type Entry = components['schemas']['HistoryEntry']
export type HistoryRow = Omit<Entry, 'record'> & Omit<Record, 'id'> & { record_id: number }

// change_id is a bigint, which postgres.js would give as text: every id fits a double for 285,000
// years at a million changes a second.
export const historyColumns = (sql: Sql): Fragment => sql`
  change_id::float8 AS change_id, record_id, version, operation, username, at,
  "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate
`

/** A history row as the API shows it (here and in the change feed). */
export function entryOf (row: HistoryRow): Entry {
  return {
    change_id: row.change_id,
    version: row.version,
    operation: row.operation,
    username: row.username,
    at: row.at,
    record: {
      id: row.record_id,
      timestamp: row.timestamp,
      value1: row.value1,
      value2: row.value2,
      value3: row.value3,
      lastmodifiedby: row.lastmodifiedby,
      creationdate: row.creationdate,
      lastmodificationdate: row.lastmodificationdate
    }
  }
}

const pageMax = 1000
const idMissing = async (): Promise<never> => { throw new ApiError(400, messages.idMissing) }

export default async function history (scope: FastifyInstance): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/api/history/:record_id', { schema: getHistory }, async (request, reply) => {
    const id = request.params.record_id
    const read = app.reader(request)
    const { limit = pageMax, after_version: afterVersion = 0 } = request.query
    // One row more than asked says whether a next page exists.
    const rows = await read((sql) => sql<HistoryRow[]>`
      SELECT ${historyColumns(sql)} FROM record_history
      WHERE record_id = ${id} AND version > ${afterVersion}
      ORDER BY version, change_id
      LIMIT ${limit + 1}
    `)
    if (rows.length === 0) {
      // An empty page of a record that exists (or existed) is still a page.
      const [known] = await read((sql) => sql`
        SELECT 1 FROM record WHERE id = ${id} UNION ALL SELECT 1 FROM record_history WHERE record_id = ${id} LIMIT 1
      `)
      if (known === undefined) throw new ApiError(404, messages.recordNotFound)
    }
    if (rows.length > limit) {
      rows.length = limit
      const next = new URLSearchParams({ limit: String(limit), after_version: String(rows[limit - 1]!.version) })
      reply.header('link', `</api/history/${id}?${next.toString()}>; rel="next"`)
    }
    return { status: 'success', message: messages.historyFound, history: rows.map(entryOf) } as const
  })
  app.get('/api/history', idMissing)
}
