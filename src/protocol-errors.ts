// Failures that never reach a route: Node's HTTP parser rejecting a request (`clientError`:
// malformed bytes, headers over 16 KB, a request that takes too long to arrive) and Fastify's
// router failing to read a URL (an undecodable %-escape, a parameter over 100 characters). Both
// get the contract's envelope, an X-Request-ID and a log line, like every other response.
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { newRequestId } from './logging.js'
import { messages } from './messages.js'
import { failure, unreadableParamFailure } from './plugins/errors.js'
import { servedMethods } from './plugins/cors.js'
import { securityHeaders } from './plugins/headers.js'

/** Fastify's `frameworkErrors`: a URL the router cannot read is a 400 naming the parameter. */
export function frameworkErrors (_error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = (request.raw.url ?? '').split('?')[0] ?? ''
  const param = request.server.paramNameAt(path)
  const { statusCode, body } = param === undefined ? failure(400, messages.badUrl) : unreadableParamFailure(param)
  // No hook runs for these requests, and Fastify logs no line for them: both are done here.
  reply.headers(securityHeaders).header('x-request-id', request.id)
  reply.code(statusCode).send(body)
  request.log.info({ method: request.method, url: request.url, statusCode }, 'request completed')
}

function parserFailure (code: string | undefined): [number, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, messages.headersTooLarge]
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, messages.requestTimeout]
  return [400, messages.badRequest]
}

const lingerMs = 1000
// The headers every response carries (plugins/headers.ts), as raw header lines.
const securityHeaderLines = Object.entries(securityHeaders).map(([name, value]) => `${name}: ${value}`)

/** A raw answer written to a socket the HTTP server no longer manages, which is then closed. */
function answerRaw (socket: Socket, statusCode: number, reqId: string, message: string, extra: string[] = []): void {
  const body = JSON.stringify(failure(statusCode, message).body)
  socket.end([
    `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    `X-Request-ID: ${reqId}`,
    ...securityHeaderLines,
    ...extra,
    '',
    body
  ].join('\r\n'))
  // Bytes left unread (the rest of an oversized header block) would make the close send a reset,
  // which can destroy the answer before the client reads it: they are read and dropped until the
  // client closes, for a second at most.
  socket.resume()
  setTimeout(() => socket.destroy(), lingerMs).unref()
}

/** The server's `connect` listener: Node hands CONNECT requests to it, and closes them unanswered without one. */
export function refuseConnect (app: FastifyInstance) {
  return (request: IncomingMessage, socket: Socket): void => {
    const reqId = newRequestId()
    app.log.info({ reqId, method: request.method, url: request.url, statusCode: 405 }, 'request completed')
    // Told what the API serves instead: it is no proxy.
    answerRaw(socket, 405, reqId, messages.methodNotAllowed('CONNECT', servedMethods.filter((method) => method !== 'HEAD')), [`Allow: ${servedMethods.join(', ')}`])
  }
}

/** Fastify's `clientErrorHandler` (called with the app as `this`). */
export function clientErrorHandler (this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  // A connection already being closed (after an answer with Connection: close, whose request was
  // followed by bytes the parser then refused) gets no second answer.
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return
  const [statusCode, message] = parserFailure(error.code)
  const reqId = newRequestId()
  this.log.info({ reqId, statusCode, code: error.code, reason: error.message }, 'request rejected by the HTTP parser')
  // As Node's own handler: no answer once a response has begun on this connection (a pipelined
  // request before the bad one): it is closed instead.
  const started = (socket as Socket & { _httpMessage?: { headersSent: boolean } })._httpMessage?.headersSent === true
  if (socket.writable && !started) answerRaw(socket, statusCode, reqId, message)
  else socket.destroy()
}
