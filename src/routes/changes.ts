// GET /api/changes: the live change feed as Server-Sent Events (the contract's v2 "Live change
// feed"). The instance's one ChangeFeed (feed.ts) reads the history; this route turns it into one
// text/event-stream per client, resumable with Last-Event-ID or ?after=.
import { PassThrough } from 'node:stream'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { getChanges } from '../../generated/schemas.js'
import { feedChannel, type Subscriber } from '../feed.js'
import { messages } from '../messages.js'
import { ApiError } from '../plugins/errors.js'

export interface ChangesOptions {
  /** CHANGE_FEED_CLIENTS_MAX */
  clientsMax: number
}

// The contract asks for a comment at least every 15 s; timers may fire late, so more often.
const heartbeatMs = 10_000
// A client with this much waiting for it is disconnected: it can resume from its last id.
const bufferedMax = 1024 * 1024

function lastEventIdOf (request: FastifyRequest): number | undefined {
  const header = request.headers['last-event-id']
  // Empty is not absent: a browser's EventSource sends the header only with an id to resume from.
  if (header === undefined) return undefined
  if (typeof header !== 'string' || !/^\d{1,16}$/.test(header) || !Number.isSafeInteger(Number(header))) {
    throw new ApiError(400, messages.headersInvalid, [{ field: 'Last-Event-ID', problem: 'must be a change id (a whole number from 0)' }])
  }
  return Number(header)
}

export default async function changes (scope: FastifyInstance, options: ChangesOptions): Promise<void> {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>()
  const feed = app.changeFeed
  const streams = new Set<PassThrough>()
  let listening = false

  const heartbeat = setInterval(() => { feed.broadcast(': heartbeat\n\n') }, heartbeatMs).unref()
  // A shutdown ends every stream at once: they would never end by themselves.
  app.whenDraining(() => {
    feed.close()
    for (const stream of streams) stream.end()
  })
  app.addHook('onClose', async () => { clearInterval(heartbeat) })

  app.get('/api/changes', { schema: getChanges }, async (request, reply) => {
    const after = lastEventIdOf(request) ?? request.query.after
    if (streams.size >= options.clientsMax) throw new ApiError(503, messages.feedBusy)
    if (!listening) {
      // Woken by every commit that writes history, through the instance's one LISTEN connection.
      app.listener.on(feedChannel, { onNotify: () => { feed.wake() }, onReset: () => { feed.wake() } })
      listening = true
    }
    // The first horizon needs the database: while it is away this is a 503, before any byte is
    // sent. Where the stream starts is settled before its headers go out, so a client that sees
    // them open misses no change made after that.
    await feed.start()
    const from = after ?? await feed.latest()

    const stream = new PassThrough()
    streams.add(stream)
    let gone = false
    let subscriber: Subscriber | undefined
    const socket = reply.raw
    const buffered = (): number => stream.writableLength + stream.readableLength + socket.writableLength
    const send = (text: string): void => {
      if (gone) return
      stream.write(text)
      if (buffered() > bufferedMax) {
        request.log.warn({ buffered: buffered() }, 'change feed client too slow: disconnected')
        socket.destroy()
      }
    }
    // While it catches up from the table, a page is sent only once the previous one has drained.
    const paced = async (): Promise<boolean> => {
      if (!gone && stream.writableNeedDrain) await new Promise((resolve) => { stream.once('drain', resolve); socket.once('close', resolve) })
      return !gone
    }
    socket.once('close', () => {
      gone = true
      streams.delete(stream)
      if (subscriber !== undefined) feed.unsubscribe(subscriber)
    })
    reply.type('text/event-stream; charset=utf-8').header('cache-control', 'no-store').header('x-accel-buffering', 'no')
    // EventSource reconnects after a second when the stream ends (a shutdown, a cut).
    stream.write('retry: 1000\n\n')
    reply.send(stream as never)
    try {
      subscriber = await feed.subscribe(send, from, paced)
    } catch (error) {
      // The headers are sent: the only way left to say it failed is to end the stream.
      request.log.warn({ err: error }, 'change feed: could not catch up')
      stream.end()
      return reply
    }
    if (gone && subscriber !== undefined) feed.unsubscribe(subscriber)
    return reply
  })
}
