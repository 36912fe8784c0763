import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Sql, TransactionSql } from 'postgres'
import { migrationsDir } from '../paths.js'

export interface Migration {
  /** The file name without `.sql`, e.g. `001_initial_schema`. */
  id: string
  version: number
  name: string
  checksum: string
  text: string
}

// An arbitrary constant shared by every Phoenix instance: whoever holds it applies migrations.
const lockKey = 7_361_221_903

// A migration may rebuild a large table, and waits for another instance's migrations: the
// request-sized statement_timeout of the pool (QUERY_TIMEOUT_SECONDS) does not apply to it.
async function unbounded (tx: TransactionSql): Promise<void> {
  await tx`SET LOCAL statement_timeout = 0`
}

export async function readMigrations (dir: string = migrationsDir): Promise<Migration[]> {
  const migrations: Migration[] = []
  for (const file of (await readdir(dir)).sort()) {
    const match = /^(\d+)_([\w-]+)\.sql$/.exec(file)
    if (match === null) continue
    const text = await readFile(join(dir, file), 'utf8')
    const checksum = createHash('sha256').update(text).digest('hex')
    migrations.push({ id: file.slice(0, -'.sql'.length), version: Number(match[1]), name: match[2] ?? '', checksum, text })
  }
  const versions = migrations.map((migration) => migration.version)
  if (new Set(versions).size !== versions.length) throw new Error(`two migrations in ${dir} share a version number`)
  return migrations
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, in version order, each in
 * its own transaction. A transaction-scoped advisory lock serializes instances that start at
 * once, so each migration is applied exactly once. Returns the names of those applied now.
 */
export async function migrate (sql: Sql, migrations?: Migration[]): Promise<string[]> {
  const pending = migrations ?? await readMigrations()
  // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can fail with a unique violation.
  await sql.begin(async (tx) => {
    await unbounded(tx)
    await tx`SELECT pg_advisory_xact_lock(${lockKey})`
    await tx`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_on timestamptz NOT NULL DEFAULT now()
      )
    `
  })
  const applied: string[] = []
  for (const migration of pending) {
    await sql.begin(async (tx) => {
      await unbounded(tx)
      await tx`SELECT pg_advisory_xact_lock(${lockKey})`
      const [done] = await tx<{ checksum: string }[]>`
        SELECT checksum FROM schema_migrations WHERE version = ${migration.version}
      `
      if (done !== undefined) {
        if (done.checksum !== migration.checksum) {
          throw new Error(`migration ${migration.id} changed after it was applied`)
        }
        return
      }
      await tx.unsafe(migration.text).simple()
      await tx`
        INSERT INTO schema_migrations (version, name, checksum)
        VALUES (${migration.version}, ${migration.name}, ${migration.checksum})
      `
      applied.push(migration.id)
    })
  }
  return applied
}
