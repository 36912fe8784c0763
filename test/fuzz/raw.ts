// Bytes no well-behaved client sends, written straight to the socket so that Node's own HTTP parser
// meets them: broken framing, bytes where the grammar allows none, odd but legal forms. Most start
// from a valid request of the spec and break one thing about it.
import fc from 'fast-check'
import { host, head, serialize, type Expectation, type FuzzCase, type Part, type Structured } from './wire.js'

type Named = Omit<FuzzCase, 'label'> & { name: string }
type Variant = (request: Structured) => fc.Arbitrary<Named>

const bodyOf = (request: Structured): Buffer => request.body ?? Buffer.from('{}')
const keepAlive = (request: Structured): Structured => ({ ...request, headers: request.headers.filter(([name]) => name !== 'connection') })

function chunks (body: Buffer, sizes: number[]): Part[] {
  const parts: Part[] = []
  let at = 0
  for (const size of sizes) {
    if (at >= body.length) break
    const piece = body.subarray(at, at + Math.max(1, size))
    parts.push(`${piece.length.toString(16)}\r\n`, piece, '\r\n')
    at += piece.length
  }
  if (at < body.length) parts.push(`${(body.length - at).toString(16)}\r\n`, body.subarray(at), '\r\n')
  return parts
}

function withHeaders (request: Structured, headers: Array<[string, Part]>, version = '1.1'): Part[] {
  return head(request.method, request.target, [['host', host], ...request.headers.filter(([name]) => name !== 'content-length'), ...headers], version)
}

const one = (request: Structured, expect: Expectation = request.expect): Pick<FuzzCase, 'requests' | 'expect' | 'notes' | 'operation' | 'sent' | 'key'> => {
  const { operation, sent, key } = request
  return { requests: [{ method: request.method, target: request.target }], expect, notes: request.notes, ...(operation === undefined ? {} : { operation }), ...(sent === undefined ? {} : { sent }), ...(key === undefined ? {} : { key }) }
}
const broken = (note: string): Pick<FuzzCase, 'requests' | 'expect' | 'notes'> => ({ requests: [], expect: 'invalid', notes: [note] })
// Bytes not held to a request of the spec (no `requests`) that Node's parser still reads as one: its
// answer is framed by the method (no body for HEAD).
const readAnyway = (request: Structured): Pick<FuzzCase, 'methods'> => ({ methods: [request.method] })
const fixed = (name: string, value: Omit<FuzzCase, 'label'>): fc.Arbitrary<Named> => fc.constant({ name, ...value })

// Re-framings of a request that keep its meaning: the server must answer them as it answers it.
const equivalent: Variant[] = [
  (request) => fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 }).map((sizes) => ({
    name: 'chunked body',
    wire: [...withHeaders(request, [['transfer-encoding', 'chunked']]), ...chunks(bodyOf(request), sizes), '0\r\n\r\n'],
    ...one(request)
  })),
  (request) => fixed('chunk extensions and a trailer', {
    wire: [...withHeaders(request, [['transfer-encoding', 'chunked']]), ...chunks(bodyOf(request), [3]).map((part) => typeof part === 'string' && part.endsWith('\r\n') && part !== '\r\n' ? part.replace('\r\n', ';fuzz=1\r\n') : part), '0\r\nx-fuzz-trailer: 1\r\n\r\n'],
    ...one(request)
  }),
  (request) => fixed('HTTP/1.0 without Host', { wire: [...head(request.method, request.target, [...request.headers, ['content-length', String(bodyOf(request).length)]], '1.0'), bodyOf(request)], ...one(request) }),
  // Without `Connection: close`: a client that sent it must not send more (RFC 9112 §9.6).
  (request) => fixed('pipelined twice', {
    wire: [...serialize(keepAlive(request)), ...serialize(keepAlive(request))],
    ...one(request),
    requests: [{ method: request.method, target: request.target }, { method: request.method, target: request.target }]
  }),
  (request) => fixed('an empty line before the request', { wire: ['\r\n', ...serialize(request)], ...one(request, 'neutral') }),
  // Node's parser takes any HTTP/d.d; a 505 would be nicer, but serving it is no harm.
  (request) => fixed('HTTP/2.0 in an HTTP/1 request line', { wire: head(request.method, request.target, [['host', host]], '2.0'), requests: [], ...readAnyway(request), expect: 'neutral', notes: ['HTTP/2.0 on an HTTP/1 connection'] }),
  // HTTP/0.9's simple request: obsolete, but Node's parser takes it as one.
  (request) => fixed('no HTTP version', { wire: [`${request.method} `, ...request.target, '\r\n\r\n'], requests: [], ...readAnyway(request), expect: 'neutral', notes: ['no HTTP version'] }),
  (request) => fixed('absolute-form target', { wire: [`${request.method} http://${host}`, ...serialize(request).slice(1)], ...one(request, 'neutral'), requests: [], ...readAnyway(request) })
]

// Broken body framing, on requests whose operation reads the body (so the server must see it).
const badFraming: Variant[] = [
  (request) => fixed('bad chunk size', { wire: [...withHeaders(request, [['transfer-encoding', 'chunked']]), 'zz\r\nabc\r\n0\r\n\r\n'], ...broken('bad chunk size') }),
  (request) => fixed('chunk size overflow', { wire: [...withHeaders(request, [['transfer-encoding', 'chunked']]), 'fffffffffffffffffff\r\nabc\r\n0\r\n\r\n'], ...broken('chunk size overflow') }),
  (request) => fixed('chunk without CRLF', { wire: [...withHeaders(request, [['transfer-encoding', 'chunked']]), '3\r\nabcdef\r\n0\r\n\r\n'], ...broken('chunk data longer than its size') })
]

// Breakages of the request line and headers: malformed HTTP, which a server must refuse (and say so).
const malformed: Variant[] = [
  (request) => fixed('Content-Length and Transfer-Encoding', { wire: [...withHeaders(request, [['content-length', '3'], ['transfer-encoding', 'chunked']]), '3\r\nabc\r\n0\r\n\r\n'], ...broken('both Content-Length and Transfer-Encoding') }),
  (request) => fixed('two different Content-Lengths', { wire: [...withHeaders(request, [['content-length', '2'], ['content-length', '3']]), '{}1'], ...broken('two Content-Length values') }),
  (request) => fixed('non-numeric Content-Length', { wire: [...withHeaders(request, [['content-length', 'abc']]), ...(request.body === undefined ? [] : [request.body])], ...broken('Content-Length: abc') }),
  // Refused by the server's own check of the headers (RFC 9112 §6.1), so framed by the method.
  (request) => fixed('unknown Transfer-Encoding', { wire: [...withHeaders(request, [['transfer-encoding', 'fuzz']]), '{}'], ...broken('Transfer-Encoding: fuzz'), ...readAnyway(request) }),
  (request) => fixed('no Host header', { wire: head(request.method, request.target, request.headers), ...broken('HTTP/1.1 without Host'), ...readAnyway(request) }),
  (request) => fixed('NUL in a header value', { wire: withHeaders(request, [['x-fuzz', Buffer.from([0x61, 0x00, 0x62])]]), ...broken('NUL in a header value') }),
  (request) => fixed('header line without a colon', { wire: [...withHeaders(request, []).slice(0, -1), 'x-fuzz-no-colon\r\n', '\r\n'], ...broken('a header line without a colon') }),
  (request) => fixed('space before the colon', { wire: withHeaders(request, [['x-fuzz ', '1']]), ...broken('whitespace between header name and colon') }),
  (request) => fixed('obsolete line folding', { wire: withHeaders(request, [['x-fuzz', 'a\r\n folded']]), ...broken('obs-fold') }),
  // Still requests to the operation, if a parser lets them through: held to its responses.
  (request) => fc.constantFrom([0x80], [0xff], [0xc3, 0xa9], [0xed, 0xa0, 0x80]).map((bytes) => {
    const target = [...request.target, Buffer.from(bytes)]
    return { name: 'raw non-ASCII bytes in the path', wire: head(request.method, target, [['host', host]]), ...one({ ...request, target }, 'invalid'), notes: ['raw bytes in the path'] }
  }),
  (request) => fc.constantFrom([0x00], [0x01], [0x7f], [0x09], [0x20, 0x78]).map((bytes) => ({ name: 'control characters in the path', wire: head(request.method, [...request.target, Buffer.from(bytes)], [['host', host]]), ...broken('a control character or space in the path') })),
  (request) => fixed('request line over 16 KB', { wire: head(request.method, [...request.target, '?q=', 'x'.repeat(17_000)], [['host', host]]), ...broken('a 17 KB request line') }),
  (request) => fixed('lowercase method', { wire: head(request.method.toLowerCase(), request.target, [['host', host]]), ...broken('a lowercase method') }),
]

// Cut short on purpose: the client gives up, so no answer at all is acceptable.
const truncated: Variant[] = [
  (request) => fixed('truncated headers', { wire: [`${request.method} `, ...request.target, ' HTTP/1.1\r\nhost: '], requests: [], expect: 'neutral', notes: ['headers cut short'], halfClose: true }),
  (request) => fixed('truncated body', { wire: [...withHeaders(request, [['content-length', '100']]), '{"val'], requests: [], ...readAnyway(request), expect: 'neutral', notes: ['a body shorter than its Content-Length'], halfClose: true })
]

const garbage: fc.Arbitrary<Named> = fc.oneof<Array<fc.Arbitrary<Named>>>(
  fc.uint8Array({ minLength: 1, maxLength: 80 }).map((bytes) => ({ name: 'random bytes', wire: [Buffer.from(bytes), '\r\n\r\n'], ...broken('random bytes') })),
  fc.stringMatching(/^[A-Z]{1,20}$/).filter((method) => !['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'].includes(method))
    .map((method) => ({ name: 'unknown method', wire: [`${method} /api/list HTTP/1.1\r\nhost: ${host}\r\n\r\n`], requests: [], expect: 'neutral' as const, notes: [`method ${method}`] })),
  fixed('CONNECT', { wire: [`CONNECT ${host}:80 HTTP/1.1\r\nhost: ${host}:80\r\n\r\n`], requests: [], methods: ['CONNECT'], expect: 'neutral', notes: ['CONNECT'] }),
  fixed('OPTIONS *', { wire: [`OPTIONS * HTTP/1.1\r\nhost: ${host}\r\n\r\n`], requests: [], methods: ['OPTIONS'], expect: 'neutral', notes: ['asterisk-form'] })
)

/**
 * Raw cases built from valid requests of the spec (`valid`; `withBody`: to operations that take
 * a body), and raw bytes from nowhere.
 */
export function rawCase (valid: fc.Arbitrary<Structured>, withBody: fc.Arbitrary<Structured>): fc.Arbitrary<FuzzCase> {
  const from = (requests: fc.Arbitrary<Structured>, variants: Variant[]): fc.Arbitrary<Named> =>
    fc.tuple(requests, fc.constantFrom(...variants)).chain(([request, variant]) => variant(request))
  return fc.oneof(
    { weight: 4, arbitrary: from(valid, equivalent) },
    { weight: 5, arbitrary: from(valid, malformed) },
    { weight: 1, arbitrary: from(withBody, badFraming) },
    { weight: 1, arbitrary: from(valid, truncated) },
    { weight: 2, arbitrary: garbage }
  )
    .map(({ name, ...rest }) => ({ label: `raw: ${name}`, ...rest }))
}
