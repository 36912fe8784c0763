// Where reads run. With a replica (READ_DATABASE_URL), the list, read and history statements go to
// it, and fall back to the primary when it is down, fails, or has not caught up with the consistency
// token the request presents; the answer to every record write carries such a token. Without a
// replica, every read runs on the primary exactly as before, and writes carry no token.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { MaybeRow, PendingQuery, RowList, Sql } from 'postgres'
import { parseLsn } from '../db/lsn.js'
import { Replica } from '../db/replica.js'
import { messages } from '../messages.js'
import { ApiError } from './errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** READ_DATABASE_URL's replica, when one is configured. */
    replica: Replica | undefined
    /** The database access of one read request (see Reader); refuses a malformed consistency token. */
    reader: (request: FastifyRequest) => Reader
  }
}

/**
 * Runs one statement of a read request, built by `build` for the pool it runs on: the replica's
 * when it may answer this request, else (and when it fails) the primary's. The statements of one
 * request never go back in time: once one has run on the primary, the rest follow it there.
 */
export type Reader = <T extends readonly MaybeRow[]>(build: (sql: Sql) => PendingQuery<T>) => Promise<RowList<T>>

export const consistencyTokenHeader = 'phoenix-consistency-token'

/** The longest a read with a token waits for the replica to catch up before it goes to the primary. */
export const tokenWaitMs = 250

// The token is the primary's WAL position (a pg_lsn as text); clients treat it as opaque. It is
// checked whether or not a replica is configured, so a client that mangles it finds out anywhere.
function tokenOf (request: FastifyRequest): bigint | undefined {
  const header = request.headers[consistencyTokenHeader]
  if (header === undefined) return undefined
  const lsn = typeof header === 'string' ? parseLsn(header) : undefined
  if (lsn === undefined) {
    throw new ApiError(400, messages.headersInvalid, [{ field: 'Phoenix-Consistency-Token', problem: 'must be the Phoenix-Consistency-Token of a write response, unchanged' }])
  }
  return lsn
}

export interface ReadsOptions {
  /** READ_DATABASE_URL */
  url: string | undefined
  poolMax: number
  queryTimeoutSeconds: number
}

async function reads (app: FastifyInstance, options: ReadsOptions): Promise<void> {
  const ms = options.queryTimeoutSeconds * 1000
  const replica = options.url === undefined
    ? undefined
    : new Replica({
      ...options,
      url: options.url,
      onChange: ({ state }) => {
        if (state === 'ok') app.log.info('the replica (READ_DATABASE_URL) serves reads')
        else app.log.warn({ replica: state }, 'the replica (READ_DATABASE_URL) is not usable: reads go to the primary')
      }
    })
  app.decorate('replica', replica)
  if (replica !== undefined) {
    app.addHook('onClose', async () => { await replica.close() })
    // Start knowing its state (within probeWithinMs); one that is not usable now is only logged.
    await replica.probe()
  }

  // A statement tried on the replica has half of QUERY_TIMEOUT_SECONDS there, the wait for a token
  // included, and then the primary has the rest: a read takes no longer than without a replica.
  const replicaMs = Math.floor(ms / 2)

  // Without a replica every read request shares this one reader (nothing to remember per request).
  const primary: Reader = (build) => app.db(build(app.sql))
  app.decorate('reader', (request: FastifyRequest): Reader => {
    const token = tokenOf(request)
    if (replica === undefined) return primary
    let onPrimary = false
    let caughtUp = token === undefined
    return async (build) => {
      const started = Date.now()
      if (!onPrimary && !caughtUp && token !== undefined) caughtUp = await replica.caughtUp(token, Math.min(tokenWaitMs, replicaMs))
      if (!onPrimary && caughtUp && replica.usable) {
        try {
          return await replica.run(build(replica.sql), Math.max(1, replicaMs - (Date.now() - started)))
        } catch (error) {
          // Whatever went wrong there (down, a recovery conflict, too slow), the primary can answer.
          request.log.warn({ err: error }, 'a read failed on the replica: it goes to the primary')
          replica.suspect()
        }
      }
      onPrimary = true
      return await app.db(build(app.sql), ms - (Date.now() - started))
    }
  })
}

/**
 * Adds the consistency token to the answers of a scope whose routes write records, when there is a
 * replica: the primary's WAL position once the write has committed. A read that presents it is
 * answered from data that includes the write. A 412 gets one too: its ETag names a version the
 * client has not seen, which a read right after it (a read-modify-write starting over) must find.
 */
export function issueConsistencyTokens (scope: FastifyInstance): void {
  if (scope.replica === undefined) return
  scope.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 300 && reply.statusCode !== 412) return payload
    try {
      // The insert position is at or past the end of every record already written to the WAL,
      // the commit included, even where synchronous_commit = off has not flushed it yet.
      const [row] = await scope.db(scope.sql<[{ lsn: string }]>`SELECT pg_current_wal_insert_lsn()::text AS lsn`)
      reply.header(consistencyTokenHeader, row.lsn)
    } catch (error) {
      // The write is done: its answer goes out, only without a token.
      request.log.warn({ err: error }, 'no consistency token: the primary did not tell its WAL position')
    }
    return payload
  })
}

export default fp(reads, { name: 'reads', dependencies: ['database'] })
