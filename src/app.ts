import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import database from './plugins/database.js'
import docs from './plugins/docs.js'
import errors from './plugins/errors.js'
import health from './routes/health.js'
import keys from './routes/keys.js'
import records from './routes/records.js'
import { createValidatorCompiler } from './validation.js'

export interface BuildOptions {
  config: Pick<Config, 'logLevel' | 'bodyLimit' | 'dbPoolMax' | 'retryAfterSeconds'>
  databaseUrl: string
  /** Apply pending migrations before the app is ready (default true). */
  migrate?: boolean
  logger?: FastifyServerOptions['logger']
}

export async function build ({ config, databaseUrl, migrate = true, logger }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      redact: { paths: ['req.headers["api-key"]', 'req.headers.authorization'], censor: '[redacted]' }
    },
    bodyLimit: config.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true
  })
  // Request bodies and path parameters are validated strictly (see validation.ts).
  app.setValidatorCompiler(createValidatorCompiler())

  await app.register(errors, { bodyLimit: config.bodyLimit, retryAfterSeconds: config.retryAfterSeconds })
  await app.register(database, { url: databaseUrl, poolMax: config.dbPoolMax, migrate })
  await app.register(docs)
  await app.register(health, { retryAfterSeconds: config.retryAfterSeconds })
  await app.register(keys)
  await app.register(records)
  return app
}
