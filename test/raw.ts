// HTTP/1.1 over a plain TCP socket, for what fetch and inject cannot send: bytes Node's parser
// refuses, oversized header blocks, requests that arrive slowly, clients that stop reading.
import { connect, type Socket } from 'node:net'
import { parseResponse } from './fuzz/http.js'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
  /** Whether the server closed the connection after this response. */
  closed: boolean
}

export function openSocket (port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** One complete response at the start of `data`, read as an answer to `method` (fuzz/http.ts's parser). */
function firstResponse (data: Buffer, method: string): Omit<RawResponse, 'closed'> | undefined {
  const parsed = parseResponse(data, 0, method, false)
  if (typeof parsed === 'string') return undefined
  const { status, headers, body } = parsed.response
  return {
    status,
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value ?? ''])),
    body: body.toString('utf8')
  }
}

/** Writes `bytes`, reads one response, and reports whether the server then closed the connection. */
export async function sendRaw (port: number, bytes: Buffer | string, socket?: Socket): Promise<RawResponse> {
  const connection = socket ?? await openSocket(port)
  const method = Buffer.from(bytes).toString('latin1').split(' ')[0] ?? ''
  return await new Promise((resolve, reject) => {
    let data = Buffer.alloc(0)
    let parsed: ReturnType<typeof firstResponse>
    const timer = setTimeout(() => finish(new Error(`no complete response within 5 s: ${JSON.stringify(data.toString('latin1').slice(0, 300))}`)), 5000)
    const finish = (error?: Error, closed = false): void => {
      clearTimeout(timer)
      connection.off('data', onData).off('close', onClose).off('error', onError)
      if (error !== undefined) reject(error)
      else resolve({ ...parsed!, closed })
      if (socket === undefined) connection.destroy()
    }
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk])
      parsed ??= firstResponse(data, method)
      // A response that says it closes the connection: wait for the close to report it.
      if (parsed !== undefined && parsed.headers.connection !== 'close') finish()
    }
    const onClose = (): void => { parsed === undefined ? finish(new Error('closed without a response')) : finish(undefined, true) }
    // A reset after a complete answer (the server dropping unread bytes) still counts as closed.
    const onError = (error: Error): void => { parsed === undefined ? finish(error) : finish(undefined, true) }
    connection.on('data', onData).on('close', onClose).on('error', onError)
    connection.write(bytes)
  })
}
