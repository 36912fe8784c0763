// Browsers on other origins (the contract's v2 "CORS"): any origin by default (keys travel in a
// header, never in cookies, so `*` without credentials is safe), or only CORS_ORIGINS.
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { answerUnserved } from './errors.js'

export interface CorsOptions {
  origins: '*' | string[]
}

// Every method the API serves, and what a page may send and read.
export const servedMethods = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE']
const allowedHeaders = ['api-key', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'x-request-id']
const exposedHeaders = ['Location', 'Link', 'ETag', 'X-Request-ID', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']

async function corsPlugin (app: FastifyInstance, options: CorsOptions): Promise<void> {
  // OPTIONS is the CORS protocol's, not an operation of the API: a request that is no preflight
  // (no Origin or no Access-Control-Request-Method) gets the 405 any other unserved method gets.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'OPTIONS' || (request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined)) {
      done()
      return
    }
    // Answered here, so no later hook runs (and `done` is not called).
    answerUnserved(request, reply, request.url.split('?')[0] ?? '')
  })
  await app.register(cors, {
    origin: options.origins,
    methods: servedMethods,
    allowedHeaders,
    exposedHeaders,
    credentials: false,
    // Chromium caps a preflight's cache at 2 hours.
    maxAge: 7200
  })
}

export default fp(corsPlugin, { name: 'cors', dependencies: ['errors'] })
