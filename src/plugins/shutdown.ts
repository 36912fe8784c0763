// Draining on close (SIGTERM): requests that arrive meanwhile get the contract's 503 with
// `Connection: close` and are not processed, those in flight finish, and the process exits only
// once every connection is gone. SHUTDOWN_TIMEOUT_SECONDS (src/server.ts) bounds all of it.
// Before that, `leave` (SHUTDOWN_DELAY_SECONDS) lets a load balancer that polls /readyz take the
// instance out while it still serves everything, so that no client meets the drain's 503s.
import { Server as NetServer } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { messages } from '../messages.js'
import { ApiError } from './errors.js'

// A keep-alive connection is closed only after no request has arrived for this long: a client
// whose next request is already on the wire gets its 503, not a reset.
const quietMs = 100
const pollMs = 25

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs `end` when the drain starts: for responses that would never end by themselves (the change feed). */
    whenDraining: (end: () => void) => void
    /** Answers /readyz 503 from now on, while serving every request, for `ms`. */
    leave: (ms: number) => Promise<void>
    /** True once `leave` or the drain has begun: /readyz answers 503. */
    readonly leaving: boolean
  }
}

async function shutdown (app: FastifyInstance): Promise<void> {
  let closing = false
  let leaving = false
  let lastArrival = 0
  const enders: Array<() => void> = []
  app.decorate('whenDraining', (end: () => void) => { enders.push(end) })
  app.decorate('leaving', { getter: () => leaving || closing })
  app.decorate('leave', async (ms: number) => {
    leaving = true
    app.log.info({ ms }, 'leaving: /readyz answers 503 until the drain starts')
    await delay(ms)
  })

  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done()
      return
    }
    lastArrival = Date.now()
    // The connection closes after this answer: the client learns it before it sends another.
    reply.header('connection', 'close')
    done(new ApiError(503, messages.shuttingDown))
  })

  app.addHook('preClose', async () => {
    closing = true
    for (const end of enders) end()
    const server = app.server
    if (!server.listening) return
    // Node's http server.close() also destroys idle keep-alive connections at once, so a request
    // sent on one at that moment is lost with a reset (the client cannot tell whether a POST was
    // applied). Stop accepting instead, and let each connection end after its next response.
    NetServer.prototype.close.call(server)
    lastArrival = Date.now()
    for (;;) {
      const open = await new Promise<number>((resolve) => { server.getConnections((_error, count) => resolve(count)) })
      if (open === 0) return
      if (Date.now() - lastArrival >= quietMs) server.closeIdleConnections()
      await delay(pollMs)
    }
  })
}

export default fp(shutdown, { name: 'shutdown', dependencies: ['errors'] })
