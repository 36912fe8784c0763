// Every failure leaves through here, in the contract's envelope: validation and parser errors get
// precise 4xx answers, database errors are mapped by SQLSTATE, and nothing internal (stack, SQL,
// driver message) ever reaches a client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { components } from '../../generated/openapi.js'
import { RecordId, RecordInput } from '../../generated/schemas.js'
import { messages } from '../messages.js'
import { emptyElements, fieldErrors, type FieldError } from '../validation.js'

type Failure = components['schemas']['Failure']

export class ApiError extends Error {
  constructor (readonly statusCode: number, message: string, readonly errors?: FieldError[]) {
    super(message)
    this.name = 'ApiError'
  }
}

interface ErrorsOptions {
  bodyLimit: number
  retryAfterSeconds: number
}

// Connection-level failures from the driver or the socket, and SQLSTATEs that mean "the database
// cannot serve this now": all of them are the client's cue to retry later, not our bug.
const unavailableCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'QUERY_TIMEOUT',
  '57P01', '57P02', '57P03', '57014', '53300', '25006'
])

function isUnavailable (code: string): boolean {
  // Classes 08 (connection exception) and 53 (insufficient resources).
  return unavailableCodes.has(code) || /^(08|53)[0-9A-Z]{3}$/.test(code)
}

// A record_id's problem is derived from its schema (see fieldErrors); a username's pattern reads
// better in words.
const paramFailures: Record<string, { missing: string, invalid: string, problem?: string }> = {
  record_id: {
    missing: messages.idMissing,
    invalid: messages.idInvalid
  },
  username: {
    missing: messages.usernameMissing,
    invalid: messages.usernameInvalid,
    problem: "must be 1 to 64 letters, digits, '_', '-' or '.'"
  }
}

const recordFields = Object.keys((RecordInput as unknown as { properties: object }).properties)

export interface Mapped {
  statusCode: number
  body: Failure
  retryAfter?: boolean
}

export function failure (statusCode: number, message: string, errors?: FieldError[]): Mapped {
  return { statusCode, body: errors === undefined ? { status: 'failed', message } : { status: 'failed', message, errors } }
}

/**
 * The failure for a path parameter that could not even be read (an undecodable %-escape, or
 * longer than the router takes): 400 as for any other bad id or username.
 */
export function unreadableParamFailure (name: string): Mapped {
  const known = paramFailures[name]
  if (known === undefined) return failure(400, messages.badUrl)
  const { minimum, maximum } = RecordId as unknown as { minimum: number, maximum: number }
  const problem = known.problem ?? `must be a whole number from ${minimum} to ${maximum}`
  return failure(400, known.invalid, [{ field: name, problem }])
}

function validationFailure (error: FastifyError, request: FastifyRequest): Mapped {
  const problems = error.validation ?? []
  if (error.validationContext === 'params') {
    const params = request.params as Record<string, unknown>
    const name = Object.keys(params).find((item) => item in paramFailures)
    const known = name === undefined ? undefined : paramFailures[name]
    if (name === undefined || known === undefined) return failure(400, messages.badRequest)
    if (params[name] === '') return failure(400, known.missing)
    return failure(400, known.invalid, known.problem === undefined ? fieldErrors(problems) : [{ field: name, problem: known.problem }])
  }
  if (error.validationContext === 'querystring') return failure(400, messages.queryInvalid, fieldErrors(problems))
  const emptyObject = problems.some((problem) => problem.keyword === 'minProperties' && problem.instancePath === '')
  if (request.body === undefined || emptyObject) return failure(400, messages.emptyRecord)
  // Elements with no field populated are named along with the schema's problems, so that one
  // answer lists every bad element of a bulk create.
  return failure(400, messages.bodyInvalid, fieldErrors(problems, emptyElements(request.body, recordFields)))
}

function databaseFailure (code: string, constraint: string | undefined): Mapped | undefined {
  if (isUnavailable(code)) return { ...failure(503, messages.databaseUnavailable), retryAfter: true }
  if (code === '23505' && constraint === 'authenticationkey_username_lower_key') return failure(409, messages.usernameTaken)
  // Text PostgreSQL cannot store, or a value outside a column's range, is the client's input.
  if (['22P05', '22021', '22001', '22003'].includes(code)) return failure(400, messages.bodyInvalid)
  return undefined
}

function mapError (error: FastifyError & { constraint_name?: string }, request: FastifyRequest, options: ErrorsOptions): Mapped {
  if (error instanceof ApiError) {
    return { ...failure(error.statusCode, error.message, error.errors), retryAfter: error.statusCode === 503 }
  }
  if (error.validation !== undefined) return validationFailure(error, request)
  switch (error.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return failure(400, messages.emptyRecord)
    // Also raised for prototype-poisoning keys (__proto__, constructor.prototype).
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return failure(400, messages.bodyNotJson)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return failure(415, messages.unsupportedMediaType)
    // The route's own limit where it has one (bulk create), else BODY_LIMIT.
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return failure(413, messages.bodyTooLarge(request.routeOptions.bodyLimit ?? options.bodyLimit))
  }
  if (typeof error.code === 'string') {
    const mapped = databaseFailure(error.code, error.constraint_name)
    if (mapped !== undefined) return mapped
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return failure(error.statusCode, messages.badRequest)
  }
  return failure(500, messages.internal)
}

async function errors (app: FastifyInstance, options: ErrorsOptions): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = mapError(error, request, options)
    if (mapped.statusCode >= 500) {
      request.log[mapped.statusCode === 503 ? 'warn' : 'error']({ err: error }, 'request failed')
    }
    if (mapped.retryAfter === true) reply.header('retry-after', String(options.retryAfterSeconds))
    reply.code(mapped.statusCode).send(mapped.body)
  })

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? ''
    const deleteMatch = /^\/api\/delete(?:\/([^/]*))?\/?$/.exec(path)
    if (deleteMatch !== null) {
      return reply.code(404).send(failure(404, messages.deleteRoute(deleteMatch[1] || '{record_id}')).body)
    }
    answerUnserved(request, reply, path)
  })
}

/**
 * The answer for a method that `path` does not serve: 405 with the methods it does serve in
 * `Allow`, or 404 when no route has that path.
 */
export function answerUnserved (request: FastifyRequest, reply: FastifyReply, path: string): void {
  const allowed = request.server.methodsAt(path)
  if (allowed.length === 0) {
    reply.code(404).send(failure(404, messages.routeNotFound).body)
    return
  }
  reply.code(405).header('allow', allowed.join(', '))
    .send(failure(405, messages.methodNotAllowed(request.method, allowed.filter((method) => method !== 'HEAD'))).body)
}

export default fp(errors, { name: 'errors', dependencies: ['route-table'] })
