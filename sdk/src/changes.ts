// The live change feed (GET /api/changes, Server-Sent Events) as an async iterator, read with
// fetch rather than EventSource so that it runs in Node as in browsers and can be aborted.
import type { components } from './openapi.js'

type HistoryEntry = components['schemas']['HistoryEntry']

/** Where the change feed starts, and how it is stopped. */
export interface ChangesOptions {
  /** Start after this change_id (default: with the next change). */
  after?: number
  /** Stops following (the iterator then ends). */
  signal?: AbortSignal
  /** Wait before reconnecting after the stream broke (default 1000 ms). */
  reconnectMs?: number
  /** Called each time the stream is open: every change from then on will be yielded. */
  onOpen?: () => void
}

// One Server-Sent Events block (the lines before an empty line) as its fields.
function eventOf (block: string): { id?: string, data?: string } {
  const fields: { id?: string, data?: string } = {}
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon)
    const value = line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1)
    if (name === 'id') fields.id = value
    else if (name === 'data') fields.data = fields.data === undefined ? value : `${fields.data}\n${value}`
  }
  return fields
}

/**
 * Every change from `follow.after` (or the next one) on; after a dropped connection (or a 503
 * while the server drains) it reconnects with the last id it saw, so nothing is missed or repeated.
 */
export async function * followChanges (
  baseUrl: string,
  fetcher: (request: Request) => Promise<Response>,
  follow: ChangesOptions
): AsyncGenerator<HistoryEntry> {
  let after = follow.after
  const stopped = (): boolean => follow.signal?.aborted === true
  while (!stopped()) {
    try {
      const url = new URL('/api/changes', baseUrl)
      if (after !== undefined) url.searchParams.set('after', String(after))
      const response = await fetcher(new Request(url, { headers: { accept: 'text/event-stream' }, signal: follow.signal }))
      if (response.status !== 200 || response.body === null) throw new Error(`the change feed answered ${response.status}`)
      follow.onOpen?.()
      // Cancelled when the signal aborts (a read in progress then ends at once, whatever the
      // runtime's fetch does with the signal) and when the iterator is left (`break`).
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      const cancel = (): void => { reader.cancel().catch(() => {}) }
      follow.signal?.addEventListener('abort', cancel, { once: true })
      try {
        let buffer = ''
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          buffer += read.value.replaceAll('\r\n', '\n')
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const event = eventOf(buffer.slice(0, end))
            buffer = buffer.slice(end + 2)
            if (event.data === undefined || event.id === undefined) continue
            after = Number(event.id)
            yield JSON.parse(event.data) as HistoryEntry
            // Aborted while the caller held the last entry: nothing more, even if already read.
            if (stopped()) return
          }
        }
      } finally {
        follow.signal?.removeEventListener('abort', cancel)
        cancel()
      }
    } catch (error) {
      if (stopped()) return
      if (!(error instanceof TypeError) && !(error instanceof Error && error.message.startsWith('the change feed answered 503'))) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, follow.reconnectMs ?? 1000))
  }
}
