// `npm run bench:topology`: the scale-out topology of test/topology (primary + streaming replica,
// PgBouncer in transaction mode, Redis, HAProxy) with 1, 2 and 3 Phoenix instances in turn, each
// driven by wrk through HAProxy: requests/s, latency, the CPU the instances (and the whole machine)
// spend per request, PgBouncer's client and server connections, and the replica's lag under writes.
// Figures for docs/scaling.md. Options: --seconds <n> per run (default 10), --connections <n> (32),
// --rounds <n> (3). The baseline: one instance straight on the primary, measured in the same run.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { chmod } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { startRedis } from '../test/redis-server.js'
import { makeInstances, type Instance } from '../test/topology/instances.js'
import { startHaproxy, startPgBouncer, startPostgres, stopAll, type Stop } from '../test/topology/services.js'
import { median, medianOf } from './report.js'
import { cleanupStack, cpuTime, machineCpuTime } from './servers.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' }, rounds: { type: 'string', default: '3' } } })
const seconds = Number(values.seconds)
const rounds = Number(values.rounds)
const connections = Number(values.connections)

interface Setup { name: string, instances: Instance[] }

interface Run { rps: number, p50: string, p99: string, errors: string, phoenixCpuMs: number, machineCpuMs: number }

async function wrk (url: string, script: string | undefined, pids: number[]): Promise<Run> {
  const phoenixCpu = async (): Promise<number> => (await Promise.all(pids.map(cpuTime))).reduce((sum, ms) => sum + ms, 0)
  const [phoenix0, machine0] = [await phoenixCpu(), await machineCpuTime()]
  // Not spawnSync: the replica's lag is sampled meanwhile.
  const child = spawn('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', ...(script === undefined ? [] : ['-s', script]), url], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  await once(child, 'close')
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0)
  const phoenix = await phoenixCpu() - phoenix0
  const machine = await machineCpuTime() - machine0
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50: /^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '?',
    p99: /^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '?',
    errors: [/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1], /Socket errors: (.*)/.exec(out)?.[1]].filter(Boolean).join('; ') || 'none',
    phoenixCpuMs: requests === 0 ? 0 : phoenix / requests,
    machineCpuMs: requests === 0 ? 0 : machine / requests
  }
}

async function main (): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'phoenix-bench-topology-'))
  await chmod(dir, 0o711)
  // Ctrl-C stops everything too.
  const { cleanups: stops, cleanUp } = cleanupStack((message) => { console.error(message) }, 'stopping the topology')
  stops.push(async () => { await rm(dir, { recursive: true, force: true }) })
  try {
    const pg = await startPostgres(join(dir, 'pg'), stops)
    const bouncer = await startPgBouncer(stops, pg)
    const redis = await startRedis()
    stops.push(redis.stop)
    const env = {
      DATABASE_URL: bouncer.url,
      DIRECT_DATABASE_URL: pg.primaryUrl,
      READ_DATABASE_URL: pg.replicaUrl,
      REDIS_URL: redis.url,
      KEY_ISSUE_PER_MINUTE: '0',
      WRITES_PER_SECOND: '0',
      LOG_LEVEL: 'warn'
    }
    const instances = await makeInstances(3, env, stops)
    await instances[0]!.start()
    const first = await fetch(`${instances[0]!.base}/api/generate_key/bench`, { method: 'POST' })
    const key = ((await first.json()) as { api_key: string }).api_key
    const created = await fetch(`${instances[0]!.base}/api/create`, { method: 'POST', headers: { 'api-key': key, 'content-type': 'application/json' }, body: '{"value1":"bench","value2":1}' })
    const id = ((await created.json()) as { record_info: { id: number } }).record_info.id
    const createScript = join(dir, 'create.lua')
    await writeFile(createScript, `wrk.method = "POST"\nwrk.body = '{"value1":"bench","value2":2,"value3":true}'\nwrk.headers["content-type"] = "application/json"\nwrk.headers["api-key"] = "${key}"\n`)
    const primary = postgres(pg.primaryUrl, { max: 1, onnotice: () => {} })
    stops.push(async () => { await primary.end() })
    const replica = postgres(pg.replicaUrl, { max: 1, onnotice: () => {} })
    stops.push(async () => { await replica.end() })
    const bouncerAdmin = postgres(`postgres://postgres@127.0.0.1:${bouncer.port}/pgbouncer`, { max: 1, prepare: false, fetch_types: false, onnotice: () => {} })
    stops.push(async () => { await bouncerAdmin.end() })

    // The baseline: one instance straight on the primary, no HAProxy, no PgBouncer, no replica.
    const [direct] = await makeInstances(1, { ...env, DATABASE_URL: pg.primaryUrl, DIRECT_DATABASE_URL: '', READ_DATABASE_URL: '' }, stops)
    await direct!.start()
    for (const instance of instances) if (!instance.running) await instance.start()
    // HAProxy → the baseline instance separates the balancer's cost from PgBouncer's.
    const setups: Setup[] = [{ name: 'baseline: 1 instance, direct', instances: [direct!] }, { name: 'HAProxy → 1, no PgBouncer', instances: [direct!] }, ...[1, 2, 3].map((count) => ({ name: `HAProxy → ${count} → PgBouncer`, instances: instances.slice(0, count) }))]
    const results = new Map<string, Run[]>()
    const lag: number[] = []
    const connectionNotes: string[] = []
    // Rounds interleave the setups, so that a drift of the shared machine touches each alike.
    for (let round = 1; round <= rounds; round++) {
      for (const setup of setups) {
        const proxy: Stop[] = []
        const base = setup.name.startsWith('baseline') ? setup.instances[0]!.base : (await startHaproxy(dir, proxy, setup.instances.map((instance) => instance.port))).base
        const pids = setup.instances.map((instance) => instance.child!.pid!)
        for (const [operation, url, script] of [['read', `${base}/api/read/${id}`, undefined], ['create', `${base}/api/create`, createScript]] as const) {
          const sampler = operation === 'create' && setup.name.endsWith('→ PgBouncer')
            ? setInterval(() => {
              // While commits keep coming, the time since the last one the replica replayed is its lag.
              replica<[{ lag: number | null }]>`SELECT (extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS lag`
                .then(([row]) => { if (row?.lag !== null && row?.lag !== undefined) lag.push(row.lag) }, (error: unknown) => { console.error(error) })
            }, 200)
            : undefined
          const run = await wrk(url, script, pids)
          clearInterval(sampler)
          results.set(`${setup.name}|${operation}`, [...(results.get(`${setup.name}|${operation}`) ?? []), run])
          console.error(`round ${round}: ${setup.name}, ${operation}: ${run.rps.toFixed(0)} req/s, errors ${run.errors}`)
        }
        if (round === 1 && setup.name.endsWith('→ PgBouncer')) {
          const pools = await bouncerAdmin.unsafe('SHOW POOLS').simple() as Array<Record<string, string>>
          const pool = pools.find((row) => row.database === pg.database)
          const [{ backends }] = await primary<[{ backends: number }]>`SELECT count(*)::int AS backends FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = ${pg.database}`
          const clients = ['cl_active', 'cl_idle', 'cl_waiting'].reduce((sum, field) => sum + Number(pool?.[field] ?? 0), 0)
          const servers = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce((sum, field) => sum + Number(pool?.[field] ?? 0), 0)
          connectionNotes.push(`${setup.name}: ${clients} pool connections into PgBouncer, ${servers} PgBouncer → primary; ${backends} client backends on the primary in all (the baseline instance's idle pool, LISTEN connections and this script's included)`)
        }
        await stopAll(proxy)
      }
    }

    console.log(`\nPhoenix behind HAProxy: ${connections} connections, ${seconds} s per run, wrk -t2 (unpinned), median of ${rounds} interleaved rounds`)
    console.log('| setup | operation | req/s | vs baseline | p50 | p99 | Phoenix CPU-ms/req | machine CPU-ms/req | errors |')
    console.log('|---|---|---|---|---|---|---|---|---|')
    for (const setup of setups) {
      for (const operation of ['read', 'create']) {
        const runs = results.get(`${setup.name}|${operation}`) ?? []
        const baseline = medianOf((results.get(`baseline: 1 instance, direct|${operation}`) ?? []).map((run) => run.rps))
        const middle = median(runs, (run) => run.rps)
        console.log(`| ${setup.name} | ${operation} | ${medianOf(runs.map((run) => run.rps)).toFixed(0)} | ${(medianOf(runs.map((run) => run.rps)) / baseline).toFixed(2)}× | ${middle.p50} | ${middle.p99} | ` +
          `${medianOf(runs.map((run) => run.phoenixCpuMs)).toFixed(3)} | ${medianOf(runs.map((run) => run.machineCpuMs)).toFixed(3)} | ${runs.map((run) => run.errors).join(', ')} |`)
      }
    }
    lag.sort((a, b) => a - b)
    console.log(`\n${connectionNotes.join('\n')}`)
    console.log(`replica replay lag under creates: median ${lag[Math.floor(lag.length / 2)]?.toFixed(1) ?? '?'} ms, p99 ${lag[Math.floor(lag.length * 0.99)]?.toFixed(1) ?? '?'} ms, max ${lag.at(-1)?.toFixed(1) ?? '?'} ms (${lag.length} samples every 200 ms)`)
  } finally {
    await cleanUp()
  }
}

await main()
