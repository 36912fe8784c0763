// Where log lines go outside tests: stdout, written in batches of about 4 KB (some 25 request
// lines) or every 500 ms, whichever comes first, so a request never waits on stdout and the
// server makes one write where it would make one per line.
//
// The lines are gathered here and handed to sonic-boom (pino's destination) one batch at a time.
// sonic-boom's own batching (`minLength`) measures the whole pending buffer again on every line
// (Buffer.byteLength of a string that grows to 4 KB): 3.6 µs per line over a no-op stream where
// this costs 1.6 µs (bench/README.md).
import pino from 'pino'

const batchLength = 4096
const flushEveryMs = 500

interface LineStream { write: (line: string) => void }

let stdout: LineStream | undefined

/** The process's one batched stdout (every app built in this process shares it). */
export function batchedStdout (): LineStream {
  stdout ??= batch()
  return stdout
}

function batch (): LineStream {
  const sonic = pino.destination({ dest: 1, sync: false, minLength: 0 })
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
