import Fastify, { type FastifyInstance } from 'fastify'
import { quieterLogLevel, type Config } from './config.js'
import { loggerOptions, RequestLogController, requestId } from './logging.js'
import auth from './plugins/auth.js'
import database from './plugins/database.js'
import docs from './plugins/docs.js'
import errors from './plugins/errors.js'
import metrics from './plugins/metrics.js'
import health from './routes/health.js'
import keys from './routes/keys.js'
import records from './routes/records.js'
import { createValidatorCompiler } from './validation.js'

export interface BuildOptions {
  config: Pick<Config, 'logLevel' | 'bodyLimit' | 'dbPoolMax' | 'retryAfterSeconds' | 'keyCacheSeconds'>
  databaseUrl: string
  /** Apply pending migrations before the app is ready (default true). */
  migrate?: boolean
  /** Where log lines go (default stdout). */
  logStream?: { write: (line: string) => void }
}

export async function build ({ config, databaseUrl, migrate = true, logStream }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.logLevel, logStream),
    logController: new RequestLogController(),
    bodyLimit: config.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: requestId,
    // Requests that arrive while the server drains get the contract's 503 (see plugins/errors.ts).
    return503OnClosing: false
  })
  // Hooks on every request take a callback rather than being async: no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  // Request bodies and path parameters are validated strictly (see validation.ts).
  app.setValidatorCompiler(createValidatorCompiler())
  // JSON in: a text/plain body is a 415 like any other media type, not a string to validate.
  app.removeContentTypeParser('text/plain')

  try {
    await app.register(errors, { bodyLimit: config.bodyLimit, retryAfterSeconds: config.retryAfterSeconds })
    await app.register(database, { url: databaseUrl, poolMax: config.dbPoolMax, migrate })
    // Probes and scrapes come every few seconds: their lines only at warn and above.
    const probeLogLevel = quieterLogLevel(config.logLevel, 'warn')
    await app.register(metrics, { poolMax: config.dbPoolMax, logLevel: probeLogLevel })
    await app.register(docs)
    await app.register(health, { retryAfterSeconds: config.retryAfterSeconds, logLevel: probeLogLevel })
    await app.register(auth, { databaseUrl, keyCacheSeconds: config.keyCacheSeconds })
    await app.register(keys)
    await app.register(records)
  } catch (error) {
    // A half-built app may hold an open pool, which would keep the process alive.
    await app.close().catch(() => {})
    throw error
  }
  return app
}
