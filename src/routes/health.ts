import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, LogLevel } from 'fastify'
import { getHealth, getReadiness } from '../../generated/schemas.js'

export default async function health (scope: FastifyInstance, options: { retryAfterSeconds: number, logLevel: LogLevel }): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/healthz', { schema: getHealth, logLevel: options.logLevel }, async () => ({ status: 'ok' }) as const)

  app.get('/readyz', { schema: getReadiness, logLevel: options.logLevel }, async (request, reply) => {
    try {
      await app.sql`SELECT 1`
      return { status: 'ok' } as const
    } catch (error) {
      request.log.warn({ err: error }, 'database not ready')
      reply.code(503).header('retry-after', String(options.retryAfterSeconds))
      return { status: 'unavailable' } as const
    }
  })
}
