// Logs: one JSON line per request at info (method, URL, status, time, request id), the full
// request with its headers at debug, credentials redacted wherever a request is logged.
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>

export function loggerOptions (level: string, stream: { write: (line: string) => void }): LoggerOptions {
  return {
    level,
    stream,
    redact: { paths: ['req.headers["api-key"]', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, url: request.url, remoteAddress: request.ip, headers: request.headers })
    }
  }
}

/** Milliseconds to 2 decimals (10 µs): Fastify's elapsedTime has some 13 meaningless digits more. */
function roundedMs (ms: number): number {
  return Math.round(ms * 100) / 100
}

/** Fastify's request lines, made cheaper: the incoming request (with headers) at debug only. */
export class RequestLogController extends LogController {
  override incomingRequest (request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line: { method: string, url: string, statusCode: number, responseTime: number, username?: string } =
      { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: roundedMs(reply.elapsedTime) }
    // The key holder's username on routes that need a key, so that a change can be traced to it.
    if (request.username !== '') line.username = request.username
    if (error !== null && error !== undefined) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request completed')
  }
}

// Unique across processes (a random prefix) and cheap (a counter) for every request.
const prefix = randomBytes(4).toString('hex')
let counter = 0

export function newRequestId (): string {
  counter += 1
  return `${prefix}-${counter.toString(36)}`
}

/** A caller's X-Request-ID is kept (and echoed) when it is a sane token; otherwise one is made. */
export function requestId (request: IncomingMessage): string {
  const given = request.headers['x-request-id']
  if (typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given)) return given
  return newRequestId()
}
