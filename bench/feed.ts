// `npm run bench:feed`: the live change feed under load (GET /api/changes, Server-Sent Events).
// Phoenix's production build runs as a child process on a fresh database; the SSE clients run in
// a second Node process (this file with `--role clients`, optionally pinned with taskset) so that
// parsing 100 streams does not share this process's event loop with the writer, which drives
// creates at a fixed rate from here. At the end every client's events are checked against the
// history rows the run created (each once, in change_id order) and the delay from commit to
// receipt, the server's RSS and CPU time are reported.
// See bench/README.md ("Change feed") for what is measured and how.
import { fork, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.js'
import { freePort } from '../src/db/embedded.js'
import { openBenchServer, seedKeys } from './db.js'
import { cleanupStack, cpuTime, peakRss, resetPeakRss, rss, startServer, treeCpuTime } from './servers.js'

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const thisFile = fileURLToPath(import.meta.url)

// Wall-clock milliseconds with sub-millisecond resolution, comparable between the two processes
// of this machine (each one's timeOrigin is the same system clock; the run measures the offset).
const now = (): number => performance.timeOrigin + performance.now()

const usage = `Usage: npm run bench:feed -- [options]

  --clients <n>        connected SSE clients (default 100)
  --rate <n>           changes per second the writer commits (default 1000)
  --duration <s>       seconds of writing (default 10)
  --batch <n>          records per write: 1 = POST /api/create, more = POST /api/bulk_create (default 10)
  --in-flight <n>      most writes in flight at once, one connection each (default 8)
  --client-cpus <list> pin the clients' process to these CPUs with taskset, e.g. 1 (default: not pinned)
  --log-level <lvl>    Phoenix's LOG_LEVEL (default info: logging on, as in production)
  --json <file>        also write the results as JSON to <file>
  --skip-build         use dist/ as it is instead of running npm run build first
  --keep-logs          keep Phoenix's log in bench/results/ (default: a temporary directory)

Environment: BENCH_DATABASE_URL as for npm run bench; by default an embedded PostgreSQL.`

// ---------------------------------------------------------------------------------------------
// The clients' process

type ToClients =
  | { type: 'ping' }
  | { type: 'expect', lastId: number, timeoutMs: number }
  | { type: 'report', ids: number[], recordIds: number[], answered: number[], sent: number[] }

type FromClients =
  | { type: 'connected', milliseconds: number }
  | { type: 'failed', error: string }
  | { type: 'pong', now: number }
  | { type: 'delivered', complete: boolean, behind: number, at: number }
  | { type: 'report', report: ClientsReport }

interface Distribution { p50: number, p90: number, p99: number, max: number, min: number, count: number }

interface ClientsReport {
  clients: number
  expected: number
  eventsPerClient: { min: number, max: number }
  missing: number
  /** The change_ids some client missed, as ranges (`first–last: clients that missed them`), the first 20. */
  missingRanges: string[]
  duplicates: number
  outOfOrder: number
  unexpected: number
  /** Client 0 parses every event's data: events whose data, event type or record differ from the history row. */
  dataMismatches: number
  closedEarly: string[]
  heartbeats: number
  /** receipt − the write's answer (a lower bound of commit to receipt), ms. */
  delay: Distribution
  /** receipt − the write's request sent (an upper bound), ms. */
  delayUpper: Distribution
  /** The clients' own event-loop delay over the run (their receipt times are late by this), ms. */
  loopDelay: { p99: number, max: number }
}

function distribution (values: Float64Array): Distribution {
  values.sort()
  const at = (q: number): number => values.length === 0 ? NaN : values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: values[values.length - 1] ?? NaN, min: values[0] ?? NaN, count: values.length }
}

function ranges (ids: number[], missedBy: Uint32Array): string[] {
  const found: string[] = []
  for (let position = 0; position < ids.length && found.length < 20; position++) {
    const clients = missedBy[position]!
    if (clients === 0) continue
    let end = position
    while (end + 1 < ids.length && missedBy[end + 1] === clients) end++
    found.push(`${ids[position]!}–${ids[end]!}: ${clients}`)
    position = end
  }
  return found
}

class FeedClient {
  ids = new Float64Array(4096)
  times = new Float64Array(4096)
  count = 0
  last = 0
  outOfOrder = 0
  heartbeats = 0
  closed: string | undefined
  /** change_id → record id and whether data, id and event type agreed (client 0 only). */
  readonly records = new Map<number, number>()
  dataMismatches = 0
  private rest = ''
  private id: string | undefined
  private event = 'message'
  private data: string[] = []
  private hasData = false

  constructor (private readonly parseData: boolean) {}

  // An SSE parser for what Phoenix sends (lines end with \n; \r\n accepted): events are
  // dispatched at the blank line; the receipt time is when the chunk that completes one arrived.
  receive (chunk: string, at: number): void {
    const text = this.rest + chunk
    let start = 0
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end)
      start = end + 1
      if (line === '') this.dispatch(at)
      else if (line.charCodeAt(0) === 58) this.heartbeats++
      else this.field(line)
    }
    this.rest = text.slice(start)
  }

  private field (line: string): void {
    const colon = line.indexOf(':')
    const name = colon === -1 ? line : line.slice(0, colon)
    const value = colon === -1 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1)
    if (name === 'id') this.id = value
    else if (name === 'data') {
      this.hasData = true
      if (this.parseData) this.data.push(value)
    } else if (name === 'event') this.event = value
  }

  private dispatch (at: number): void {
    if (this.hasData) {
      const id = Number(this.id)
      if (this.count === this.ids.length) {
        const ids = new Float64Array(this.ids.length * 2)
        ids.set(this.ids)
        this.ids = ids
        const times = new Float64Array(this.times.length * 2)
        times.set(this.times)
        this.times = times
      }
      this.ids[this.count] = id
      this.times[this.count] = at
      this.count++
      if (!(id > this.last)) this.outOfOrder++
      this.last = Math.max(this.last, id)
      if (this.parseData) this.check(id)
    }
    this.id = undefined
    this.event = 'message'
    this.data = []
    this.hasData = false
  }

  private check (id: number): void {
    try {
      const entry = JSON.parse(this.data.join('\n')) as { change_id?: unknown, operation?: unknown, record?: { id?: unknown } }
      if (entry.change_id !== id || entry.operation !== this.event || typeof entry.record?.id !== 'number') this.dataMismatches++
      else this.records.set(id, entry.record.id)
    } catch {
      this.dataMismatches++
    }
  }
}

function connect (url: string, client: FeedClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${url}/api/changes`, { agent: false, headers: { accept: 'text/event-stream' } }, (response) => {
      const type = response.headers['content-type'] ?? ''
      if (response.statusCode !== 200 || !type.startsWith('text/event-stream')) {
        response.resume()
        reject(new Error(`GET /api/changes answered ${String(response.statusCode)} ${type}`))
        return
      }
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => { client.receive(chunk, now()) })
      response.once('close', () => { client.closed ??= 'the server ended the stream' })
      resolve()
    })
    request.once('error', (error) => {
      client.closed ??= error.message
      reject(error)
    })
  })
}

function clientsReport (clients: FeedClient[], expected: Extract<ToClients, { type: 'report' }>, loop: { p99: number, max: number }): ClientsReport {
  const index = new Map<number, number>()
  expected.ids.forEach((id, position) => index.set(id, position))
  const delays = new Float64Array(clients.length * expected.ids.length)
  const uppers = new Float64Array(clients.length * expected.ids.length)
  let delayCount = 0
  let missing = 0
  let duplicates = 0
  let unexpected = 0
  const missedBy = new Uint32Array(expected.ids.length)
  for (const client of clients) {
    const seen = new Uint8Array(expected.ids.length)
    for (let event = 0; event < client.count; event++) {
      const position = index.get(client.ids[event]!)
      if (position === undefined) unexpected++
      else if (seen[position] === 1) duplicates++
      else {
        seen[position] = 1
        const answered = expected.answered[position]!
        if (Number.isFinite(answered)) {
          delays[delayCount] = client.times[event]! - answered
          uppers[delayCount] = client.times[event]! - expected.sent[position]!
          delayCount++
        }
      }
    }
    seen.forEach((flag, position) => {
      if (flag === 1) return
      missing++
      missedBy[position]!++
    })
  }
  const first = clients[0]
  let dataMismatches = first?.dataMismatches ?? 0
  if (first !== undefined) {
    expected.ids.forEach((id, position) => {
      const record = first.records.get(id)
      if (record !== undefined && record !== expected.recordIds[position]) dataMismatches++
    })
  }
  const counts = clients.map((client) => client.count)
  return {
    clients: clients.length,
    expected: expected.ids.length,
    eventsPerClient: { min: Math.min(...counts), max: Math.max(...counts) },
    missing,
    missingRanges: ranges(expected.ids, missedBy),
    duplicates,
    outOfOrder: clients.reduce((sum, client) => sum + client.outOfOrder, 0),
    unexpected,
    dataMismatches,
    closedEarly: clients.flatMap((client, number) => client.closed === undefined ? [] : [`client ${number}: ${client.closed}`]),
    heartbeats: clients.reduce((sum, client) => sum + client.heartbeats, 0),
    delay: distribution(delays.subarray(0, delayCount)),
    delayUpper: distribution(uppers.subarray(0, delayCount)),
    loopDelay: loop
  }
}

async function clientsProcess (url: string, count: number): Promise<void> {
  const send = (message: FromClients): void => { process.send!(message) }
  // Orphaned (the harness died): leave, closing every stream.
  process.once('disconnect', () => process.exit(0))
  const clients = Array.from({ length: count }, (_, number) => new FeedClient(number === 0))
  const loop = monitorEventLoopDelay({ resolution: 10 })
  const started = performance.now()
  try {
    await Promise.all(clients.map(async (client) => { await connect(url, client) }))
  } catch (error) {
    send({ type: 'failed', error: String(error) })
    return
  }
  send({ type: 'connected', milliseconds: performance.now() - started })
  loop.enable()
  process.on('message', (message: ToClients) => {
    if (message.type === 'ping') send({ type: 'pong', now: now() })
    else if (message.type === 'expect') {
      const deadline = performance.now() + message.timeoutMs
      const wait = (): void => {
        const behind = clients.filter((client) => client.last < message.lastId).length
        if (behind === 0 || performance.now() > deadline) send({ type: 'delivered', complete: behind === 0, behind, at: now() })
        else setTimeout(wait, 5)
      }
      wait()
    } else if (message.type === 'report') {
      loop.disable()
      send({ type: 'report', report: clientsReport(clients, message, { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 }) })
    }
  })
}

// ---------------------------------------------------------------------------------------------
// The harness: Phoenix, the writer, the clients' process

interface Options {
  clients: number
  rate: number
  duration: number
  batch: number
  inFlight: number
  clientCpus: string | undefined
  logLevel: string
  json: string | undefined
  skipBuild: boolean
  keepLogs: boolean
}

function parseOptions (args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      clients: { type: 'string', default: '100' },
      rate: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '10' },
      batch: { type: 'string', default: '10' },
      'in-flight': { type: 'string', default: '8' },
      'client-cpus': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      json: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
      'keep-logs': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const number = (name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`)
    return value
  }
  if (values['client-cpus'] !== undefined && !/^\d+([-,]\d+)*$/.test(values['client-cpus'])) {
    throw new Error(`--client-cpus must be a CPU list like 1 or 0,1 or 0-1, got ${JSON.stringify(values['client-cpus'])}`)
  }
  return {
    clients: number('clients', values.clients, 1),
    rate: number('rate', values.rate, 1),
    duration: number('duration', values.duration, 1),
    batch: number('batch', values.batch, 1, 1000),
    inFlight: number('in-flight', values['in-flight'], 1),
    clientCpus: values['client-cpus'],
    logLevel: values['log-level'],
    json: values.json,
    skipBuild: values['skip-build'],
    keepLogs: values['keep-logs']
  }
}

const started = performance.now()
function progress (message: string): void {
  process.stderr.write(`[bench:feed ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`)
}

// Like bench/run.ts: every variable src/config.ts reads is dropped from the inherited environment,
// so Phoenix runs at its defaults except what is set here on purpose.
const phoenixVariables = new Set<string>()
loadConfig(new Proxy({}, {
  get: (_target, name) => {
    if (typeof name === 'string') phoenixVariables.add(name)
    return undefined
  }
}))
function serverEnv (settings: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of phoenixVariables) delete env[name]
  return { ...env, ...settings }
}

interface Write {
  due: number
  sent: number
  answered: number
  status: number
  recordIds: number[]
  error?: string
}

function write (agent: http.Agent, url: URL, key: string, path: string, body: string, due: number): Promise<Write> {
  return new Promise((resolve) => {
    const result: Write = { due, sent: now(), answered: NaN, status: 0, recordIds: [] }
    const request = http.request(url, {
      method: 'POST',
      path,
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'api-key': key }
    }, (response) => {
      result.answered = now()
      result.status = response.statusCode ?? 0
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.once('end', () => {
        try {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { record_info?: { id: number }, records_info?: Array<{ id: number }> }
          result.recordIds = answer.records_info?.map((record) => record.id) ?? (answer.record_info === undefined ? [] : [answer.record_info.id])
        } catch (error) {
          result.error = String(error)
        }
        resolve(result)
      })
    })
    request.setTimeout(10_000, () => { request.destroy(new Error('no answer within 10 s')) })
    request.once('error', (error) => {
      result.error = error.message
      resolve(result)
    })
    request.end(body)
  })
}

/** Creates `rate` records a second for `duration` seconds, `batch` per request, on a fixed schedule (open loop). */
async function drive (serverUrl: string, key: string, options: Options): Promise<Write[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.inFlight })
  const url = new URL(serverUrl)
  const total = Math.round(options.rate * options.duration / options.batch)
  const interval = 1000 * options.batch / options.rate
  const path = options.batch === 1 ? '/api/create' : '/api/bulk_create'
  const writes: Array<Promise<Write>> = []
  const start = now() + 20
  for (let k = 0; k < total; k++) {
    const due = start + k * interval
    const wait = due - now()
    if (wait > 0.5) await sleep(wait)
    const records = Array.from({ length: options.batch }, (_, i) => ({ timestamp: due / 1000, value1: `feed ${k}.${i}`, value2: k, value3: i % 2 === 0 }))
    writes.push(write(agent, url, key, path, JSON.stringify(options.batch === 1 ? records[0] : records), due))
  }
  const done = await Promise.all(writes)
  agent.destroy()
  return done
}

function receive<T extends FromClients['type']> (child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<FromClients, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`the clients' process sent no ${type} within ${timeoutMs} ms`)) }, timeoutMs)
    const onMessage = (message: FromClients): void => {
      if (message.type === 'failed') {
        cleanup()
        reject(new Error(`the clients' process: ${message.error}`))
      } else if (message.type === type) {
        cleanup()
        resolve(message as Extract<FromClients, { type: T }>)
      }
    }
    const onExit = (): void => { cleanup(); reject(new Error('the clients\' process exited')) }
    const cleanup = (): void => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

/** The clients' clock minus ours, from the ping with the shortest round trip. */
async function clockOffset (child: ChildProcess): Promise<{ offset: number, roundTrip: number }> {
  let best = { offset: NaN, roundTrip: Infinity }
  for (let ping = 0; ping < 10; ping++) {
    const sent = now()
    const pong = receive(child, 'pong', 5000)
    child.send({ type: 'ping' } satisfies ToClients)
    const { now: theirs } = await pong
    const back = now()
    if (back - sent < best.roundTrip) best = { offset: theirs - (sent + back) / 2, roundTrip: back - sent }
  }
  return best
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1)
const ms = (value: number): string => value.toFixed(1)

async function main (): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const { cleanups, cleanUp } = cleanupStack(progress, 'stopping the server and the database')
  try {
    const load = loadavg()[0]!
    if (!options.skipBuild) {
      progress('building (npm run build)')
      const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: ['ignore', 2, 2] })
      if (built.status !== 0) throw new Error('npm run build failed')
    }
    const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot, encoding: 'utf8' }).stdout?.trim() || 'unknown'
    const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'sql'], { cwd: projectRoot, encoding: 'utf8' }).stdout?.trim()
    const commit = dirty ? `${head} (with uncommitted changes in src/ or sql/)` : head
    const logDir = options.keepLogs ? join(projectRoot, 'bench', 'results') : await mkdtemp(join(tmpdir(), 'phoenix-bench-feed-'))
    if (!options.keepLogs) cleanups.push(async () => { await rm(logDir, { recursive: true, force: true }) })

    progress('starting PostgreSQL')
    const benchServer = await openBenchServer(process.env.BENCH_DATABASE_URL, progress)
    cleanups.push(benchServer.close)
    progress(`database server: ${benchServer.description}`)
    const database = await benchServer.createDatabase('feed')
    const key = `phx_${randomBytes(32).toString('base64url')}`
    await seedKeys(database.sql, [key])
    const port = await freePort()
    const server = await startServer({
      name: 'phoenix',
      nodeArgs: [join('dist', 'src', 'server.js')],
      cwd: projectRoot,
      port,
      logFile: join(logDir, `phoenix-feed-${new Date().toISOString().replace(/[:.]/g, '-')}.log`),
      // One key writes everything: no write limit; key issue is not used but off like in bench/run.ts.
      env: serverEnv({ DATABASE_URL: database.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: options.logLevel, WRITES_PER_SECOND: '0', KEY_ISSUE_PER_MINUTE: '0' })
    })
    cleanups.push(server.stop)
    progress(`phoenix listening on ${server.url} (pid ${server.pid}), log ${server.logFile}`)
    const rssIdle = await rss(server.pid)

    progress(`connecting ${options.clients} SSE clients from a separate process${options.clientCpus === undefined ? '' : ` pinned to CPUs ${options.clientCpus}`}`)
    const child = fork(thisFile, ['--role', 'clients', '--url', server.url, '--clients', String(options.clients)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill()
        await exited
      }
    })
    if (options.clientCpus !== undefined) {
      const pinned = spawnSync('taskset', ['--all-tasks', '--pid', '--cpu-list', options.clientCpus, String(child.pid)], { encoding: 'utf8' })
      if (pinned.status !== 0) throw new Error(`taskset failed: ${pinned.stderr || String(pinned.error)}`)
    }
    const { milliseconds: connectMs } = await receive(child, 'connected', 60_000)
    progress(`all ${options.clients} connected in ${connectMs.toFixed(0)} ms`)
    const rssConnected = await rss(server.pid)
    const clock = await clockOffset(child)
    progress(`clients' clock − harness's: ${clock.offset.toFixed(3)} ms (round trip ${clock.roundTrip.toFixed(3)} ms)`)

    const [{ before }] = await database.sql<[{ before: number }]>`SELECT coalesce(max(change_id), 0)::float8 AS before FROM record_history`
    const peakResets = await resetPeakRss(server.pid)
    let rssSampled = 0
    const sampling = new AbortController()
    const sampler = (async () => {
      while (!sampling.signal.aborted) {
        rssSampled = Math.max(rssSampled, await rss(server.pid).catch(() => 0))
        await sleep(100)
      }
    })()
    const cpuBefore = {
      server: await cpuTime(server.pid),
      clients: await cpuTime(child.pid!),
      harness: await cpuTime(process.pid),
      database: benchServer.postmasterPid === undefined ? NaN : await treeCpuTime(benchServer.postmasterPid)
    }
    const windowStart = now()

    progress(`writing ${options.rate} changes/s for ${options.duration} s (${options.batch === 1 ? 'POST /api/create' : `POST /api/bulk_create of ${options.batch}`}, up to ${options.inFlight} in flight)`)
    const writes = await drive(server.url, key, options)
    const writesDone = now()
    const [{ last }] = await database.sql<[{ last: number }]>`SELECT coalesce(max(change_id), 0)::float8 AS last FROM record_history`
    const expect = receive(child, 'delivered', 30_000)
    child.send({ type: 'expect', lastId: last, timeoutMs: 15_000 } satisfies ToClients)
    const delivered = await expect
    const cpuAfter = {
      server: await cpuTime(server.pid),
      clients: await cpuTime(child.pid!),
      harness: await cpuTime(process.pid),
      database: benchServer.postmasterPid === undefined ? NaN : await treeCpuTime(benchServer.postmasterPid)
    }
    const windowMs = delivered.at - clock.offset - windowStart
    sampling.abort()
    await sampler
    const rssAfter = await rss(server.pid)
    const rssPeak = Math.max(rssSampled, rssAfter, peakResets ? await peakRss(server.pid) : 0)
    progress(`writes done ${ms(writesDone - windowStart)} ms after the start; ${delivered.complete ? 'every client has the last change' : `${delivered.behind} clients still behind after 15 s`}`)

    // What the clients must have: every history row this run made (the writes are the only ones).
    await sleep(500)
    const rows = await database.sql<Array<{ change_id: number, record_id: number }>>`
      SELECT change_id::float8 AS change_id, record_id FROM record_history WHERE change_id > ${before} ORDER BY change_id
    `
    const writeOf = new Map<number, Write>()
    for (const done of writes) for (const id of done.recordIds) writeOf.set(id, done)
    const expected = {
      type: 'report' as const,
      ids: rows.map((row) => row.change_id),
      recordIds: rows.map((row) => row.record_id),
      // Times on the clients' clock; NaN for a change whose write got no answer.
      answered: rows.map((row) => (writeOf.get(row.record_id)?.answered ?? NaN) + clock.offset),
      sent: rows.map((row) => (writeOf.get(row.record_id)?.sent ?? NaN) + clock.offset)
    }
    const reported = receive(child, 'report', 60_000)
    child.send(expected satisfies ToClients)
    const { report } = await reported
    const clientsCpuTotal = await cpuTime(child.pid!)
    child.kill()

    const failed = writes.filter((done) => done.status !== 201 || done.error !== undefined)
    const committed = writes.reduce((sum, done) => sum + done.recordIds.length, 0)
    const late = distribution(Float64Array.from(writes, (done) => done.sent - done.due))
    const latency = distribution(Float64Array.from(writes.filter((done) => Number.isFinite(done.answered)), (done) => done.answered - done.sent))
    const firstSent = Math.min(...writes.map((done) => done.sent))
    const lastAnswered = Math.max(...writes.filter((done) => Number.isFinite(done.answered)).map((done) => done.answered))
    const serverCpu = cpuAfter.server - cpuBefore.server
    const databaseCpu = cpuAfter.database - cpuBefore.database
    const log = await readFile(server.logFile, 'utf8').catch(() => '')
    const warnings = log.split('\n').filter((line) => /"level":(4|5|6)\d/.test(line))

    const results: FeedResults = {
      commit,
      date: new Date().toISOString(),
      database: benchServer.description,
      loadAverage: { before: load, after: loadavg()[0]! },
      options,
      connectMs,
      clock,
      writer: {
        requests: writes.length,
        failed: failed.length,
        failures: failed.slice(0, 5).map((done) => `${done.status} ${done.error ?? ''}`),
        committed,
        changesPerSecond: committed / ((lastAnswered - firstSent) / 1000),
        lateMs: late,
        latencyMs: latency
      },
      history: { rows: rows.length, firstId: rows[0]?.change_id, lastId: last },
      clients: report,
      deliveredAfterWritesMs: delivered.at - clock.offset - writesDone,
      windowMs,
      server: {
        rss: { idle: rssIdle, connected: rssConnected, peak: rssPeak, after: rssAfter, peakFromVmHWM: peakResets },
        cpuMs: serverCpu,
        cpuPercentOfOneCore: 100 * serverCpu / windowMs,
        cpuPerChangeUs: 1000 * serverCpu / rows.length,
        cpuPerDeliveredEventUs: 1000 * serverCpu / (rows.length * options.clients),
        warnings: warnings.length,
        firstWarnings: warnings.slice(0, 5)
      },
      databaseCpuMs: databaseCpu,
      harnessCpuMs: { clients: cpuAfter.clients - cpuBefore.clients, writer: cpuAfter.harness - cpuBefore.harness, clientsTotal: clientsCpuTotal }
    }
    const ok = report.missing === 0 && report.duplicates === 0 && report.outOfOrder === 0 && report.unexpected === 0 &&
      report.dataMismatches === 0 && report.closedEarly.length === 0 && failed.length === 0 && rows.length === committed
    console.log(summary(results, ok))
    if (options.json !== undefined) {
      await writeFile(options.json, JSON.stringify(results, null, 2) + '\n')
      progress(`results written to ${options.json}`)
    }
    if (!ok) process.exitCode = 1
  } finally {
    await cleanUp()
  }
}

interface FeedResults {
  commit: string
  date: string
  database: string
  loadAverage: { before: number, after: number }
  options: Options
  connectMs: number
  clock: { offset: number, roundTrip: number }
  writer: {
    requests: number
    failed: number
    failures: string[]
    committed: number
    changesPerSecond: number
    lateMs: Distribution
    latencyMs: Distribution
  }
  history: { rows: number, firstId: number | undefined, lastId: number }
  clients: ClientsReport
  /** From the last write's answer to the moment every client had the last change, ms. */
  deliveredAfterWritesMs: number
  /** From the first write to the moment every client had the last change, ms: the CPU window. */
  windowMs: number
  server: {
    rss: { idle: number, connected: number, peak: number, after: number, peakFromVmHWM: boolean }
    cpuMs: number
    cpuPercentOfOneCore: number
    cpuPerChangeUs: number
    cpuPerDeliveredEventUs: number
    warnings: number
    firstWarnings: string[]
  }
  databaseCpuMs: number
  harnessCpuMs: { clients: number, writer: number, clientsTotal: number }
}

function summary (r: FeedResults, ok: boolean): string {
  const { options: o, clients: c, writer: w, server: s } = r
  const delay = (d: Distribution): string => `${ms(d.p50)} / ${ms(d.p90)} / ${ms(d.p99)} / ${ms(d.max)} (min ${ms(d.min)})`
  const window = r.windowMs / 1000
  return [
    `## Change feed: ${o.clients} clients, ${o.rate} changes/s for ${o.duration} s`,
    '',
    `${r.date} at commit ${r.commit}; ${r.database}; load average ${r.loadAverage.before.toFixed(2)} before, ${r.loadAverage.after.toFixed(2)} after.`,
    `Writes: ${o.batch === 1 ? 'POST /api/create' : `POST /api/bulk_create of ${o.batch} records`} every ${ms(1000 * o.batch / o.rate)} ms, up to ${o.inFlight} in flight; LOG_LEVEL=${o.logLevel}, WRITES_PER_SECOND=0; clients ${o.clientCpus === undefined ? 'not pinned' : `pinned to CPUs ${o.clientCpus}`}.`,
    '',
    '| | |',
    '|:---|---:|',
    `| changes committed (history rows) | ${r.history.rows} (${w.committed} in ${w.requests} answers, ${w.failed} failed writes) |`,
    `| achieved rate | ${w.changesPerSecond.toFixed(0)} changes/s |`,
    `| write latency p50 / p99 (ms) | ${ms(w.latencyMs.p50)} / ${ms(w.latencyMs.p99)} |`,
    `| writes sent late, p99 / max (ms) | ${ms(w.lateMs.p99)} / ${ms(w.lateMs.max)} |`,
    `| clients, events per client | ${c.clients}, ${c.eventsPerClient.min === c.eventsPerClient.max ? c.eventsPerClient.min : `${c.eventsPerClient.min}–${c.eventsPerClient.max}`} |`,
    `| missing / duplicate / out of order / unexpected | ${c.missing} / ${c.duplicates} / ${c.outOfOrder} / ${c.unexpected} |`,
    ...(c.missingRanges.length === 0 ? [] : [`| change_ids missed (range: clients that missed it) | ${c.missingRanges.join(', ')} |`]),
    `| client 0's data checked against the history | ${c.dataMismatches} mismatches |`,
    `| streams closed early | ${c.closedEarly.length}${c.closedEarly.length === 0 ? '' : ` (${c.closedEarly.slice(0, 3).join('; ')})`} |`,
    `| **delay commit → receipt** (receipt − write answered), p50 / p90 / p99 / max ms | **${delay(c.delay)}** |`,
    `| upper bound (receipt − write sent), p50 / p90 / p99 / max ms | ${delay(c.delayUpper)} |`,
    `| last event received after the last answer | ${ms(r.deliveredAfterWritesMs)} ms |`,
    `| server RSS idle / with clients / peak / after (MB) | ${mb(s.rss.idle)} / ${mb(s.rss.connected)} / ${mb(s.rss.peak)} / ${mb(s.rss.after)}${s.rss.peakFromVmHWM ? '' : ' (peak sampled)'} |`,
    `| server CPU | ${(s.cpuMs / 1000).toFixed(2)} s in ${window.toFixed(2)} s (${s.cpuPercentOfOneCore.toFixed(0)}% of a core) |`,
    `| server CPU per change / per delivered event | ${s.cpuPerChangeUs.toFixed(0)} µs / ${s.cpuPerDeliveredEventUs.toFixed(1)} µs |`,
    `| PostgreSQL CPU (all processes) | ${Number.isNaN(r.databaseCpuMs) ? 'not on this machine' : `${(r.databaseCpuMs / 1000).toFixed(2)} s (${(100 * r.databaseCpuMs / r.windowMs).toFixed(0)}% of a core)`} |`,
    `| harness CPU: clients' process / writer | ${(r.harnessCpuMs.clients / 1000).toFixed(2)} s (${(100 * r.harnessCpuMs.clients / r.windowMs).toFixed(0)}%) / ${(r.harnessCpuMs.writer / 1000).toFixed(2)} s (${(100 * r.harnessCpuMs.writer / r.windowMs).toFixed(0)}%) |`,
    `| clients' event-loop delay p99 / max | ${ms(c.loopDelay.p99)} / ${ms(c.loopDelay.max)} ms |`,
    `| clock offset between the processes | ${r.clock.offset.toFixed(3)} ms (±${(r.clock.roundTrip / 2).toFixed(3)}) |`,
    `| server warnings and errors in its log | ${s.warnings} |`,
    '',
    ok ? 'Every client received every change exactly once, in change_id order.' : '**FAILED**: see the counts above.'
  ].join('\n')
}

const { values: role } = parseArgs({ args: process.argv.slice(2), strict: false, options: { role: { type: 'string' }, url: { type: 'string' }, clients: { type: 'string' } } })
if (role.role === 'clients') {
  await clientsProcess(String(role.url), Number(role.clients))
} else {
  await main().catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
}
