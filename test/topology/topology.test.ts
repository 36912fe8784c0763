// The scale-out topology on one machine, every part a real process: a PostgreSQL primary and its
// streaming replica, PgBouncer (transaction mode) in front of the primary, Redis, three Phoenix
// instances and HAProxy balancing them on /readyz. `npm run test:topology` (CI runs it).
// The tests run in order on one topology and one steady load; each names the phase it checks.
import { readdirSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import postgres, { type Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { projectRoot } from '../../src/paths.js'
import { followChanges } from '../../sdk/src/changes.js'
import { within } from '../helper.js'
import { makeInstances, type Instance } from './instances.js'
import { Load, tokenHeader } from './load.js'
import { missingPrograms, startHaproxy, startPgBouncer, startPostgres, stopAll, type Stop } from './services.js'
import { startRedis } from '../redis-server.js'

const missing = missingPrograms()
if (missing.length > 0) throw new Error(`the topology needs ${missing.join(', ')} (apt-get install ${missing.join(' ')}; .ci/run installs them)`)

const keyIssuePerMinute = 20
const stops: Stop[] = []
let dir: string
let primary: Sql
let replica: Sql
let instances: Instance[]
let base: string
let load: Load
const feeds: Array<{ seen: Set<number>, stop: AbortController, done: Promise<void> }> = []
let revocable: string
let readerKey: string

async function issueKey (target: string, username: string): Promise<Response> {
  return await fetch(`${target}/api/generate_key/${username}`, { method: 'POST' })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phoenix-topology-'))
  // Passable (not readable) by the `postgres` user that PostgreSQL and PgBouncer run as under root.
  await chmod(dir, 0o711)
  const pg = await startPostgres(join(dir, 'pg'), stops)
  primary = postgres(pg.primaryUrl, { max: 2, onnotice: () => {} })
  replica = postgres(pg.replicaUrl, { max: 1, onnotice: () => {} })
  stops.push(async () => { await Promise.all([primary.end(), replica.end()]) })
  const bouncer = await startPgBouncer(stops, pg)
  const redis = await startRedis()
  stops.push(redis.stop)
  instances = await makeInstances(3, {
    DATABASE_URL: bouncer.url,
    DIRECT_DATABASE_URL: pg.primaryUrl,
    READ_DATABASE_URL: pg.replicaUrl,
    REDIS_URL: redis.url,
    SHUTDOWN_DELAY_SECONDS: '2',
    KEY_ISSUE_PER_MINUTE: String(keyIssuePerMinute),
    WRITES_PER_SECOND: '0'
  }, stops)
}, 120_000)

afterAll(async () => {
  await load?.stop()
  for (const feed of feeds) feed.stop.abort()
  await stopAll(stops)
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
}, 120_000)

describe('three instances on one database through PgBouncer', () => {
  it('run the migrations exactly once when all three start at once on an empty database', async () => {
    await Promise.all(instances.map(async (instance) => { await instance.start() }))
    const files = readdirSync(join(projectRoot, 'sql')).filter((name) => name.endsWith('.sql'))
    const rows = await primary<Array<{ file: string }>>`SELECT lpad(version::text, 3, '0') || '_' || name || '.sql' AS file FROM schema_migrations ORDER BY version`
    expect(rows.map((row) => row.file)).toEqual(files.sort())
    // Each migration is its own transaction under the lock, so the instances may share the work:
    // what matters is that every file was applied by exactly one of them. Their log lines reach
    // stdout within 500 ms (src/log-destination.ts), maybe after /readyz said 200.
    const applied = (): string[] => instances.flatMap((instance) => instance.output.split('\n')
      .filter((line) => line.includes('"msg":"applied migrations"'))
      .flatMap((line) => (JSON.parse(line) as { migrations: string[] }).migrations.map((id) => `${id}.sql`)))
    await vi.waitFor(() => { expect(applied().sort()).toEqual(files.sort()) }, { timeout: 2000, interval: 50 })

    base = (await startHaproxy(dir, stops, instances.map((instance) => instance.port))).base
    const keys: string[] = []
    for (let i = 0; i < 6; i++) {
      const response = await issueKey(base, `worker${i}`)
      expect(response.status).toBe(201)
      keys.push(((await response.json()) as { api_key: string }).api_key)
    }
    revocable = ((await (await issueKey(base, 'revocable')).json()) as { api_key: string }).api_key
    readerKey = ((await (await issueKey(base, 'reader')).json()) as { api_key: string }).api_key
    // One change-feed client per instance, each from the first change on.
    for (const instance of instances) {
      const feed = { seen: new Set<number>(), stop: new AbortController(), done: Promise.resolve() }
      feed.done = (async () => {
        for await (const entry of followChanges(instance.base, fetch, { after: 0, reconnectMs: 100, signal: feed.stop.signal })) feed.seen.add(entry.change_id)
      })()
      feeds.push(feed)
    }
    load = new Load(base, keys)
    load.phase = 'warm-up'
    await within((async () => { while (load.acknowledged.size < 100) await delay(50) })(), 60_000, '100 acknowledged creates')
    expect(load.failures('warm-up')).toEqual([])
  }, 120_000)

  it('answer every request through a rolling restart (SIGTERM each instance in turn, start it again)', async () => {
    load.phase = 'rolling restart'
    for (const instance of instances) {
      expect(await instance.stop('SIGTERM')).toBe(0)
      await instance.start()
      // HAProxy takes it back after two passing checks (250 ms apart).
      await delay(1000)
    }
    expect(load.count('rolling restart')).toBeGreaterThan(100)
    expect(load.failures('rolling restart')).toEqual([])
  }, 120_000)

  it('lose only the requests in flight on an instance killed with SIGKILL; retried creates make one record each', async () => {
    load.phase = 'kill -9'
    const victim = instances[1]!
    await victim.stop('SIGKILL')
    await delay(2000)
    load.phase = 'after kill -9'
    await victim.start()
    await delay(1000)
    const before = load.acknowledged.size
    await within((async () => { while (load.acknowledged.size < before + 50) await delay(50) })(), 30_000, '50 more acknowledged creates')
    for (const failure of load.failures('kill -9')) expect(['no answer', 502, 503]).toContain(failure.status)
    expect(load.failures('kill -9').filter((failure) => failure.stale === true)).toEqual([])
    expect(load.failures('after kill -9')).toEqual([])
  }, 120_000)

  it('refuse a key revoked through one instance on every instance within 1 s', async () => {
    const body = JSON.stringify({ value1: 'revoked?' })
    const headers = { 'api-key': revocable, 'content-type': 'application/json' }
    for (const instance of instances) expect((await fetch(`${instance.base}/api/create`, { method: 'POST', headers, body })).status).toBe(201)
    expect((await fetch(`${instances[0]!.base}/api/revoke_key`, { method: 'POST', headers: { 'api-key': revocable } })).status).toBe(200)
    const revokedAt = Date.now()
    await Promise.all(instances.map(async (instance) => {
      await within((async () => {
        while ((await fetch(`${instance.base}/api/create`, { method: 'POST', headers, body })).status !== 401) await delay(20)
      })(), 1000, `${instance.name} refusing the revoked key`)
    }))
    expect(Date.now() - revokedAt).toBeLessThan(1000)
  })

  it('enforce on every instance a key-issue limit reached through one (REDIS_URL)', async () => {
    let status = 0
    for (let i = 0; i <= keyIssuePerMinute && status !== 429; i++) status = (await issueKey(instances[0]!.base, `limited${i}`)).status
    expect(status).toBe(429)
    for (const instance of instances.slice(1)) {
      const response = await issueKey(instance.base, `limited-elsewhere-${instance.name}`)
      expect(response.status, instance.name).toBe(429)
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
    }
  })

  it('read a client its own writes from a lagging replica when it presents the write\'s token', async () => {
    // A real lag: the replica applies each commit a second after the primary made it.
    await replica`ALTER SYSTEM SET recovery_min_apply_delay = '1s'`
    await replica`SELECT pg_reload_conf()`
    load.phase = 'replica lagging'
    try {
      const headers = { 'api-key': readerKey, 'content-type': 'application/json' }
      let staleWithoutToken = 0
      for (let i = 0; i < 10; i++) {
        const created = await fetch(`${base}/api/create`, { method: 'POST', headers, body: JSON.stringify({ value1: `lagging ${i}` }) })
        expect(created.status).toBe(201)
        const token = created.headers.get(tokenHeader)
        expect(token).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/)
        const { id } = ((await created.json()) as { record_info: { id: number } }).record_info
        if ((await fetch(`${base}/api/read/${id}`)).status === 404) staleWithoutToken++
        const read = await fetch(`${base}/api/read/${id}`, { headers: { [tokenHeader]: token! } })
        expect(read.status, `record ${id} read with its token`).toBe(200)
      }
      // Without the token, reads do go to the replica, which has not seen the record yet.
      expect(staleWithoutToken).toBeGreaterThan(0)
    } finally {
      await replica`ALTER SYSTEM RESET recovery_min_apply_delay`
      await replica`SELECT pg_reload_conf()`
    }
    expect(load.count('replica lagging')).toBeGreaterThan(0)
    expect(load.failures('replica lagging')).toEqual([])
  })

  it('keep every acknowledged write, one record per Idempotency-Key, and show every change on every feed', async () => {
    await load.stop()
    // Read from the primary: what was acknowledged is there, once.
    const rows = await primary<Array<{ value1: string, n: number, value2: number }>>`
      SELECT value1, count(*)::int AS n, max(value2) AS value2 FROM record WHERE value1 LIKE 'w%' GROUP BY value1`
    const stored = new Map(rows.map((row) => [row.value1, row]))
    for (const [value1, acknowledged] of load.acknowledged) {
      expect(stored.get(value1)?.n, value1).toBe(1)
      expect(stored.get(value1)?.value2, value1).toBeGreaterThanOrEqual(acknowledged.value2)
    }
    expect(load.outcomes.filter((outcome) => outcome.stale === true)).toEqual([])
    const [{ last }] = await primary<[{ last: number }]>`SELECT max(change_id)::int AS last FROM record_history`
    const changes = (await primary<Array<{ change_id: number }>>`SELECT change_id::int FROM record_history ORDER BY change_id`).map((row) => row.change_id)
    await within((async () => { while (feeds.some((feed) => !feed.seen.has(last))) await delay(50) })(), 15_000, 'every feed reaching the last change')
    for (const feed of feeds) expect([...feed.seen].sort((a, b) => a - b)).toEqual(changes)
  }, 60_000)
})
