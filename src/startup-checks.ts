// What start-up tries before it starts or changes anything, each failure as a ConfigError naming
// the setting to fix and what was tried. Found late, a bad HOST or PORT used to surface from
// listen() after the migrations had run, and an unreachable DATABASE_URL as a bare
// "connect ECONNREFUSED 127.0.0.1:1".
import { mkdir, unlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { ConfigError } from './config.js'
import { createSql } from './db/client.js'

function reason (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A failure to listen on HOST:PORT as a ConfigError naming the one to change (other errors as they are). */
export function listenError (error: unknown, host: string, port: number): unknown {
  const tried = `listening on ${host}:${port} failed (${reason(error)})`
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return new ConfigError('PORT', `${port} is already in use on ${host}: ${tried}; stop what listens there or choose another PORT`)
    case 'EACCES':
      return new ConfigError('PORT', `${port} may not be listened on by this user: ${tried}; ports below 1024 need privileges, choose another PORT`)
    case 'EADDRNOTAVAIL':
      return new ConfigError('HOST', `${host} is not an address of this machine: ${tried}; use one of its addresses, or 0.0.0.0 for all of them`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new ConfigError('HOST', `${host} does not resolve to an address: ${tried}; use an address of this machine such as 127.0.0.1, or 0.0.0.0 for all of them`)
    default:
      return error
  }
}

/**
 * Binds HOST:PORT once and lets go again, so that a name that does not resolve, an address that
 * is not this machine's or a port in use stops the start before a database is started or migrated.
 * (The port could still be taken before the server listens; listen's own error is mapped the same way.)
 */
export async function checkListenAddress (host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer()
    server.once('error', (error) => reject(listenError(error, host, port)))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve()))
  })
}

/** DATA_DIR must be (or become) a directory this process can write: the lock and the cluster live there. */
export async function checkDataDir (dataDir: string): Promise<void> {
  const probe = join(dataDir, `.phoenix-write-check.${process.pid}`)
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    await writeFile(probe, '')
    await unlink(probe)
  } catch (error) {
    throw new ConfigError('DATA_DIR', `${dataDir} is not a directory this user can write (${reason(error)}): ` +
      'choose another DATA_DIR, or set DATABASE_URL to use an existing PostgreSQL server')
  }
}

/** The URL as it may be printed: the password replaced. */
export function redactUrl (url: string): string {
  const parsed = new URL(url)
  if (parsed.password !== '') parsed.password = '***'
  return parsed.toString()
}

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'])

export interface DatabaseCheck {
  /** The setting that named `url`, for the message. */
  variable?: 'DATABASE_URL' | 'DIRECT_DATABASE_URL' | 'READ_DATABASE_URL'
  /** Connect as the pool does behind PgBouncer (DATABASE_URL when DIRECT_DATABASE_URL is set). */
  transactionPooler?: boolean
  /**
   * A server that does not answer is only reported (READ_DATABASE_URL: reads go to the primary
   * until it does); one that refuses the connection is still a configuration error.
   */
  mayBeDown?: boolean
}

/**
 * Connects to DATABASE_URL (or DIRECT_DATABASE_URL) and runs `SELECT 1` with the pool's own
 * settings, before the migrations: a server that cannot be reached, or that refuses these
 * credentials or the pool's startup parameters, stops the start with the address tried and what
 * the server (or the network) said.
 */
export async function checkDatabase (url: string, queryTimeoutSeconds: number, { variable = 'DATABASE_URL', transactionPooler = false, mayBeDown = false }: DatabaseCheck = {}): Promise<void> {
  const parsed = new URL(url)
  const address = `${parsed.hostname === '' ? 'localhost' : parsed.hostname}:${parsed.port === '' ? '5432' : parsed.port}`
  const sql = createSql({ url, poolMax: 1, queryTimeoutSeconds, transactionPooler })
  try {
    await sql`SELECT 1`
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const down = typeof code === 'string' && unreachable.has(code)
    const problem = down
      ? `no PostgreSQL answered at ${address} (${reason(error)}); check that it is running and that ${variable} names it`
      : `the PostgreSQL at ${address} refused the connection (${reason(error)}); check the user, password and database in ${variable}`
    if (down && mayBeDown) {
      console.warn(`${variable} ${redactUrl(url)}: ${problem}. Starting anyway: reads go to the primary until it answers`)
      return
    }
    throw new ConfigError(variable, `${redactUrl(url)}: ${problem}`)
  } finally {
    await sql.end({ timeout: 0 })
  }
}
