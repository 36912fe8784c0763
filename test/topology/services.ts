// The engines of the scale-out topology, each a real process of Debian's packages on a free
// loopback port in one temporary directory: a PostgreSQL primary and its streaming replica,
// PgBouncer in transaction mode and HAProxy (Redis: test/redis-server.ts). Each `start` pushes its
// stop onto `stops`, which `stopAll` runs last first.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { freePort } from '../../src/db/embedded.js'
import { within } from '../helper.js'
import { startPgBouncer as startTestPgBouncer } from '../pgbouncer-server.js'

const asRoot = process.getuid?.() === 0
// PostgreSQL and PgBouncer refuse to run as root: as root they run as `postgres`.
const owner = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : undefined

/** The newest of Debian's PostgreSQL versions installed (/usr/lib/postgresql/<major>/bin). */
export function postgresBin (): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const majors = readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'pg_basebackup'))).sort((a, b) => Number(b) - Number(a))
  return majors[0] === undefined ? undefined : join(root, majors[0], 'bin')
}

/** What the topology needs and is not installed. */
export function missingPrograms (): string[] {
  const onPath = (name: string): boolean => (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, name)))
  return [
    ...(postgresBin() === undefined ? ['postgresql'] : []),
    ...['pgbouncer', 'haproxy', 'redis-server'].filter((name) => !onPath(name) && !existsSync(join('/usr/sbin', name)))
  ]
}

export type Stop = () => Promise<void>

/** Runs `stops` last first (what was started last is stopped first), reporting a failure and going on. */
export async function stopAll (stops: Stop[]): Promise<void> {
  for (let stop = stops.pop(); stop !== undefined; stop = stops.pop()) await stop().catch((error: unknown) => { console.error(error) })
}

/** A directory the `postgres` user may write (when running as root). */
async function ownedDir (path: string): Promise<string> {
  await mkdir(path, { recursive: true, mode: 0o700 })
  if (owner !== undefined) await chown(path, owner.uid, owner.gid)
  return path
}

function run (file: string, args: string[]): string {
  const [command, commandArgs] = asRoot && file.startsWith('/usr/lib/postgresql') ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args]
  return execFileSync(command, commandArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
}

/** A long-running program; its stop sends SIGTERM (SIGKILL after 10 s) and waits for the exit. */
function daemon (name: string, file: string, args: string[], ready: (output: string) => boolean): { child: ChildProcess, output: () => string, started: Promise<void>, stop: Stop } {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const started = within((async () => {
    while (!ready(output)) {
      if (child.exitCode !== null) throw new Error(`${name} exited:\n${output}`)
      await delay(20)
    }
  })(), 15_000, `${name} starting`)
  const stop: Stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(killer)
  }
  return { child, output: () => output, started, stop }
}

export interface Postgres { primaryUrl: string, replicaUrl: string, primaryPort: number, replicaPort: number, database: string }

/** A primary with wal_level=replica and a replica made by pg_basebackup -R, streaming from it. */
export async function startPostgres (dir: string, stops: Stop[], database = 'phoenix'): Promise<Postgres> {
  const bin = postgresBin()
  if (bin === undefined) throw new Error('no PostgreSQL in /usr/lib/postgresql (apt-get install postgresql)')
  const primaryDir = join(await ownedDir(dir), 'primary')
  const replicaDir = join(dir, 'replica')
  const [primaryPort, replicaPort] = [await freePort(), await freePort()]
  run(join(bin, 'initdb'), ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync'])
  const settings = (port: number): string[] => ['-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c max_connections=300 -c wal_level=replica -c hot_standby=on`]
  const pgCtl = (dataDir: string, port: number): { start: () => void, stop: Stop } => ({
    start: () => { run(join(bin, 'pg_ctl'), ['start', '--wait', '--timeout=60', '-D', dataDir, '-l', join(dataDir, 'server.log'), ...settings(port)]) },
    stop: async () => { run(join(bin, 'pg_ctl'), ['stop', '--wait', '--timeout=60', '-D', dataDir, '-m', 'fast']) }
  })
  const primary = pgCtl(primaryDir, primaryPort)
  primary.start()
  stops.push(primary.stop)
  run(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-qc', `CREATE DATABASE ${database}`])
  run(join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync'])
  const replica = pgCtl(replicaDir, replicaPort)
  replica.start()
  stops.push(replica.stop)
  const url = (port: number): string => `postgres://postgres@127.0.0.1:${port}/${database}`
  return { primaryUrl: url(primaryPort), replicaUrl: url(replicaPort), primaryPort, replicaPort, database }
}

/** PgBouncer in transaction mode (its other settings as they come) in front of the primary. */
export async function startPgBouncer (stops: Stop[], pg: Postgres): Promise<{ url: string, port: number }> {
  const bouncer = await startTestPgBouncer(pg.primaryUrl, { admin: true })
  stops.push(bouncer.stop)
  return { url: bouncer.url, port: Number(new URL(bouncer.url).port) }
}

/**
 * HAProxy balancing `ports` round-robin, each server checked with GET /readyz every 250 ms (down
 * after 2 failures, up after 2 successes). A connection refused is tried again on another server
 * (`option redispatch`): nothing was sent, so that is safe for any request.
 */
export async function startHaproxy (dir: string, stops: Stop[], ports: number[]): Promise<{ base: string }> {
  const port = await freePort()
  const cfg = join(dir, 'haproxy.cfg')
  await writeFile(cfg, [
    'global', '  maxconn 4096',
    'defaults', '  mode http', '  timeout connect 2s', '  timeout client 60s', '  timeout server 60s', '  timeout tunnel 1h',
    '  retries 3', '  option redispatch 1',
    'frontend api', `  bind 127.0.0.1:${port}`, '  default_backend phoenix',
    'backend phoenix', '  balance roundrobin', '  option httpchk GET /readyz', '  http-check expect status 200',
    '  default-server inter 250ms fall 2 rise 2',
    ...ports.map((serverPort, i) => `  server phoenix${i + 1} 127.0.0.1:${serverPort} check`), ''
  ].join('\n'))
  const haproxy = daemon('haproxy', existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy', ['-db', '-f', cfg], () => true)
  stops.push(haproxy.stop)
  const base = `http://127.0.0.1:${port}`
  await within((async () => {
    for (;;) {
      if (haproxy.child.exitCode !== null) throw new Error(`haproxy exited:\n${haproxy.output()}`)
      if (await fetch(`${base}/healthz`).then((response) => response.ok, () => false)) return
      await delay(50)
    }
  })(), 15_000, 'haproxy answering')
  return { base }
}
