// `npm run bench`: Phoenix (its production build, logging on) and the bare node:http baseline
// (bench/baseline.ts), each a child process on its own fresh database on one PostgreSQL server,
// driven in turn by the same load (wrk, or autocannon); prints one table of req/s, latency, CPU
// time per request, errors and ratios.
// See bench/README.md for what is measured and how.
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort } from '../src/db/embedded.js'
import { loadConfig } from '../src/config.js'
import { autocannonGenerator } from './autocannon.js'
import { disableHistory, openBenchServer, resetRecords, seedKeys, stuckSessions, type BenchDatabase } from './db.js'
import { createOps, opNames, requestAt, type LoadGenerator, type Op, type OpName } from './load.js'
import { summarizeProfile } from './profile.js'
import {
  checkTargets, formatBulk, formatLimits, formatTable, formatTargets, largeListReport, opReport,
  type LargeListReport, type LargeListRun, type Measurement, type OpReport, type ServerName
} from './report.js'
import { cleanupStack, cpuTime, peakRss, resetPeakRss, rss, startServer, treeCpuTime, type ServerProcess } from './servers.js'
import { tasksetAvailable, wrkGenerator, wrkInstallHint, wrkVersion } from './wrk.js'

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const resultsDir = join(projectRoot, 'bench', 'results')

const usage = `Usage: npm run bench -- [options]

  --duration <s>      measured seconds per operation and server (default 8)
  --warmup <s>        warm-up seconds before each measurement, not counted (default 2)
  --generator <name>  wrk (default when wrk is on PATH) or autocannon (in the harness's process)
  --wrk-threads <n>   wrk's threads (default 1)
  --wrk-cpus <list>   pin wrk to these CPUs with taskset, e.g. 1 or 0,1 (default: not pinned)
  --connections <n>   concurrent connections of the load generator (default 16)
  --keys <n>          keys (one user each) the writes cycle over, one per request, so that no key
                      reaches Phoenix's WRITES_PER_SECOND (default 256)
  --records <n>       records present for read, list and modify (default 1000)
  --large <n>         rows for the single large GET /api/list (default 100000; 0 skips it)
  --large-runs <n>    large lists per server; the median time is reported (default 3)
  --rounds <n>        rounds of every operation, alternating which server goes first;
                      the median round is reported (default 1)
  --only <ops>        comma-separated subset of ${opNames.join(',')}
  --json <file>       also write the results as JSON to <file>
  --profile           run both servers with --cpu-prof (into bench/results/) and summarize
  --log-level <lvl>   Phoenix's LOG_LEVEL (default info: logging on, as in production)
  --pool <n>          DB_POOL_MAX for Phoenix and the baseline's pool (default: Phoenix's default, 10)
  --history <on|off>  Phoenix's history triggers (sql/004) on or off; the baseline's are always off,
                      as a v1 store has none (default on). Run both to see what the history costs
  --skip-build        use dist/ as it is instead of running npm run build first
  --keep-logs         keep the servers' logs in bench/results/ (default: a temporary directory)

Environment: BENCH_DATABASE_URL=postgres://user@host:port/db runs on that server (creating and
dropping databases named phoenix_bench_*); by default an embedded PostgreSQL is started.`

interface Options {
  generator: 'wrk' | 'autocannon' | undefined
  wrkThreads: number
  wrkCpus: string | undefined
  keys: number
  duration: number
  warmup: number
  connections: number
  records: number
  large: number
  largeRuns: number
  rounds: number
  only: OpName[]
  json: string | undefined
  profile: boolean
  logLevel: string
  pool: number | undefined
  history: boolean
  skipBuild: boolean
  keepLogs: boolean
}

function parseOptions (): Options {
  const { values } = parseArgs({
    options: {
      generator: { type: 'string' },
      'wrk-threads': { type: 'string', default: '1' },
      'wrk-cpus': { type: 'string' },
      keys: { type: 'string', default: '256' },
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '16' },
      records: { type: 'string', default: '1000' },
      large: { type: 'string', default: '100000' },
      'large-runs': { type: 'string', default: '3' },
      rounds: { type: 'string', default: '1' },
      only: { type: 'string' },
      json: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      pool: { type: 'string' },
      history: { type: 'string', default: 'on' },
      'skip-build': { type: 'boolean', default: false },
      'keep-logs': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  const number = (name: string, text: string, min: number): number => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(text)}`)
    return value
  }
  const only = values.only === undefined ? [...opNames] : values.only.split(',').map((name) => name.trim()).filter((name) => name !== '')
  for (const name of only) {
    if (!(opNames as readonly string[]).includes(name)) throw new Error(`--only: unknown operation ${JSON.stringify(name)} (known: ${opNames.join(', ')})`)
  }
  if (values.history !== 'on' && values.history !== 'off') throw new Error(`--history must be on or off, got ${JSON.stringify(values.history)}`)
  if (values.generator !== undefined && values.generator !== 'wrk' && values.generator !== 'autocannon') {
    throw new Error(`--generator must be wrk or autocannon, got ${JSON.stringify(values.generator)}`)
  }
  if (values['wrk-cpus'] !== undefined && !/^\d+([-,]\d+)*$/.test(values['wrk-cpus'])) {
    throw new Error(`--wrk-cpus must be a CPU list like 1 or 0,1 or 0-1, got ${JSON.stringify(values['wrk-cpus'])}`)
  }
  return {
    generator: values.generator,
    wrkThreads: number('wrk-threads', values['wrk-threads'], 1),
    wrkCpus: values['wrk-cpus'],
    keys: number('keys', values.keys, 1),
    duration: number('duration', values.duration, 1),
    warmup: number('warmup', values.warmup, 0),
    connections: number('connections', values.connections, 1),
    records: number('records', values.records, 1),
    large: number('large', values.large, 0),
    largeRuns: number('large-runs', values['large-runs'], 1),
    rounds: number('rounds', values.rounds, 1),
    only: only as OpName[],
    json: values.json,
    profile: values.profile,
    logLevel: values['log-level'],
    pool: values.pool === undefined ? undefined : number('pool', values.pool, 1),
    history: values.history === 'on',
    skipBuild: values['skip-build'],
    keepLogs: values['keep-logs']
  }
}

const started = performance.now()
function progress (message: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`)
}

// Both servers run compiled JavaScript: Phoenix its production build, the baseline compiled with
// the same compiler options into dist/baseline/ (run through tsx it cost a few µs more per request).
const phoenixEntry = join('dist', 'src', 'server.js')
const baselineEntry = join('dist', 'baseline', 'bench', 'baseline.js')

function build (): void {
  progress('building (npm run build, and the baseline with bench/tsconfig.baseline.json)')
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: projectRoot, stdio: ['ignore', 2, 2] })
  if (result.status !== 0) throw new Error('npm run build failed')
  const baseline = spawnSync('npx', ['--no-install', 'tsc', '-p', 'bench/tsconfig.baseline.json'], { cwd: projectRoot, stdio: ['ignore', 2, 2] })
  if (baseline.status !== 0) throw new Error('compiling bench/baseline.ts failed')
}

// Phoenix's defaults, and the name of every variable src/config.ts reads (learned by letting it
// read an environment that records what is asked of it).
const phoenixVariables = new Set<string>()
const phoenixDefaults = loadConfig(new Proxy({}, {
  get: (_target, name) => {
    if (typeof name === 'string') phoenixVariables.add(name)
    return undefined
  }
}))

// Phoenix's own settings are dropped from the inherited environment, so both servers get the
// defaults except what the harness sets on purpose.
function serverEnv (settings: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of phoenixVariables) delete env[name]
  for (const [name, value] of Object.entries(settings)) if (value !== undefined) env[name] = value
  return env
}

interface Target {
  name: ServerName
  database: BenchDatabase
  server: ServerProcess
  ops: Map<OpName, Op>
}

async function alive (target: Target): Promise<void> {
  const status = target.server.exited()
  if (status !== undefined) {
    const log = await readFile(target.server.logFile, 'utf8').catch(() => '')
    throw new Error(`${target.name} exited (${status}); last log lines:\n${log.split('\n').slice(-20).join('\n')}`)
  }
}

async function measureLargeList (target: Target, rows: number): Promise<LargeListRun & { digest: string }> {
  const { pid, url } = target.server
  const peakResets = await resetPeakRss(pid)
  const rssBefore = await rss(pid)
  // VmHWM gives the exact peak when it could be reset; sampling VmRSS is the fallback.
  let sampled = rssBefore
  const done = new AbortController()
  const sampler = (async () => {
    while (!done.signal.aborted) {
      sampled = Math.max(sampled, await rss(pid).catch(() => 0))
      await sleep(10)
    }
  })()
  const start = performance.now()
  const response = await fetch(`${url}/api/list`)
  const body = Buffer.from(await response.arrayBuffer())
  const milliseconds = performance.now() - start
  done.abort()
  await sampler
  const rssPeak = Math.max(sampled, peakResets ? await peakRss(pid) : 0)
  let count = -1
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'))
    if (Array.isArray(parsed)) count = parsed.length
  } catch {}
  if (response.status !== 200 || count !== rows) {
    throw new Error(`${target.name}: GET /api/list answered ${response.status} with ${count} rows, expected 200 with ${rows}`)
  }
  return {
    milliseconds,
    bytes: body.length,
    rows: count,
    status: response.status,
    rssBefore,
    rssPeak,
    rssGrowth: rssPeak - rssBefore,
    digest: createHash('sha256').update(body).digest('hex')
  }
}

async function largeList (targets: Target[], options: Options): Promise<LargeListReport> {
  for (const target of targets) await resetRecords(target.database.sql, options.large)
  const runs: Record<ServerName, LargeListRun[]> = { phoenix: [], baseline: [] }
  const digests = new Set<string>()
  for (let run = 0; run < options.largeRuns; run++) {
    for (const target of run % 2 === 0 ? targets : [...targets].reverse()) {
      const { digest, ...result } = await measureLargeList(target, options.large)
      digests.add(digest)
      runs[target.name].push(result)
      progress(`list ${options.large}: ${target.name} ${result.milliseconds.toFixed(0)} ms, RSS +${(result.rssGrowth / 2 ** 20).toFixed(1)} MB`)
    }
  }
  if (digests.size > 1) progress('WARNING: the two servers\' /api/list bodies differ byte for byte')
  return largeListReport(options.large, runs)
}

// Before any load: each operation once on each server, and the answers compared, so the baseline
// is known to do the same work (same status, same JSON apart from generated values).
async function checkParity (targets: Target[], options: Options): Promise<void> {
  const shape = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])]
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shape(item)]))
    return typeof value
  }
  const answers = new Map<OpName, Set<string>>()
  const bodies = new Set<string>()
  for (const target of targets) {
    await resetRecords(target.database.sql, options.records)
    const read = await fetch(`${target.server.url}/api/read/1`)
    bodies.add(`${read.status} ${await read.text()}`)
    for (const name of opNames) {
      const op = target.ops.get(name)!
      const { path, ...request } = requestAt(op, op.next++)
      const response = await fetch(`${target.server.url}${path}`, request)
      const text = await response.text()
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        json = text
      }
      if (response.status !== op.status) throw new Error(`${target.name}: ${name} answered ${response.status}, expected ${op.status}: ${text}`)
      const answer = `${response.status} ${response.headers.get('content-type') ?? ''} ${JSON.stringify(shape(json))}`
      answers.set(name, (answers.get(name) ?? new Set()).add(answer))
    }
  }
  if (bodies.size > 1) throw new Error(`GET /api/read/1 differs between the servers:\n${[...bodies].join('\n')}`)
  for (const [name, set] of answers) {
    if (set.size > 1) throw new Error(`${name} answers differ between the servers:\n${[...set].join('\n')}`)
  }
}

const monotonicMicroseconds = (): number => Number(process.hrtime.bigint() / 1000n)

async function measureOp (target: Target, name: OpName, options: Options, generator: LoadGenerator, postmasterPid: number | undefined): Promise<Measurement> {
  const op = target.ops.get(name)!
  const stuck = async (phase: string): Promise<number> => {
    const sessions = await stuckSessions(target.database.sql)
    for (const session of sessions) {
      progress(`WARNING: ${target.name} ${name} ${phase}: database session ${session.pid} still ${session.state} after the load stopped ` +
        `(${session.query.replace(/\s+/g, ' ')}); terminated`)
    }
    return sessions.length
  }
  await op.prepare(target.database.sql)
  let stuckCount = 0
  if (options.warmup > 0) {
    await generator.run(target.server.url, op, { seconds: options.warmup, connections: options.connections })
    stuckCount += await stuck('warm-up')
  }
  await alive(target)
  const databaseCpu = async (): Promise<number> => postmasterPid === undefined ? NaN : await treeCpuTime(postmasterPid).catch(() => NaN)
  const databaseBefore = await databaseCpu()
  const cpuBefore = await cpuTime(target.server.pid)
  const start = monotonicMicroseconds()
  const result = await generator.run(target.server.url, op, { seconds: options.duration, connections: options.connections })
  const end = monotonicMicroseconds()
  const cpuAfter = await cpuTime(target.server.pid)
  const databaseAfter = await databaseCpu()
  await alive(target)
  stuckCount += await stuck('load')
  return {
    ...result,
    errors: result.errors + stuckCount,
    stuckSessions: stuckCount,
    cpuPerRequest: result.requests === 0 ? NaN : (cpuAfter - cpuBefore) * 1000 / result.requests,
    databaseCpuPerRequest: result.requests === 0 ? NaN : (databaseAfter - databaseBefore) * 1000 / result.requests,
    window: { start, end }
  }
}

function chooseGenerator (options: Options, scriptDir: string): LoadGenerator {
  if (options.generator === 'autocannon') return autocannonGenerator()
  const version = wrkVersion()
  if (version === undefined) {
    if (options.generator === 'wrk') throw new Error(wrkInstallHint)
    progress(`WARNING: ${wrkInstallHint}. Falling back to autocannon in the harness's process, which takes CPU time from the servers it measures.`)
    const fallback = autocannonGenerator()
    return { ...fallback, description: `${fallback.description} (wrk is not on PATH: apt-get install -y wrk)` }
  }
  if (options.wrkCpus !== undefined && !tasksetAvailable()) throw new Error('--wrk-cpus needs taskset (util-linux), which is not on PATH')
  return wrkGenerator({ version, threads: options.wrkThreads, cpus: options.wrkCpus, scriptDir })
}

async function main (): Promise<void> {
  const options = parseOptions()
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const date = new Date().toISOString()
  const load = loadavg()
  const machine = {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version
  }
  if (!options.skipBuild) build()
  for (const entry of [phoenixEntry, baselineEntry]) {
    if (!existsSync(join(projectRoot, entry))) throw new Error(`${entry} is missing: run without --skip-build`)
  }

  const { cleanups, cleanUp } = cleanupStack(progress, 'stopping the servers and the database')

  try {
    await mkdir(resultsDir, { recursive: true })
    const logDir = options.keepLogs ? resultsDir : await mkdtemp(join(tmpdir(), 'phoenix-bench-logs-'))
    if (!options.keepLogs) cleanups.push(async () => { await rm(logDir, { recursive: true, force: true }) })

    const scriptDir = await mkdtemp(join(tmpdir(), 'phoenix-bench-wrk-'))
    cleanups.push(async () => { await rm(scriptDir, { recursive: true, force: true }) })
    const generator = chooseGenerator(options, scriptDir)
    progress(`load generator: ${generator.description}`)

    progress('starting PostgreSQL')
    const benchServer = await openBenchServer(process.env.BENCH_DATABASE_URL, progress)
    cleanups.push(benchServer.close)
    progress(`database server: ${benchServer.description}`)

    const keys = Array.from({ length: options.keys }, () => `phx_${randomBytes(32).toString('base64url')}`)
    // Phoenix's settings are its defaults but one: generate_key's limit per client address would
    // refuse all but the first few keys of a load that comes from one address.
    const phoenixOverrides = { KEY_ISSUE_PER_MINUTE: '0' }
    const seconds = options.warmup + options.duration
    const targets: Target[] = []
    for (const name of ['phoenix', 'baseline'] as const) {
      const database = await benchServer.createDatabase(name)
      await seedKeys(database.sql, keys)
      if (name === 'baseline' || !options.history) await disableHistory(database.sql)
      const port = await freePort()
      const profile = options.profile ? ['--cpu-prof', '--cpu-prof-dir', resultsDir, '--cpu-prof-name', `${name}-${stamp}.cpuprofile`] : []
      const entry = name === 'phoenix' ? phoenixEntry : baselineEntry
      const server = await startServer({
        name,
        nodeArgs: [...profile, entry],
        cwd: projectRoot,
        port,
        logFile: join(logDir, `${name}-${stamp}.log`),
        env: serverEnv({
          DATABASE_URL: database.url,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: name === 'phoenix' ? options.logLevel : undefined,
          DB_POOL_MAX: options.pool === undefined ? undefined : String(options.pool),
          ...(name === 'phoenix' ? phoenixOverrides : {})
        })
      })
      cleanups.push(server.stop)
      progress(`${name} listening on ${server.url} (pid ${server.pid}), log ${server.logFile}`)
      targets.push({ name, database, server, ops: createOps({ records: options.records, keys, seconds }, name) })
    }

    progress('checking that both servers answer alike')
    await checkParity(targets, options)
    for (const target of targets) {
      await generator.run(target.server.url, target.ops.get('read')!, { seconds: 1, connections: 4 })
    }

    let large: LargeListReport | undefined
    if (options.large > 0) large = await largeList(targets, options)

    const rounds = new Map<OpName, Array<Record<ServerName, Measurement>>>()
    for (let round = 0; round < options.rounds; round++) {
      for (const [index, name] of options.only.entries()) {
        const order = (round + index) % 2 === 0 ? targets : [...targets].reverse()
        const measured = {} as Record<ServerName, Measurement>
        for (const target of order) {
          measured[target.name] = await measureOp(target, name, options, generator, benchServer.postmasterPid)
          const result = measured[target.name]
          progress(`round ${round + 1}/${options.rounds} ${name.padEnd(12)} ${target.name.padEnd(8)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s ` +
            `p50 ${result.p50.toFixed(2)} ms p99 ${result.p99.toFixed(2)} ms errors ${result.errors} cpu ${result.cpuPerRequest.toFixed(0)} µs/req`)
        }
        rounds.set(name, [...(rounds.get(name) ?? []), measured])
      }
    }
    const loadAfter = loadavg()

    // Stop the servers now: a CPU profile is written when its process exits.
    for (const target of targets) await target.server.stop()

    const ops: OpReport[] = options.only.map((name) => opReport(name, rounds.get(name)!))
    const targetChecks = checkTargets(ops, large)
    const header = `Phoenix vs baseline, ${date}: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ` +
      `${benchServer.description.replace(/ in \/[^,\s]+/, '')}; ${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s ` +
      `per operation and server, ${options.records} records, ${options.rounds} round(s), Phoenix LOG_LEVEL=${options.logLevel}` +
      `${options.pool === undefined ? '' : `, pool ${options.pool}`}; Phoenix's history triggers ${options.history ? 'on' : 'off'} (the baseline's off); load average ${load[0]?.toFixed(2)} before, ${loadAfter[0]?.toFixed(2)} after; ` +
      `load generator: ${generator.description}`
    const limits = formatLimits(ops, { keys: options.keys, writesPerSecond: phoenixDefaults.writesPerSecond, keyIssuePerMinute: phoenixDefaults.keyIssuePerMinute })
    console.log([header, formatTable(ops, large), formatBulk(ops), limits, formatTargets(targetChecks)].filter((part) => part !== '').join('\n\n'))

    // Each operation's share of the profile: only the samples taken while it was measured.
    if (options.profile) {
      for (const name of ['phoenix', 'baseline'] as const) {
        const file = `${name}-${stamp}.cpuprofile`
        if (!existsSync(join(resultsDir, file))) {
          progress(`no CPU profile for ${name} in ${resultsDir}`)
          continue
        }
        for (const report of ops) {
          const windows = report.rounds.map((round) => round[name].window)
          console.log(`\nCPU profile of ${name} under ${report.op} (bench/results/${file}, measured windows only)\n` +
            await summarizeProfile(join(resultsDir, file), 15, windows))
        }
      }
    }

    if (options.json !== undefined) {
      const file = resolve(options.json)
      await writeFile(file, `${JSON.stringify({
        date,
        machine,
        options,
        generator: generator.description,
        phoenixOverrides,
        database: benchServer.description,
        loadAverage: { before: load, after: loadAfter },
        ops,
        large,
        targets: targetChecks
      }, null, 2)}\n`)
      progress(`wrote ${file}`)
    }
  } finally {
    await cleanUp()
    progress('done')
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
