// The only module that reads process.env: every setting is parsed and checked here, once, at start.
import { isIP } from 'node:net'
import { resolve } from 'node:path'
import type { LogLevel } from 'fastify'
import { projectRoot } from './paths.js'

export interface Config {
  host: string
  port: number
  /** When absent, the server starts an embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined
  /**
   * A direct connection to the primary; set, it makes `databaseUrl` a transaction pooler
   * (PgBouncer), and whatever needs a session of its own uses this instead.
   */
  directDatabaseUrl: string | undefined
  /** A streaming replica of the primary (hot standby) that serves reads; see plugins/reads.ts. */
  readDatabaseUrl: string | undefined
  dataDir: string
  logLevel: LogLevel
  /** `json`: one JSON line per entry (for machines); `pretty`: one readable line (for people). */
  logFormat: LogFormat
  bodyLimit: number
  dbPoolMax: number
  /** Seconds a client is told to wait (`Retry-After`) while the database is unreachable. */
  retryAfterSeconds: number
  /** Seconds a verified API key is remembered (0: look every key up every time). */
  keyCacheSeconds: number
  /** Seconds a statement may take, waiting for a pool connection included, before the request gets a 503. */
  queryTimeoutSeconds: number
  /** Seconds a graceful shutdown may take before remaining connections are destroyed. */
  shutdownTimeoutSeconds: number
  /** Seconds from SIGTERM during which /readyz answers 503 while requests are still served, before the drain. */
  shutdownDelaySeconds: number
  /** Seconds a socket may make no progress (a client that stops reading) before it is destroyed. */
  sendTimeoutSeconds: number
  /** Seconds a client has to send a whole request, and its headers. */
  requestTimeoutSeconds: number
  headersTimeoutSeconds: number
  /** Seconds an idle keep-alive connection is kept open. */
  keepAliveTimeoutSeconds: number
  /** Full lists (GET /api/list without limit) streamed at once by this instance. */
  listStreamsMax: number
  /** Keys issued per client address per minute (0: no limit). */
  keyIssuePerMinute: number
  /** Writes per key per second (0: no limit). */
  writesPerSecond: number
  /** A Redis where every instance counts the limits together; absent, each counts in its memory. */
  redisUrl: string | undefined
  /** Prefix of this deployment's keys in that Redis, so that several deployments can share one. */
  redisKeyPrefix: string
  /** Fastify's trustProxy: which proxies' X-Forwarded-For names the client. */
  trustProxy: boolean | number | string[]
  /** Origins whose pages may call the API from a browser: `*` for any. */
  corsOrigins: '*' | string[]
  /** Hours the answer to a create with an Idempotency-Key is kept for replays. */
  idempotencyTtlHours: number
  /** Change feed streams (GET /api/changes) this instance serves at once. */
  changeFeedClientsMax: number
}

export class ConfigError extends Error {
  constructor (readonly variable: string, problem: string) {
    super(`${variable} ${problem}`)
    this.name = 'ConfigError'
  }
}

export const logFormats = ['json', 'pretty'] as const
export type LogFormat = typeof logFormats[number]

// From the most to the least verbose.
const logLevels: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']

/** The quieter of two log levels: a route can lower its logging this way, never raise it. */
export function quieterLogLevel (level: LogLevel, other: LogLevel): LogLevel {
  return logLevels.indexOf(level) >= logLevels.indexOf(other) ? level : other
}

function integer (env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`)
  }
  return Number(raw)
}

/** A URL with one of `schemes` (`postgres:`), or undefined when the variable is unset or empty. */
function url (env: NodeJS.ProcessEnv, name: string, schemes: string[], example: string): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new ConfigError(name, `must be a URL like ${example}`)
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${schemes.map((scheme) => `${scheme}//`).join(' or ')}, got ${parsed.protocol}//`)
  }
  return raw
}

function databaseUrl (env: NodeJS.ProcessEnv, name: 'DATABASE_URL' | 'DIRECT_DATABASE_URL' | 'READ_DATABASE_URL'): string | undefined {
  return url(env, name, ['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/database')
}

function redisKeyPrefix (env: NodeJS.ProcessEnv): string {
  const raw = env.REDIS_KEY_PREFIX
  if (raw === undefined || raw === '') return 'phoenix:'
  // Printable and without spaces, so that the keys read the same in redis-cli as in the logs.
  if (!/^[!-~]{1,64}$/.test(raw)) {
    throw new ConfigError('REDIS_KEY_PREFIX', `must be 1 to 64 printable ASCII characters without spaces, got ${JSON.stringify(raw)}`)
  }
  return raw
}

// As Fastify's trustProxy takes it: true, a hop count, or proxy addresses and CIDR ranges (and
// proxy-addr's names for the loopback, link-local and unique-local ranges).
function trustProxy (env: NodeJS.ProcessEnv): Config['trustProxy'] {
  const raw = (env.TRUST_PROXY ?? '').trim()
  if (raw === '' || raw === 'false') return false
  if (raw === 'true') return true
  if (/^\d+$/.test(raw)) return Number(raw)
  const entries = raw.split(',').map((entry) => entry.trim())
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/')
    const family = isIP(address)
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))
    if (!['loopback', 'linklocal', 'uniquelocal'].includes(entry) && (family === 0 || !validBits)) {
      throw new ConfigError('TRUST_PROXY', `must be true, false, a hop count, or comma-separated proxy addresses or CIDR ranges, got ${JSON.stringify(entry)}`)
    }
  }
  return entries
}

function corsOrigins (env: NodeJS.ProcessEnv): Config['corsOrigins'] {
  const raw = (env.CORS_ORIGINS ?? '').trim()
  if (raw === '' || raw === '*') return '*'
  const origins = raw.split(',').map((origin) => origin.trim())
  for (const origin of origins) {
    let url: URL | undefined
    try {
      url = new URL(origin)
    } catch {}
    // An origin is a scheme, a host and a port, with nothing after them (as a browser sends it).
    if (url === undefined || url.origin !== origin) {
      throw new ConfigError('CORS_ORIGINS', `must be * or comma-separated origins like https://app.example.com, got ${JSON.stringify(origin)}`)
    }
  }
  return origins
}

export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = (env.LOG_LEVEL === undefined || env.LOG_LEVEL === '' ? 'info' : env.LOG_LEVEL) as LogLevel
  if (!logLevels.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${logLevels.join(', ')}, got ${JSON.stringify(logLevel)}`)
  }
  const logFormat = (env.LOG_FORMAT === undefined || env.LOG_FORMAT === '' ? 'json' : env.LOG_FORMAT) as LogFormat
  if (!logFormats.includes(logFormat)) {
    throw new ConfigError('LOG_FORMAT', `must be one of ${logFormats.join(', ')}, got ${JSON.stringify(logFormat)}`)
  }
  const requestTimeoutSeconds = integer(env, 'REQUEST_TIMEOUT_SECONDS', 30, 1, 3600)
  const headersTimeoutSeconds = integer(env, 'HEADERS_TIMEOUT_SECONDS', 10, 1, 3600)
  // Node refuses a server whose headers may take longer than the whole request.
  if (headersTimeoutSeconds > requestTimeoutSeconds) {
    throw new ConfigError('HEADERS_TIMEOUT_SECONDS', `must not be more than REQUEST_TIMEOUT_SECONDS (${requestTimeoutSeconds}), got ${headersTimeoutSeconds}`)
  }
  const directDatabaseUrl = databaseUrl(env, 'DIRECT_DATABASE_URL')
  // It names the primary behind DATABASE_URL's pooler: without DATABASE_URL there is no pooler.
  if (directDatabaseUrl !== undefined && databaseUrl(env, 'DATABASE_URL') === undefined) {
    throw new ConfigError('DIRECT_DATABASE_URL', 'is set but DATABASE_URL is not: set DATABASE_URL to the transaction pooler (PgBouncer), or unset DIRECT_DATABASE_URL')
  }
  const readDatabaseUrl = databaseUrl(env, 'READ_DATABASE_URL')
  // The embedded database listens on a new port with its own password at every start: nothing can
  // replicate it, so a replica named beside it would be some other database's.
  if (readDatabaseUrl !== undefined && databaseUrl(env, 'DATABASE_URL') === undefined) {
    throw new ConfigError('READ_DATABASE_URL', 'is set but DATABASE_URL is not: set DATABASE_URL to the primary it replicates, or unset READ_DATABASE_URL')
  }
  return {
    host: env.HOST === undefined || env.HOST === '' ? '127.0.0.1' : env.HOST,
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl: databaseUrl(env, 'DATABASE_URL'),
    directDatabaseUrl,
    readDatabaseUrl,
    dataDir: resolve(projectRoot, env.DATA_DIR === undefined || env.DATA_DIR === '' ? '.data' : env.DATA_DIR),
    logLevel,
    logFormat,
    bodyLimit: integer(env, 'BODY_LIMIT', 16384, 1024, 1048576),
    dbPoolMax: integer(env, 'DB_POOL_MAX', 10, 1, 1000),
    retryAfterSeconds: integer(env, 'RETRY_AFTER_SECONDS', 5, 1, 3600),
    keyCacheSeconds: integer(env, 'KEY_CACHE_SECONDS', 5, 0, 300),
    queryTimeoutSeconds: integer(env, 'QUERY_TIMEOUT_SECONDS', 5, 1, 300),
    shutdownTimeoutSeconds: integer(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, 1, 3600),
    shutdownDelaySeconds: integer(env, 'SHUTDOWN_DELAY_SECONDS', 0, 0, 3600),
    sendTimeoutSeconds: integer(env, 'SEND_TIMEOUT_SECONDS', 30, 1, 3600),
    requestTimeoutSeconds,
    headersTimeoutSeconds,
    keepAliveTimeoutSeconds: integer(env, 'KEEP_ALIVE_TIMEOUT_SECONDS', 65, 1, 3600),
    listStreamsMax: integer(env, 'LIST_STREAMS_MAX', 8, 1, 1000),
    keyIssuePerMinute: integer(env, 'KEY_ISSUE_PER_MINUTE', 10, 0, 1_000_000),
    writesPerSecond: integer(env, 'WRITES_PER_SECOND', 100, 0, 1_000_000),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://:password@host:6379/0 (rediss:// for TLS)'),
    redisKeyPrefix: redisKeyPrefix(env),
    trustProxy: trustProxy(env),
    corsOrigins: corsOrigins(env),
    idempotencyTtlHours: integer(env, 'IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 90),
    changeFeedClientsMax: integer(env, 'CHANGE_FEED_CLIENTS_MAX', 1000, 1, 100_000)
  }
}
