import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, LogLevel } from 'fastify'
import { getHealth, getReadiness } from '../../generated/schemas.js'
import { probeWithinMs } from '../db/statements.js'

export default async function health (scope: FastifyInstance, options: { retryAfterSeconds: number, logLevel: LogLevel }): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/healthz', { schema: getHealth, logLevel: options.logLevel, exposeHeadRoute: true }, async () => ({ status: 'ok' }) as const)

  // Within 2 s whatever the database does: a probe that hangs is as bad as one that lies. The
  // replica is asked at the same time, and only reported: reads fall back to the primary without
  // it, so it is never a reason to take this instance out of service.
  app.get('/readyz', { schema: getReadiness, logLevel: options.logLevel, exposeHeadRoute: true }, async (request, reply) => {
    if (app.leaving) {
      reply.code(503).header('retry-after', String(options.retryAfterSeconds))
      return { status: 'unavailable' } as const
    }
    const replica = app.replica?.probe().then(({ state, lagSeconds }) => ({ replica: { status: state, lag_seconds: lagSeconds } }))
    try {
      await app.db(app.sql`SELECT 1`, probeWithinMs)
      return { status: 'ok', ...await replica } as const
    } catch (error) {
      request.log.warn({ err: error }, 'database not ready')
      reply.code(503).header('retry-after', String(options.retryAfterSeconds))
      return { status: 'unavailable', ...await replica } as const
    }
  })
}
