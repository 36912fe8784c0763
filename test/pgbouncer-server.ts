// PgBouncer of a test's own (test/pgbouncer.test.ts, test/topology/): on a free loopback port in a
// temporary directory, transaction mode, its other settings as they come.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { freePort } from '../src/db/embedded.js'
import { within } from './helper.js'

export const pgbouncerInstalled = (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'pgbouncer')))

export interface Bouncer { url: string, log: () => string, stop: () => Promise<void> }

/**
 * PgBouncer on a free loopback port in a temporary directory: its defaults but for
 * `pool_mode = transaction`, the address, no unix socket, and the one database. It refuses to run
 * as root, so as root it runs as `postgres` (the user the test's PostgreSQL runs as). With
 * `admin`, the database's user may also use its admin console (SHOW POOLS: bench:topology).
 */
export async function startPgBouncer (directUrl: string, { admin = false }: { admin?: boolean } = {}): Promise<Bouncer> {
  const direct = new URL(directUrl)
  const database = direct.pathname.slice(1)
  const user = decodeURIComponent(direct.username)
  const password = decodeURIComponent(direct.password)
  const dir = await mkdtemp(join(tmpdir(), 'phoenix-pgbouncer-test-'))
  const port = await freePort()
  const asRoot = process.getuid?.() === 0
  await writeFile(join(dir, 'users.txt'), `"${user}" "${password}"\n`, { mode: 0o600 })
  await writeFile(join(dir, 'pgbouncer.ini'), [
    '[databases]',
    `${database} = host=${direct.hostname} port=${direct.port === '' ? 5432 : direct.port} dbname=${database}`,
    '[pgbouncer]',
    'pool_mode = transaction',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    `auth_file = ${join(dir, 'users.txt')}`,
    // The default (md5) needs a password to check; a server that trusts (TEST_DATABASE_URL without one) gets trust.
    ...(password === '' ? ['auth_type = trust'] : []),
    ...(admin ? [`admin_users = ${user}`] : []),
    ''
  ].join('\n'), { mode: 0o600 })
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }))
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }))
    for (const file of [dir, join(dir, 'users.txt'), join(dir, 'pgbouncer.ini')]) await chown(file, uid, gid)
  }
  await chmod(dir, 0o700)
  const child: ChildProcess = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { log += chunk })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM')
    await within(exited, 10_000, 'pgbouncer exiting on SIGTERM')
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await within((async () => { while (!log.includes('process up')) { if (child.exitCode !== null) throw new Error(log); await delay(20) } })(), 10_000, `pgbouncer starting:\n${log}`)
  } catch (error) {
    await stop()
    throw error
  }
  const url = new URL(directUrl)
  url.host = `127.0.0.1:${port}`
  return { url: url.toString(), log: () => log, stop }
}
