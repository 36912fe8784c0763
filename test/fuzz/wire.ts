// The fuzz's unit of work: a case is the bytes to write plus what they ask for, with the values
// that only exist at run time (an API key the fuzz issued, an id the server handed out) left as
// references and filled in when the case is sent.
import type { Operation } from '../spec.js'

export interface Ref {
  ref: 'key' | 'id'
  pick: number
}

export type Part = string | Buffer | Ref

/**
 * valid: a request openapi.yaml says is right (it must not be refused as invalid);
 * invalid: something in it is wrong (it must not succeed); neutral: odd but not wrong, only the
 * checks every response gets; wrong-method: 405 expected; unknown-path: 404 expected.
 */
export type Expectation = 'valid' | 'invalid' | 'neutral' | 'wrong-method' | 'unknown-path'

export interface Request {
  method: string
  target: Part[]
}

export interface FuzzCase {
  /** What the summary counts it under, e.g. `GET /api/read/{record_id}` or `raw: bad chunk size`. */
  label: string
  wire: Part[]
  /** The requests in `wire`, as a correct HTTP parser reads them; none when it is malformed. */
  requests: Request[]
  /**
   * The methods of the requests the server's (lenient) parser reads in `wire`, when they are not
   * those of `requests`: how to read the answers, since an answer to HEAD has no body.
   */
  methods?: string[]
  expect: Expectation
  /** What is wrong or odd about it, for the report. */
  notes: string[]
  /** The case ends its side of the connection early on purpose: no answer is acceptable. */
  halfClose?: boolean
  operation?: Operation
  /** For wrong-method: the methods openapi.yaml declares for the path. */
  allow?: string[]
  /** The JSON body sent, when the server should store and return it as it is. */
  sent?: unknown
  /** The API key a secured request carries. */
  key?: Ref
}

/** A request with its parts kept apart, so that raw variants can re-frame it. */
export interface Structured {
  label: string
  method: string
  target: Part[]
  headers: Array<[string, Part]>
  body: Buffer | undefined
  expect: Expectation
  notes: string[]
  operation?: Operation
  allow?: string[]
  sent?: unknown
  key?: Ref
}

export const host = '127.0.0.1'

// Sent after an answer on the same connection, to find out whether the server kept it open.
export const probe = Buffer.from(`GET /fuzz-probe HTTP/1.1\r\nhost: ${host}\r\n\r\n`)

export function head (method: string, target: Part[], headers: Array<[string, Part]>, version = '1.1'): Part[] {
  return [`${method} `, ...target, ` HTTP/${version}\r\n`, ...headers.flatMap(([name, value]): Part[] => [`${name}: `, value, '\r\n']), '\r\n']
}

/** The request as a well-behaved client writes it: Host first, Content-Length for a body. */
export function serialize (request: Structured): Part[] {
  const length: Array<[string, Part]> = request.body === undefined ? [] : [['content-length', String(request.body.length)]]
  return [...head(request.method, request.target, [['host', host], ...request.headers, ...length]), ...(request.body === undefined ? [] : [request.body])]
}

export function toCase (request: Structured): FuzzCase {
  const { method, target, headers: _headers, body: _body, ...rest } = request
  return { ...rest, wire: serialize(request), requests: [{ method, target }] }
}

/** The methods of the requests the server reads in a case's bytes, in order (GET for bytes it cannot read). */
export function methodsOf (fuzzCase: FuzzCase): string[] {
  const methods = fuzzCase.methods ?? fuzzCase.requests.map((request) => request.method)
  return methods.length === 0 ? ['GET'] : methods
}

export interface Resolver {
  key: (pick: number) => string
  id: (pick: number) => string
}

export function resolveParts (parts: Part[], resolver: Resolver): Buffer {
  return Buffer.concat(parts.map((part) => {
    if (Buffer.isBuffer(part)) return part
    if (typeof part === 'string') return Buffer.from(part, 'latin1')
    return Buffer.from(part.ref === 'key' ? resolver.key(part.pick) : resolver.id(part.pick), 'latin1')
  }))
}
