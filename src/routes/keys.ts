import { randomBytes } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { components } from '../../generated/openapi.js'
import { generateKey, generateKeyDeprecated, revokeKey, rotateKey } from '../../generated/schemas.js'
import { messages } from '../messages.js'
import { digestKey, requireApiKey } from '../plugins/auth.js'
import { ApiError } from '../plugins/errors.js'
import { ignoreRequestBody } from '../validation.js'

type KeyIssued = components['schemas']['KeyIssued']

// 256 random bits, URL-safe; only its SHA-256 digest is ever stored.
const newKey = (): string => `phx_${randomBytes(32).toString('base64url')}`

// Content types an HTML form (or a script without a preflight) can send.
const formTypes = /^\s*(?:application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\s*(?:;|$)/i

/**
 * A page on another site may call generate_key with fetch() and read the key (CORS allows any
 * origin), but a form, link, image or no-cors fetch would register the name and never see the
 * key: the name would be lost to its owner, squatted through the visitor's browser. Such requests
 * are refused: by the browser's Fetch Metadata (Sec-Fetch-Site, Sec-Fetch-Mode), and, from a
 * browser that sends none, a form's content type from another origin.
 */
function refuseBlindCrossSite (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  const site = request.headers['sec-fetch-site']
  const blind = site === undefined
    ? request.headers.origin !== undefined && formTypes.test(request.headers['content-type'] ?? '') && !sameOrigin(request)
    : (site === 'cross-site' || site === 'same-site') && request.headers['sec-fetch-mode'] !== 'cors'
  done(blind ? new ApiError(403, messages.crossSiteRefused) : undefined)
}

function sameOrigin (request: FastifyRequest): boolean {
  const origin = request.headers.origin ?? ''
  return origin === `${request.protocol}://${request.host}`
}

export default async function keys (scope: FastifyInstance): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()

  ignoreRequestBody(app)

  // A duplicate username (ignoring case), revoked or not, violates the unique index, which the
  // error handler answers with 409.
  async function issue (username: string): Promise<KeyIssued> {
    const key = newKey()
    const [row] = await app.db(app.sql<{ username: string, created_on: string }[]>`
      INSERT INTO authenticationkey (username, key_digest)
      VALUES (${username}, ${digestKey(key)})
      RETURNING username, created_on
    `)
    return { status: 'success', username: row!.username, api_key: key, created_on: row!.created_on, message: messages.keyIssued }
  }

  // Blind cross-site requests refused first, then the per-address budget (KEY_ISSUE_PER_MINUTE).
  const onRequest = app.keyIssueLimit === undefined ? [refuseBlindCrossSite] : [refuseBlindCrossSite, app.keyIssueLimit]

  app.post('/api/generate_key/:username', { schema: generateKey, onRequest }, async (request, reply) => {
    reply.code(201).header('cache-control', 'no-store')
    return await issue(request.params.username)
  })

  app.get('/api/generate_key/:username', { schema: generateKeyDeprecated, onRequest }, async (request, reply) => {
    reply.code(201).header('cache-control', 'no-store').header('deprecation', 'true')
    return await issue(request.params.username)
  })

  app.route({
    method: ['GET', 'POST'],
    url: '/api/generate_key',
    handler: async () => { throw new ApiError(400, messages.usernameMissing) }
  })

  await app.register(async (scope) => {
    requireApiKey(scope)
    const app = scope.withTypeProvider<TypeBoxTypeProvider>()

    // Keyed on the old digest, in one statement: of concurrent rotations with one key, the first
    // replaces the digest and the others then find no row (401), whatever the cache said.
    app.post('/api/rotate_key', { schema: rotateKey }, async (request, reply) => {
      const key = newKey()
      const [row] = await app.db(app.sql<{ username: string, created_on: string }[]>`
        UPDATE authenticationkey SET key_digest = ${digestKey(key)}, created_on = now()
        WHERE key_digest = decode(${request.keyDigest}, 'hex')
        RETURNING username, created_on
      `)
      if (row === undefined) throw new ApiError(401, messages.notAuthenticated)
      // Other instances hear of it from the trigger; this one must not wait for that.
      app.keyCache.forget(request.keyDigest)
      reply.code(201).header('cache-control', 'no-store')
      return { status: 'success', username: row.username, api_key: key, created_on: row.created_on, message: messages.keyRotated } as const
    })

    // The row stays without a digest, so the username stays taken.
    app.post('/api/revoke_key', { schema: revokeKey }, async (request) => {
      const [row] = await app.db(app.sql`
        UPDATE authenticationkey SET key_digest = NULL, revoked_on = now()
        WHERE key_digest = decode(${request.keyDigest}, 'hex')
        RETURNING id
      `)
      if (row === undefined) throw new ApiError(401, messages.notAuthenticated)
      app.keyCache.forget(request.keyDigest)
      return { status: 'success', message: messages.keyRevoked } as const
    })
  })
}
