// The api-key check, added as an onRequest hook by the scopes that hold protected routes.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ApiError } from './errors.js'
import { messages } from '../messages.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The username of the request's API key, set on protected routes. */
    username: string
  }
}

export function digestKey (key: string): Buffer {
  return createHash('sha256').update(key).digest()
}

export function requireApiKey (scope: FastifyInstance): void {
  scope.decorateRequest('username', '')
  scope.addHook('onRequest', async (request: FastifyRequest) => {
    const key = request.headers['api-key']
    if (typeof key !== 'string' || key === '') throw new ApiError(401, messages.notAuthenticated)
    const [row] = await scope.sql<{ username: string }[]>`
      SELECT username FROM authenticationkey WHERE key_digest = ${digestKey(key)}
    `
    if (row === undefined) throw new ApiError(401, messages.notAuthenticated)
    request.username = row.username
  })
}
