// Abuse limits (the contract's v2 "Limits"): keys issued per client address
// (KEY_ISSUE_PER_MINUTE) and writes per key (WRITES_PER_SECOND), counted by @fastify/rate-limit
// in this instance's memory, or with REDIS_URL in Redis, one budget for every instance (see
// shared-limits.ts for what happens while Redis is unavailable). Over a limit: 429 in the
// envelope, with Retry-After and the IETF draft's RateLimit-Limit / -Remaining / -Reset headers,
// which every limited response carries.
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { messages } from '../messages.js'
import { connectSharedLimits, type SharedLimits } from '../shared-limits.js'
import { ApiError } from './errors.js'

type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for the routes that issue keys; undefined when KEY_ISSUE_PER_MINUTE is 0. */
    keyIssueLimit: LimitHook | undefined
    /** onRequest hook, after the key check, for the routes that write; undefined when WRITES_PER_SECOND is 0. */
    writeLimit: LimitHook | undefined
    /** Whether the limits are counted in Redis right now; undefined without REDIS_URL. */
    sharedLimits: SharedLimits | undefined
  }
}

export interface LimitsOptions {
  keyIssuePerMinute: number
  writesPerSecond: number
  redisUrl: string | undefined
  redisKeyPrefix: string
}

async function limits (app: FastifyInstance, options: LimitsOptions): Promise<void> {
  // With both limits off there is nothing to count, and no reason to connect.
  const shared = options.redisUrl === undefined || (options.keyIssuePerMinute === 0 && options.writesPerSecond === 0)
    ? undefined
    : await connectSharedLimits(options.redisUrl, options.redisKeyPrefix, app.log)
  if (shared !== undefined) app.addHook('onClose', async () => { shared.close() })
  app.decorate('sharedLimits', shared?.limits)
  await app.register(rateLimit, {
    // Only where a route asks for it (below), never on reads.
    global: false,
    enableDraftSpec: true,
    errorResponseBuilder: () => new ApiError(429, messages.tooManyRequests),
    ...(shared === undefined ? {} : { store: shared.Store })
  })
  // Each limiter is made once and shared by its routes: one budget per address for GET and POST
  // generate_key, one per key across every write.
  app.decorate('keyIssueLimit', options.keyIssuePerMinute === 0
    ? undefined
    // By address (the socket's, or a trusted proxy's X-Forwarded-For: TRUST_PROXY); IPv6
    // addresses count per /64 (the plugin's default grouping), since one client holds many.
    : app.rateLimit({ max: options.keyIssuePerMinute, timeWindow: 60_000, groupId: 'key-issue' }) as LimitHook)
  app.decorate('writeLimit', options.writesPerSecond === 0
    ? undefined
    : app.rateLimit({ max: options.writesPerSecond, timeWindow: 1000, groupId: 'writes', keyGenerator: (request) => request.username }) as LimitHook)
}

export default fp(limits, { name: 'limits' })
