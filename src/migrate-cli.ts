// `npm run migrate`: apply pending migrations to DATABASE_URL, or to DIRECT_DATABASE_URL when
// DATABASE_URL is a transaction pooler (the server also does this at start).
import { loadConfig } from './config.js'
import { createSql } from './db/client.js'
import { migrate } from './db/migrate.js'

const config = loadConfig()
if (config.databaseUrl === undefined) {
  console.error('Configuration error: DATABASE_URL must be set (the embedded database migrates itself at start)')
  process.exit(1)
}
const sql = createSql({ url: config.directDatabaseUrl ?? config.databaseUrl, poolMax: 1, queryTimeoutSeconds: config.queryTimeoutSeconds })
try {
  const applied = await migrate(sql)
  console.log(applied.length === 0 ? 'no pending migrations' : `applied ${applied.join(', ')}`)
} finally {
  await sql.end({ timeout: 5 })
}
