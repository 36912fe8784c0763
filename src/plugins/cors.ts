// Browsers on other origins (the contract's v2 "CORS"): any origin by default (keys travel in a
// header, never in cookies, so `*` without credentials is safe), or only CORS_ORIGINS.
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { answerUnserved } from './errors.js'

export interface CorsOptions {
  origins: '*' | string[]
  /** A replica is configured: reads take the consistency token that writes return (plugins/reads.ts). */
  consistencyTokens: boolean
}

// Every method the API serves, and what a page may send and read.
export const servedMethods = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE']
const allowedHeaders = ['api-key', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'x-request-id']
const exposedHeaders = ['Location', 'Link', 'ETag', 'X-Request-ID', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']

async function corsPlugin (app: FastifyInstance, options: CorsOptions): Promise<void> {
  const anyOrigin = options.origins === '*'
  // Only with a replica: without one, no response carries the token.
  const token = options.consistencyTokens ? ['Phoenix-Consistency-Token'] : []
  // With any origin allowed, what a response carries is the same for every request from a page:
  // set in the one hook below, while @fastify/cors, confined to a scope of its own, answers only
  // the preflights (its OPTIONS route); run on every request it costs some 2 µs for these
  // constant headers. A browser sends Origin with every request that CORS applies to, so the
  // others (curl, SDKs, servers) are spared the 170 bytes; `Vary: Origin` keeps a cache from
  // handing an answer made for one kind of request to the other.
  const anyOriginHeaders = {
    'access-control-allow-origin': '*',
    'access-control-expose-headers': [...exposedHeaders, ...token].join(', '),
    vary: 'Origin'
  }
  // OPTIONS is the CORS protocol's, not an operation of the API: a request that is no preflight
  // (no Origin or no Access-Control-Request-Method) gets the 405 any other unserved method gets.
  app.addHook('onRequest', (request, reply, done) => {
    if (anyOrigin) {
      if (request.headers.origin === undefined) reply.header('vary', 'Origin')
      else reply.headers(anyOriginHeaders)
    }
    if (request.method !== 'OPTIONS' || (request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined)) {
      done()
      return
    }
    // Answered here, so no later hook runs (and `done` is not called).
    answerUnserved(request, reply, request.url.split('?')[0] ?? '')
  })
  const corsOptions = {
    origin: options.origins,
    methods: servedMethods,
    allowedHeaders: [...allowedHeaders, ...token.map((name) => name.toLowerCase())],
    exposedHeaders: [...exposedHeaders, ...token],
    credentials: false,
    // Chromium caps a preflight's cache at 2 hours.
    maxAge: 7200
  }
  // A scope of its own (no fastify-plugin around it) keeps @fastify/cors's hook to its own route.
  if (anyOrigin) await app.register(async (scope) => { await scope.register(cors, corsOptions) })
  else await app.register(cors, corsOptions)
}

export default fp(corsPlugin, { name: 'cors', dependencies: ['errors'] })
