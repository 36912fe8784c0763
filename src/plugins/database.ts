import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Sql } from 'postgres'
import { createSql, type DatabaseOptions } from '../db/client.js'
import { migrate } from '../db/migrate.js'

declare module 'fastify' {
  interface FastifyInstance {
    sql: Sql
  }
}

export interface DatabasePluginOptions extends DatabaseOptions {
  /** Apply pending migrations from sql/ before the app is ready. */
  migrate: boolean
}

async function database (app: FastifyInstance, options: DatabasePluginOptions): Promise<void> {
  const sql = createSql(options)
  app.decorate('sql', sql)
  app.addHook('onClose', async () => { await sql.end({ timeout: 5 }) })
  if (options.migrate) {
    const applied = await migrate(sql)
    if (applied.length > 0) app.log.info({ migrations: applied }, 'applied migrations')
  }
}

export default fp(database, { name: 'database' })
