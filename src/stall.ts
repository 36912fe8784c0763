// Stall detection for streamed responses (a full list): a client that stops reading makes a
// response's socket stop taking data. Node's own socket timeout is no measure of that: it lets a
// timeout pass whenever the kernel took a few more bytes since the last one (see Socket's
// _onTimeout), and a zero-window connection keeps doing so, so a 3 s timeout fired after 6 s or
// more here. This watches what is left to write instead.
import type { ServerResponse } from 'node:http'

/**
 * Resets the connection of `response` once data has waited to be written for `ms` without any of
 * it being taken (checked every quarter of `ms`, so cut between `ms` and 1.25 × `ms`).
 */
export function resetWhenStalled (response: ServerResponse, ms: number): void {
  const socket = response.socket
  if (socket === null) return
  let pending = -1
  let written = -1
  let since = Date.now()
  const timer = setInterval(() => {
    // writableLength counts what waits to be written, the chunk under way included; a client
    // that reads, however slowly, lets a write complete now and then.
    if (socket.writableLength === 0 || socket.writableLength !== pending || socket.bytesWritten !== written) {
      pending = socket.writableLength
      written = socket.bytesWritten
      since = Date.now()
    } else if (Date.now() - since >= ms) {
      clearInterval(timer)
      // A reset, not a close: the megabytes queued for the client would otherwise stay in the
      // kernel, and the client would see the end only after reading them all.
      socket.resetAndDestroy()
    }
  }, Math.max(100, ms / 4))
  timer.unref()
  response.once('close', () => clearInterval(timer))
}
