// What every answer must be: never a 5xx; a response openapi.yaml documents for the operation
// (checkResponse); every /api failure, and every answer to bytes that are not a request, in the
// contract's envelope; an X-Request-ID on everything; a connection closed only after saying so;
// and what the case expects (valid requests served, invalid ones refused, 405, 404).
import { checkResponse, failureSchema, findOperation, SpecViolation, validatorFor } from '../spec.js'
import type { Exchange, RawResponse } from './http.js'
import { methodsOf, type FuzzCase } from './wire.js'

export interface Violation {
  /** Stable across runs (no values from the request), so that violations group by it. */
  kind: string
  /** The operation or case it was seen on. */
  where: string
  detail: string
}

// Statuses a valid request may still get: the thing is not there, is taken, is rate-limited, ….
const validRefusals = new Set([404, 409, 410, 412, 429])

function allowOf (response: RawResponse): string[] {
  return String(response.headers.allow ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')
}

export function parseJson (body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

// The object in a response that carries every field sent (the body itself or one level down).
function echoOf (body: unknown, sent: Record<string, unknown>): Record<string, unknown> | undefined {
  const keys = Object.keys(sent)
  const candidates = body !== null && typeof body === 'object' ? [body, ...Object.values(body)] : []
  return candidates.find((candidate): candidate is Record<string, unknown> =>
    candidate !== null && typeof candidate === 'object' && !Array.isArray(candidate) && keys.every((key) => key in candidate))
}

/** What a body looks like, to tell failures from different sources apart: its keys and `code`. */
function shape (method: string, body: unknown, bytes: Buffer): string {
  if (method === 'HEAD') return 'no body (HEAD)'
  if (bytes.length === 0) return 'an empty body'
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'a body that is not a JSON object'
  const code = (body as { code?: unknown }).code
  return `{${Object.keys(body).join(', ')}}${typeof code === 'string' ? ` ${code}` : ''}`
}

function expectationViolations (fuzzCase: FuzzCase, method: string, response: RawResponse, body: unknown, retiredKey: boolean): Violation[] {
  const { status } = response
  const violations: Violation[] = []
  const success = status >= 200 && status < 300
  const sent = fuzzCase.sent
  // A record with no field populated passes the schema and is a 400 (the contract's rule): a body
  // that is one, or an array (bulk create) that holds one.
  const allNull = (value: unknown): boolean => value !== null && typeof value === 'object' && Object.values(value).every((item) => item === null)
  const noField = Array.isArray(sent) ? sent.some(allNull) : allNull(sent)
  if (fuzzCase.expect === 'valid' && status >= 400 && !validRefusals.has(status) && !(status === 400 && noField) && !(status === 401 && retiredKey)) {
    violations.push({ kind: `valid request refused with ${status}`, where: fuzzCase.label, detail: '' })
  }
  if (fuzzCase.expect === 'invalid' && success) {
    const note = fuzzCase.notes.length === 1 ? fuzzCase.notes[0]! : `${fuzzCase.notes.length} problems`
    violations.push({ kind: `invalid request accepted (2xx): ${note}`, where: fuzzCase.label, detail: `${status}; ${fuzzCase.notes.join('; ')}` })
  }
  if (fuzzCase.expect === 'wrong-method') {
    const allow = allowOf(response)
    const declared = fuzzCase.allow ?? []
    if (status !== 405) violations.push({ kind: `undeclared method answered ${status}, not 405`, where: fuzzCase.label, detail: '' })
    else if (!declared.every((item) => allow.includes(item))) violations.push({ kind: '405 whose Allow lacks a declared method', where: fuzzCase.label, detail: `Allow: ${allow.join(', ')}; declared ${declared.join(', ')}` })
    // The spec declares every method a path serves (HEAD included), so Allow names no other.
    else if (!allow.every((item) => declared.includes(item))) violations.push({ kind: '405 whose Allow names an undeclared method', where: fuzzCase.label, detail: `Allow: ${allow.join(', ')}; declared ${declared.join(', ')}` })
  }
  if (fuzzCase.expect === 'unknown-path' && status !== 404) violations.push({ kind: `unknown path answered ${status}, not 404`, where: fuzzCase.label, detail: '' })
  if (success && sent !== null && typeof sent === 'object' && !Array.isArray(sent) && method !== 'HEAD') {
    const echo = echoOf(body, sent as Record<string, unknown>)
    const differs = echo === undefined ? [] : Object.entries(sent).filter(([key, value]) => JSON.stringify(echo[key]) !== JSON.stringify(value))
    if (differs.length > 0) violations.push({ kind: 'a stored value differs from the value sent', where: fuzzCase.label, detail: differs.map(([key, value]) => `${key}: sent ${JSON.stringify(value)}, got ${JSON.stringify(echo?.[key])}`).join('; ') })
  }
  return violations
}

function responseViolations (fuzzCase: FuzzCase, index: number, target: string | undefined, response: RawResponse, retiredKey: boolean): Violation[] {
  const violations: Violation[] = []
  const { status } = response
  const request = fuzzCase.requests[index]
  // Bytes not held to a request may still be read as one (HEAD's answer then has no body).
  const method = request?.method ?? methodsOf(fuzzCase)[index] ?? 'GET'
  const body = parseJson(response.body)
  const where = fuzzCase.label
  if (status >= 500) violations.push({ kind: `${status} response`, where, detail: '' })
  // RFC 9110 §15.5.6: a 405 refuses the method, and Allow lists the methods the target does serve.
  if (status === 405 && allowOf(response).includes(method)) violations.push({ kind: '405 whose Allow names the method it refuses', where, detail: `${method} ${target ?? ''}; Allow: ${allowOf(response).join(', ')}` })
  if (response.headers['x-request-id'] === undefined) violations.push({ kind: `no X-Request-ID on a ${status} with ${shape(method, body, response.body)}`, where, detail: '' })
  const path = target?.split('?')[0]
  // Bytes that are not a request get the envelope too: there is no route to say otherwise.
  const enveloped = status >= 400 && method !== 'HEAD' && (target === undefined || path!.startsWith('/api'))
  const envelopeBroken = enveloped && !validatorFor(failureSchema)(body)
  if (envelopeBroken) violations.push({ kind: `a ${status} failure outside the envelope: ${shape(method, body, response.body)}`, where, detail: '' })
  if (request !== undefined && target !== undefined) {
    try {
      checkResponse(method, target, { status, headers: response.headers, body })
    } catch (error) {
      if (!(error instanceof SpecViolation)) throw error
      const found = findOperation(method, path!)
      const operation = found === undefined ? 'an undocumented route' : `${found.operation.method} ${found.operation.template}`
      if (error.kind === 'status') violations.push({ kind: `status ${status} not documented for the operation`, where: operation, detail: '' })
      else if (!(error.kind === 'body' && envelopeBroken)) violations.push({ kind: `${error.kind} of a ${status} does not match openapi.yaml`, where: operation, detail: error.message })
    }
    violations.push(...expectationViolations(fuzzCase, method, response, body, retiredKey))
  } else if (fuzzCase.expect === 'invalid' && status < 400) {
    violations.push({ kind: `malformed request answered ${status}`, where, detail: fuzzCase.notes.join('; ') })
  }
  return violations
}

/** Everything wrong with how the server answered `fuzzCase` (its targets resolved, in order). */
export function checkExchange (fuzzCase: FuzzCase, targets: string[], exchange: Exchange, retiredKey: boolean): Violation[] {
  const violations = exchange.responses.flatMap((response, index) => responseViolations(fuzzCase, index, targets[index], response, retiredKey))
  const last = exchange.responses.at(-1)
  const where = fuzzCase.label
  if (exchange.outcome === 'timeout') violations.push({ kind: 'no answer before the timeout', where, detail: '' })
  if (exchange.outcome === 'malformed') {
    // A HEAD answered with a body shows up as bytes where the next response should start.
    const kind = methodsOf(fuzzCase).includes('HEAD') ? 'a malformed HTTP response (a body in an answer to HEAD?)' : 'a malformed HTTP response'
    violations.push({ kind, where, detail: exchange.error ?? '' })
  }
  if (exchange.outcome === 'closed' && fuzzCase.halfClose !== true) violations.push({ kind: 'connection closed without an answer', where, detail: exchange.error ?? '' })
  if (exchange.closedAfterResponse && last !== undefined) {
    violations.push({ kind: `connection closed after a ${last.status} without "Connection: close"`, where, detail: exchange.error ?? '' })
  }
  return violations
}
