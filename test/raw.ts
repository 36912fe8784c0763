// HTTP/1.1 over a plain TCP socket, for what fetch and inject cannot send: bytes Node's parser
// refuses, oversized header blocks, requests that arrive slowly, clients that stop reading.
import { connect, type Socket } from 'node:net'

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

/** Parses one response from the start of `data` (Content-Length bodies only). */
export function parseResponse (data: Buffer): { response: Omit<RawResponse, 'closed'>, rest: Buffer } | undefined {
  const end = data.indexOf('\r\n\r\n')
  if (end < 0) return undefined
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  const length = Number(headers['content-length'] ?? 0)
  if (data.length < end + 4 + length) return undefined
  const body = data.subarray(end + 4, end + 4 + length).toString('utf8')
  return { response: { status: Number(statusLine.split(' ')[1]), headers, body }, rest: data.subarray(end + 4 + length) }
}

/** Writes `bytes`, reads one response, and reports whether the server then closed the connection. */
export async function sendRaw (port: number, bytes: Buffer | string, socket?: Socket): Promise<RawResponse> {
  const connection = socket ?? await openSocket(port)
  return await new Promise((resolve, reject) => {
    let data = Buffer.alloc(0)
    let parsed: ReturnType<typeof parseResponse>
    const timer = setTimeout(() => finish(new Error(`no complete response within 5 s: ${JSON.stringify(data.toString('latin1').slice(0, 300))}`)), 5000)
    const finish = (error?: Error, closed = false): void => {
      clearTimeout(timer)
      connection.off('data', onData).off('close', onClose).off('error', onError)
      if (error !== undefined) reject(error)
      else resolve({ ...parsed!.response, closed })
      if (socket === undefined) connection.destroy()
    }
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk])
      parsed ??= parseResponse(data)
      // A response that says it closes the connection: wait for the close to report it.
      if (parsed !== undefined && parsed.response.headers.connection !== 'close') finish()
    }
    const onClose = (): void => { parsed === undefined ? finish(new Error('closed without a response')) : finish(undefined, true) }
    // A reset after a complete answer (the server dropping unread bytes) still counts as closed.
    const onError = (error: Error): void => { parsed === undefined ? finish(error) : finish(undefined, true) }
    connection.on('data', onData).on('close', onClose).on('error', onError)
    connection.write(bytes)
  })
}
