// The benchmark's PostgreSQL: one server for both Phoenix and the baseline (BENCH_DATABASE_URL,
// or an embedded cluster in a temporary directory), with a fresh database for each, migrated by
// the project's own migrations and seeded straight through SQL.
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import postgres, { type Sql } from 'postgres'
import { startEmbeddedDatabase } from '../src/db/embedded.js'
import { migrate } from '../src/db/migrate.js'
import { digestKey } from '../src/plugins/auth.js'

export interface BenchServer {
  /** `embedded PostgreSQL …` or the server of BENCH_DATABASE_URL (without credentials). */
  description: string
  /** The cluster's postmaster when it runs on this machine (its CPU time can be read), else undefined. */
  postmasterPid: number | undefined
  createDatabase: (suffix: string) => Promise<BenchDatabase>
  /** Drops every database it created and stops the embedded cluster, if any. */
  close: () => Promise<void>
}

export interface BenchDatabase {
  name: string
  url: string
  sql: Sql
}

function withDatabase (serverUrl: string, database: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.toString()
}

export async function openBenchServer (serverUrl: string | undefined, log: (line: string) => void): Promise<BenchServer> {
  let adminUrl = serverUrl
  let description = ''
  let cleanup = async (): Promise<void> => {}
  if (adminUrl === undefined || adminUrl === '') {
    const dataDir = await mkdtemp(join(tmpdir(), 'phoenix-bench-'))
    try {
      const embedded = await startEmbeddedDatabase({ dataDir })
      adminUrl = embedded.url
      description = `embedded PostgreSQL in ${dataDir}`
      cleanup = async () => {
        await embedded.stop()
        await rm(dataDir, { recursive: true, force: true })
      }
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true })
      throw error
    }
  } else {
    const url = new URL(adminUrl)
    description = `${url.protocol}//${url.host}${url.pathname} (BENCH_DATABASE_URL)`
  }
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  const [{ server_version: version }] = await admin<[{ server_version: string }]>`SHOW server_version`
  description += `, PostgreSQL ${version}`
  const [{ pid: backendPid }] = await admin<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`
  const postmasterPid = await localPostmaster(backendPid)
  const run = randomBytes(4).toString('hex')
  const created: BenchDatabase[] = []

  return {
    description,
    postmasterPid,
    createDatabase: async (suffix) => {
      const name = `phoenix_bench_${run}_${suffix}`
      await admin.unsafe(`CREATE DATABASE ${name}`)
      const url = withDatabase(adminUrl, name)
      // A lock the servers never release (see stuckSessions) fails the run instead of hanging it.
      const sql = postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: harnessName, lock_timeout: 30_000 } })
      const database = { name, url, sql }
      created.push(database)
      await migrate(sql)
      return database
    },
    close: async () => {
      for (const database of created) {
        await database.sql.end({ timeout: 5 }).catch(() => {})
        await admin.unsafe(`DROP DATABASE IF EXISTS ${database.name} WITH (FORCE)`)
          .catch((error: unknown) => { log(`could not drop ${database.name}: ${String(error)}`) })
      }
      await admin.end({ timeout: 5 })
      await cleanup()
    }
  }
}

// A backend's parent is the postmaster, if the backend is a process of this machine at all (the
// server may be elsewhere, or in another PID namespace, where the number means nothing here).
async function localPostmaster (backendPid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${backendPid}/stat`, 'utf8').catch(() => '')
  if (!stat.includes('(postgres)')) return undefined
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  const parentStat = await readFile(`/proc/${parent}/stat`, 'utf8').catch(() => '')
  return parentStat.includes('(postgres)') ? parent : undefined
}

export const benchUsername = 'bench'
const harnessName = 'phoenix-bench'

export interface StuckSession {
  pid: number
  state: string
  query: string
}

/**
 * Sessions of the server under test still busy `graceMs` after its load stopped: a query that
 * never finishes, or a cursor left open when a client went away mid-response. Each holds a pool
 * connection and its locks for good (the harness's next TRUNCATE would wait forever), so they
 * are reported, then terminated so that the run can go on.
 */
export async function stuckSessions (sql: Sql, graceMs = 3000): Promise<StuckSession[]> {
  const deadline = Date.now() + graceMs
  for (;;) {
    const sessions = await sql<StuckSession[]>`
      SELECT pid, coalesce(state, '') AS state, left(query, 200) AS query
      FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND application_name <> ${harnessName} AND state IS DISTINCT FROM 'idle'
    `
    if (sessions.length === 0) return []
    if (Date.now() >= deadline) {
      for (const session of sessions) await sql`SELECT pg_terminate_backend(${session.pid})`
      return sessions
    }
    await sleep(100)
  }
}

/** Issues the keys the load uses, one user each (bench_1, bench_2, …), as Phoenix stores them (SHA-256 digests only). */
export async function seedKeys (sql: Sql, keys: string[]): Promise<void> {
  const rows = keys.map((key, index) => ({ username: `${benchUsername}_${index + 1}`, key_digest: digestKey(key), created_on: '2026-01-01T00:00:00Z' }))
  await sql`INSERT INTO authenticationkey ${sql(rows, 'username', 'key_digest', 'created_on')}`
}

/**
 * Replaces every record with `count` new ones numbered 1..count. The dates are fixed so both
 * databases hold byte-for-byte the same rows and the two servers' answers can be compared.
 */
export async function resetRecords (sql: Sql, count: number): Promise<void> {
  await sql`TRUNCATE record RESTART IDENTITY`
  await sql`
    INSERT INTO record ("timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate)
    SELECT 1700000000 + g * 0.25, 'record number ' || g, g / 8.0, g % 2 = 0, ${benchUsername},
           '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 millisecond',
           '2026-01-01T00:00:00Z'::timestamptz + g * interval '1 millisecond'
    FROM generate_series(1, ${count}::integer) AS g
  `
  await sql`ANALYZE record`
}

/**
 * Turns the history triggers of sql/004 off: what a v1 store (the baseline) does on every write,
 * or Phoenix without its history (`--history off`). The version trigger stays: both answer alike.
 */
export async function disableHistory (sql: Sql): Promise<void> {
  for (const trigger of ['record_history_insert', 'record_history_update', 'record_history_delete']) {
    await sql.unsafe(`ALTER TABLE record DISABLE TRIGGER ${trigger}`)
  }
}
