import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { MaybeRow, PendingQuery, RowList, Sql } from 'postgres'
import { createSql, type DatabaseOptions } from '../db/client.js'
import { listen, type Listener } from '../db/listener.js'
import { Statements } from '../db/statements.js'
import { migrate } from '../db/migrate.js'

declare module 'fastify' {
  interface FastifyInstance {
    sql: Sql
    /**
     * Runs a statement within QUERY_TIMEOUT_SECONDS, or `ms` when given, waiting for a connection
     * included (see Statements): every statement of a request goes through here.
     */
    db: <T extends readonly MaybeRow[]>(query: PendingQuery<T>, ms?: number) => Promise<RowList<T>>
    /** Runs a transaction (`() => sql.begin(…)`) within QUERY_TIMEOUT_SECONDS like a statement. */
    dbTransaction: <T>(work: () => Promise<T>, ms?: number) => Promise<T>
    /** The app's one LISTEN connection (db/listener.ts), opened when a channel is first asked for. */
    listener: Listener
  }
}

export interface DatabasePluginOptions extends DatabaseOptions {
  /** Apply pending migrations from sql/ before the app is ready. */
  migrate: boolean
}

async function database (app: FastifyInstance, options: DatabasePluginOptions): Promise<void> {
  const sql = createSql(options)
  const ms = options.queryTimeoutSeconds * 1000
  const statements = new Statements(options.poolMax * 2)
  app.decorate('sql', sql)
  app.decorate('db', <T extends readonly MaybeRow[]>(query: PendingQuery<T>, within = ms) => statements.run(query, within))
  app.decorate('dbTransaction', <T>(work: () => Promise<T>, within = ms) => statements.transaction(work, within))
  const listener = listen({ url: options.url, pool: sql, log: app.log })
  app.decorate('listener', listener)
  app.addHook('onClose', async () => {
    await listener.close()
    statements.close()
    await sql.end({ timeout: 5 })
  })
  if (options.migrate) {
    const applied = await migrate(sql)
    if (applied.length > 0) app.log.info({ migrations: applied }, 'applied migrations')
  }
}

export default fp(database, { name: 'database' })
