// Where log lines go outside tests: stdout. JSON lines (LOG_FORMAT=json) are written in batches
// of about 64 KB (some 350 request lines) or every 500 ms, whichever comes first, so a request
// never waits on stdout. Each batch is one asynchronous write through libuv's threadpool, whose
// hand-offs cost about 60–130 µs of CPU per write whatever its size up to 64 KB: at 4 KB batches
// that was 3–5 µs per request line, most of the logging cost of a read (bench/README.md).
// Readable lines (LOG_FORMAT=pretty, for people watching a terminal) are written as they come.
//
// The lines are gathered here and handed to sonic-boom (pino's destination) one batch at a time.
// sonic-boom's own batching (`minLength`) measures the whole pending buffer again on every line
// (Buffer.byteLength of a string that grows to the batch size): 3.6 µs per line over a no-op
// stream where this costs 1.6 µs.
import pino from 'pino'
import { prettyFactory } from 'pino-pretty'
import type { LogFormat } from './config.js'

const batchLength = 64 * 1024
// While stdout takes nothing (a stalled log collector), lines wait in memory up to this much, and
// later ones are dropped: memory stays bounded and requests keep being served.
const pendingMax = 16 * 1024 * 1024
const flushEveryMs = 500

interface LineStream { write: (line: string) => void }

let stdout: LineStream | undefined

export function stdoutFor (format: LogFormat): LineStream {
  return format === 'pretty' ? prettyStdout() : batchedStdout()
}

/** The process's one batched stdout (every app built in this process shares it). */
export function batchedStdout (): LineStream {
  stdout ??= batch()
  return stdout
}

function batch (): LineStream {
  const sonic = pino.destination({ dest: 1, sync: false, minLength: 0, maxLength: pendingMax })
  let lines: string[] = []
  let length = 0
  const flush = (): void => {
    if (lines.length === 0) return
    const batch = lines.join('')
    lines = []
    length = 0
    sonic.write(batch)
  }
  setInterval(flush, flushEveryMs).unref()
  // Whatever is pending is written before the process exits, a crash included (as pino does for
  // its own destinations); a SIGKILL loses the last unwritten lines.
  process.once('exit', () => {
    flush()
    sonic.flushSync()
  })
  return {
    write (line) {
      lines.push(line)
      length += line.length
      if (length >= batchLength) flush()
    }
  }
}

// `[12:00:00.123] INFO: request completed: GET /api/list → 200 in 1.25 ms {"reqId":"…"}`: the
// request's fields in the message, every other field as JSON after it, an error's stack below.
function prettyStdout (): LineStream {
  const pretty = prettyFactory({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,method,url,statusCode,responseTime',
    singleLine: true,
    messageFormat: (log, messageKey) => {
      const message = String(log[messageKey] ?? '')
      if (log.method === undefined || log.url === undefined) return message
      const time = log.responseTime === undefined ? '' : ` in ${String(log.responseTime)} ms`
      return `${message}: ${String(log.method)} ${String(log.url)} → ${String(log.statusCode)}${time}`
    }
  })
  // process.stdout writes to a terminal or a pipe synchronously (on Linux): lines keep their
  // order with console.log's and are not lost at exit.
  return { write: (line) => { process.stdout.write(pretty(line)) } }
}
