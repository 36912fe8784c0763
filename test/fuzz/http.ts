// A tiny HTTP/1.1 client over a plain TCP socket: the fuzz writes exactly the bytes it chose, so
// that the server's own parser (Node's llhttp) sees them — fetch and app.inject would refuse,
// normalise or bypass most of them. Responses are parsed here for the same reason.
import { connect } from 'node:net'

export interface RawResponse {
  version: string
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** An event stream: it does not end by itself, so only its head was read. */
  stream?: boolean
}

export interface Exchange {
  /** The responses read, in order (interim 1xx responses left out). */
  responses: RawResponse[]
  /** What ended the exchange. */
  outcome: 'answered' | 'closed' | 'timeout' | 'malformed'
  /**
   * True when the server closed the connection after a response that did not say
   * `Connection: close`, with requests (ours, or a probe sent to find out) still unanswered.
   */
  closedAfterResponse: boolean
  error?: string
}

export interface ExchangeOptions {
  port: number
  host: string
  bytes: Buffer
  /** The methods of the requests in `bytes`, in order: how many responses to read, and HEAD's have no body. */
  methods: string[]
  /** End our side after writing (the request is truncated on purpose). */
  halfClose: boolean
  timeoutMs: number
  /** Sent after the last response when the server kept the connection open, to find out whether it really did. */
  probe: Buffer
}

type Parsed = { response: RawResponse, end: number } | 'incomplete' | 'malformed'

function headerValue (headers: RawResponse['headers'], name: string): string {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value ?? ''
}

/** Whether the response says the connection closes after it (explicitly, or as HTTP/1.0 does). */
export function saysClose (response: RawResponse): boolean {
  const tokens = headerValue(response.headers, 'connection').toLowerCase().split(',').map((token) => token.trim())
  return tokens.includes('close') || (response.version === '1.0' && !tokens.includes('keep-alive'))
}

function parseChunked (buffer: Buffer, start: number): { body: Buffer, end: number } | 'incomplete' | 'malformed' {
  const parts: Buffer[] = []
  let at = start
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at)
    if (lineEnd < 0) return 'incomplete'
    const size = /^([0-9a-fA-F]+)(?:;.*)?$/.exec(buffer.toString('latin1', at, lineEnd))
    if (size === null) return 'malformed'
    const length = parseInt(size[1]!, 16)
    at = lineEnd + 2
    if (length === 0) {
      const trailersEnd = buffer.indexOf('\r\n', at) === at ? at : buffer.indexOf('\r\n\r\n', at)
      if (trailersEnd < 0) return 'incomplete'
      return { body: Buffer.concat(parts), end: trailersEnd + (trailersEnd === at ? 2 : 4) }
    }
    if (buffer.length < at + length + 2) return 'incomplete'
    parts.push(buffer.subarray(at, at + length))
    at += length + 2
  }
}

/** One response from `buffer` at `start`; `ended` says the server has closed (a body read to the end). */
export function parseResponse (buffer: Buffer, start: number, method: string, ended: boolean): Parsed {
  const headEnd = buffer.indexOf('\r\n\r\n', start)
  if (headEnd < 0) return ended && buffer.length > start ? 'malformed' : 'incomplete'
  const [statusLine = '', ...lines] = buffer.toString('latin1', start, headEnd).split('\r\n')
  const match = /^HTTP\/(\d\.\d) (\d{3})(?: .*)?$/.exec(statusLine)
  if (match === null) return 'malformed'
  const headers: RawResponse['headers'] = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) return 'malformed'
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    const previous = headers[name]
    headers[name] = previous === undefined ? value : ([] as string[]).concat(previous, value)
  }
  const status = Number(match[2])
  const bodyStart = headEnd + 4
  const response = { version: match[1]!, status, headers, body: Buffer.alloc(0) }
  if (method === 'HEAD' || status < 200 || status === 204 || status === 304) return { response, end: bodyStart }
  if (headerValue(headers, 'content-type').startsWith('text/event-stream')) return { response: { ...response, stream: true }, end: buffer.length }
  if (/\bchunked\b/i.test(headerValue(headers, 'transfer-encoding'))) {
    const chunked = parseChunked(buffer, bodyStart)
    if (typeof chunked === 'string') return chunked === 'incomplete' && ended ? 'malformed' : chunked
    return { response: { ...response, body: chunked.body }, end: chunked.end }
  }
  const length = headerValue(headers, 'content-length')
  if (length !== '') {
    if (!/^\d+$/.test(length)) return 'malformed'
    const end = bodyStart + Number(length)
    if (buffer.length < end) return ended ? 'malformed' : 'incomplete'
    return { response: { ...response, body: buffer.subarray(bodyStart, end) }, end }
  }
  // Neither length nor chunks: the body runs to the end of the connection.
  if (!ended) return 'incomplete'
  return { response: { ...response, body: buffer.subarray(bodyStart) }, end: buffer.length }
}

export async function exchange (options: ExchangeOptions): Promise<Exchange> {
  return await new Promise((resolve) => {
    const socket = connect({ port: options.port, host: options.host })
    const result: Exchange = { responses: [], outcome: 'answered', closedAfterResponse: false }
    let buffer = Buffer.alloc(0)
    let offset = 0
    let probing = false
    let done = false

    function finish (outcome: Exchange['outcome'], error?: string): void {
      if (done) return
      done = true
      result.outcome = outcome
      if (error !== undefined) result.error = error
      socket.destroy()
      resolve(result)
    }

    // Reads every complete response in the buffer, then probes the connection or finishes.
    function advance (ended: boolean): void {
      if (done) return
      for (;;) {
        const wanted = probing ? 'GET' : options.methods[result.responses.length] ?? 'GET'
        const parsed = parseResponse(buffer, offset, wanted, ended)
        if (parsed === 'malformed') return finish('malformed', `cannot parse ${JSON.stringify(buffer.toString('latin1', offset, offset + 200))}`)
        if (parsed === 'incomplete') break
        offset = parsed.end
        if (parsed.response.status >= 100 && parsed.response.status < 200 && parsed.response.status !== 101) continue
        if (probing) return finish('answered')
        result.responses.push(parsed.response)
        // An event stream never ends, so nothing pipelined behind it is answered; and its
        // heartbeats would keep the idle timeout from ever ending the exchange.
        if (parsed.response.stream === true) return finish('answered')
        if (result.responses.length < options.methods.length && !saysClose(parsed.response)) continue
        if (options.halfClose || saysClose(parsed.response) || parsed.response.status === 101) return finish('answered')
        probing = true
        socket.write(options.probe, () => {})
      }
      if (!ended) return
      const last = result.responses.at(-1)
      // Closed before the probe was answered, or before every request was: without having said so?
      if (last !== undefined && !options.halfClose && !saysClose(last)) result.closedAfterResponse = true
      finish(last === undefined ? 'closed' : 'answered')
    }

    socket.setTimeout(options.timeoutMs, () => finish('timeout'))
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data])
      advance(false)
    })
    socket.on('end', () => advance(true))
    // A reset or a refused write: the connection is gone, which is what `end` means here too.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!done) result.error = error.code ?? error.message
      advance(true)
    })
    socket.on('close', () => advance(true))
    socket.write(options.bytes, () => {})
    if (options.halfClose) socket.end()
  })
}
