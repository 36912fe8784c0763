import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { getHealth, getReadiness } from '../../generated/schemas.js'

export default async function health (scope: FastifyInstance, options: { retryAfterSeconds: number }): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()

  app.get('/healthz', { schema: getHealth, logLevel: 'warn' }, async () => ({ status: 'ok' }) as const)

  app.get('/readyz', { schema: getReadiness, logLevel: 'warn' }, async (request, reply) => {
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
