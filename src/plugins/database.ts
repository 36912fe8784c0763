import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { MaybeRow, PendingQuery, RowList, Sql } from 'postgres'
import { boundStatements, createSql, type DatabaseOptions } from '../db/client.js'
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

export interface DatabasePluginOptions extends Omit<DatabaseOptions, 'transactionPooler'> {
  /**
   * DIRECT_DATABASE_URL: a connection to the primary itself, which makes `url` a transaction
   * pooler. Whatever needs a session of its own (migrations, LISTEN) connects here.
   */
  directUrl?: string | undefined
  /** Apply pending migrations from sql/ before the app is ready. */
  migrate: boolean
}

async function database (app: FastifyInstance, options: DatabasePluginOptions): Promise<void> {
  const transactionPooler = options.directUrl !== undefined
  const sessionUrl = options.directUrl ?? options.url
  const sql = createSql({ ...options, transactionPooler })
  const ms = options.queryTimeoutSeconds * 1000
  // Behind a transaction pooler, no more statements than connections: postgres.js would send the
  // next one on a busy connection (pipelining), and PgBouncer (1.18) hands the server session on
  // when the first one ends, losing the answer to the one behind it (that query never settles).
  const statements = new Statements(options.poolMax * (transactionPooler ? 1 : 2))
  app.decorate('sql', sql)
  app.decorate('db', <T extends readonly MaybeRow[]>(query: PendingQuery<T>, within = ms) => statements.run(query, within))
  app.decorate('dbTransaction', <T>(work: () => Promise<T>, within = ms) => statements.transaction(work, within))
  const listener = listen({ url: sessionUrl, pool: sql, send: (query) => statements.run(query, ms), log: app.log })
  app.decorate('listener', listener)
  app.addHook('onClose', async () => {
    await listener.close()
    statements.close()
    await sql.end({ timeout: 5 })
  })
  if (transactionPooler && await boundStatements(sql, options.queryTimeoutSeconds) === 'refused') {
    app.log.warn({ queryTimeoutSeconds: options.queryTimeoutSeconds }, 'the database role may not set its own statement_timeout: ' +
      'statements through DATABASE_URL have only the client-side deadline until an operator runs ' +
      'ALTER ROLE … IN DATABASE … SET statement_timeout (README, DIRECT_DATABASE_URL)')
  }
  if (options.migrate) {
    // A migration runs in transactions of its own (a pooler would do), but may take long, and its
    // multi-statement text belongs on the primary itself: a short-lived direct connection.
    const migrator = transactionPooler ? createSql({ ...options, url: sessionUrl, poolMax: 1 }) : sql
    try {
      const applied = await migrate(migrator)
      if (applied.length > 0) app.log.info({ migrations: applied }, 'applied migrations')
    } finally {
      if (migrator !== sql) await migrator.end({ timeout: 5 })
    }
  }
}

export default fp(database, { name: 'database' })
