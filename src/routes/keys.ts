import { randomBytes } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { components } from '../../generated/openapi.js'
import { generateKey, generateKeyDeprecated } from '../../generated/schemas.js'
import { messages } from '../messages.js'
import { digestKey } from '../plugins/auth.js'
import { ApiError } from '../plugins/errors.js'
import { ignoreRequestBody } from '../validation.js'

type KeyIssued = components['schemas']['KeyIssued']

export default async function keys (scope: FastifyInstance): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()

  ignoreRequestBody(app)

  // 256 random bits; only the SHA-256 digest is stored. A duplicate username (ignoring case)
  // violates the unique index, which the error handler answers with 409.
  async function issue (username: string): Promise<KeyIssued> {
    const key = `phx_${randomBytes(32).toString('base64url')}`
    const [row] = await app.db(app.sql<{ username: string, created_on: string }[]>`
      INSERT INTO authenticationkey (username, key_digest)
      VALUES (${username}, ${digestKey(key)})
      RETURNING username, created_on
    `)
    return { status: 'success', username: row!.username, api_key: key, created_on: row!.created_on, message: messages.keyIssued }
  }

  app.post('/api/generate_key/:username', { schema: generateKey }, async (request, reply) => {
    reply.code(201).header('cache-control', 'no-store')
    return await issue(request.params.username)
  })

  app.get('/api/generate_key/:username', { schema: generateKeyDeprecated }, async (request, reply) => {
    reply.code(201).header('cache-control', 'no-store').header('deprecation', 'true')
    return await issue(request.params.username)
  })

  app.route({
    method: ['GET', 'POST'],
    url: '/api/generate_key',
    handler: async () => { throw new ApiError(400, messages.usernameMissing) }
  })
}
