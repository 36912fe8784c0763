import type { Socket } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { quieterLogLevel, type Config } from './config.js'
import { strictJsonParser } from './json.js'
import { stdoutFor } from './log-destination.js'
import { loggerOptions, RequestLogController, requestId } from './logging.js'
import auth from './plugins/auth.js'
import cors from './plugins/cors.js'
import headers from './plugins/headers.js'
import limits from './plugins/limits.js'
import routeTable from './plugins/route-table.js'
import database from './plugins/database.js'
import docs from './plugins/docs.js'
import metrics from './plugins/metrics.js'
import reads from './plugins/reads.js'
import shutdown from './plugins/shutdown.js'
import { messages } from './messages.js'
import errors, { ApiError } from './plugins/errors.js'
import { clientErrorHandler, frameworkErrors, refuseConnect } from './protocol-errors.js'
import changes from './routes/changes.js'
import changeFeed from './plugins/change-feed.js'
import health from './routes/health.js'
import history from './routes/history.js'
import keys from './routes/keys.js'
import list from './routes/list.js'
import records from './routes/records.js'
import { createValidatorCompiler } from './validation.js'

/** What the app needs of the configuration: everything but where to listen and what runs it. */
export type AppConfig = Omit<Config, 'host' | 'port' | 'databaseUrl' | 'directDatabaseUrl' | 'readDatabaseUrl' | 'dataDir' | 'shutdownTimeoutSeconds' | 'shutdownDelaySeconds'>

export interface BuildOptions {
  config: AppConfig
  databaseUrl: string
  /** DIRECT_DATABASE_URL: set, `databaseUrl` is a transaction pooler (see plugins/database.ts). */
  directDatabaseUrl?: string | undefined
  /** READ_DATABASE_URL: a streaming replica of the primary that serves reads (see plugins/reads.ts). */
  readDatabaseUrl?: string | undefined
  /** Apply pending migrations before the app is ready (default true). */
  migrate?: boolean
  /** Where log lines go (default stdout). */
  logStream?: { write: (line: string) => void }
}

// RFC 9112 §3.2: an HTTP/1.1 request without a Host header is a 400. §6.1: so is one whose
// Transfer-Encoding does not end in chunked, and the connection must then be closed (where its
// body ends cannot be known). Node's parser only notices the latter when it reads the body, which
// a route without one (a HEAD) may have answered by then.
function refuseUnframed (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
  const encoding = request.headers['transfer-encoding']
  if (encoding !== undefined && !/(?:^|,)\s*chunked\s*$/i.test(encoding)) {
    reply.header('connection', 'close')
    done(new ApiError(400, messages.badRequest))
    return
  }
  done(request.headers.host === undefined && request.raw.httpVersion === '1.1' ? new ApiError(400, messages.hostMissing) : undefined)
}

export async function build ({ config, databaseUrl, directDatabaseUrl, readDatabaseUrl, migrate = true, logStream }: BuildOptions): Promise<FastifyInstance> {
  const timeouts = {
    // Node checks the request and header deadlines every connectionsCheckingInterval (30 s by
    // default), which would let a slow sender keep its socket up to 30 s past them.
    connectionsCheckingInterval: 1000,
    requestTimeout: config.requestTimeoutSeconds * 1000,
    headersTimeout: config.headersTimeoutSeconds * 1000,
    keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
    // Node answers a missing Host itself, with an empty body; the hook below answers in the envelope.
    requireHostHeader: false
  }
  const { trustProxy } = config
  const app = Fastify({
    logger: loggerOptions(config.logLevel, logStream ?? stdoutFor(config.logFormat)),
    logController: new RequestLogController(),
    bodyLimit: config.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: requestId,
    // A hop count trusts that many proxies nearest this server (what Fastify does with a number).
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    http: timeouts,
    requestTimeout: timeouts.requestTimeout,
    keepAliveTimeout: timeouts.keepAliveTimeout,
    // A socket with no activity at all for this long is destroyed (Node's inactivity timeout): a
    // backstop for every connection. Streamed responses also watch their progress (stall.ts),
    // which this timeout measures only loosely.
    connectionTimeout: config.sendTimeoutSeconds * 1000,
    // HEAD only where a route says so (exposeHeadRoute), and then it is harmless: Fastify's
    // automatic HEAD runs the GET handler, which would register a username or read a whole table.
    exposeHeadRoutes: false,
    frameworkErrors,
    clientErrorHandler,
    // Requests that arrive while the server drains get the contract's 503 (plugins/shutdown.ts),
    // which also closes the connections.
    return503OnClosing: false,
    forceCloseConnections: false
  })
  // A socket that timed out in the middle of a response (its client stopped reading) is reset:
  // closed gracefully, its unsent data (megabytes of a list) would stay queued in the kernel, and
  // the client would see the end only after reading it all. An idle keep-alive one just closes.
  app.server.on('timeout', (socket: Socket & { _httpMessage?: unknown }) => {
    if (socket._httpMessage != null) socket.resetAndDestroy()
    else socket.destroy()
  })
  app.server.on('connect', refuseConnect(app))
  // Request bodies and path parameters are validated strictly (see validation.ts).
  app.setValidatorCompiler(createValidatorCompiler())
  // JSON in: a text/plain body is a 415 like any other media type, not a string to validate.
  app.removeContentTypeParser('text/plain')
  strictJsonParser(app)

  try {
    // Hooks run in the order registered: the headers every response has first, then the refusals
    // that need no route (draining, CORS's OPTIONS), then per route.
    await app.register(headers)
    await app.register(routeTable)
    await app.register(errors, { bodyLimit: config.bodyLimit, retryAfterSeconds: config.retryAfterSeconds })
    app.addHook('onRequest', refuseUnframed)
    await app.register(shutdown)
    await app.register(cors, { origins: config.corsOrigins, consistencyTokens: readDatabaseUrl !== undefined })
    await app.register(limits, {
      keyIssuePerMinute: config.keyIssuePerMinute,
      writesPerSecond: config.writesPerSecond,
      redisUrl: config.redisUrl,
      redisKeyPrefix: config.redisKeyPrefix
    })
    await app.register(database, { url: databaseUrl, directUrl: directDatabaseUrl, poolMax: config.dbPoolMax, queryTimeoutSeconds: config.queryTimeoutSeconds, migrate })
    await app.register(reads, { url: readDatabaseUrl, poolMax: config.dbPoolMax, queryTimeoutSeconds: config.queryTimeoutSeconds })
    // Probes and scrapes come every few seconds: their lines only at warn and above.
    const probeLogLevel = quieterLogLevel(config.logLevel, 'warn')
    await app.register(metrics, { poolMax: config.dbPoolMax, logLevel: probeLogLevel })
    await app.register(docs)
    await app.register(health, { retryAfterSeconds: config.retryAfterSeconds, logLevel: probeLogLevel })
    await app.register(auth, { keyCacheSeconds: config.keyCacheSeconds })
    await app.register(keys)
    await app.register(list, { streamsMax: config.listStreamsMax, sendTimeoutSeconds: config.sendTimeoutSeconds })
    await app.register(changeFeed)
    await app.register(records, { idempotencyTtlHours: config.idempotencyTtlHours })
    await app.register(history)
    await app.register(changes, { clientsMax: config.changeFeedClientsMax })
  } catch (error) {
    // A half-built app may hold an open pool, which would keep the process alive.
    await app.close().catch(() => {})
    throw error
  }
  return app
}
