// REDIS_URL: the rate limits counted in Redis, one budget for every instance; and Redis as a
// helper, never a dependency: unreachable, killed or frozen, it costs a request at most a command
// timeout, each instance counts in its own memory meanwhile, and sharing resumes once it is back.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { build, type AppConfig } from '../src/app.js'
import { freePort } from '../src/db/embedded.js'
import { requester, testConfig, useDatabase, within, type Response, type TestApp } from './helper.js'
import { startRedis, redisInstalled, type RedisServer } from './redis-server.js'
import { cleanUpServers, startServer, startTimeout, tempDir } from './server-process.js'

if (!redisInstalled) {
  // CI installs it (.ci/run): there, a missing redis-server fails the run instead of skipping.
  if (process.env.CI !== undefined && process.env.CI !== '') throw new Error('redis-server is not installed (apt-get install redis-server)')
  console.warn('test/redis.test.ts skipped but for its configuration checks: redis-server is not installed (apt-get install redis-server; CI installs it)')
}

const tooMany = { status: 'failed', message: 'Too many requests! Please slow down and try again later!' }
// A hang guard, not a timing claim: a limit check waits at most 250 ms for Redis.
const prompt = 2000
const limited: Partial<AppConfig> = { writesPerSecond: 3, keyIssuePerMinute: 3, trustProxy: ['127.0.0.1'] }

interface Instance { app: FastifyInstance, send: TestApp['request'] }

let addresses = 0
/** A client address of its own (TRUST_PROXY trusts the loopback), so each key issue has a fresh budget. */
const freshAddress = (): Record<string, string> => {
  addresses += 1
  return { 'x-forwarded-for': `198.18.${addresses >> 8}.${addresses & 255}` }
}

async function issueKey (instance: Instance): Promise<string> {
  const response = await within(instance.send('POST', `/api/generate_key/redis_${randomBytes(4).toString('hex')}`, { headers: freshAddress() }), prompt, 'a key issue')
  expect(response.status).toBe(201)
  return response.body.api_key
}

async function write (instance: Instance, key: string): Promise<Response> {
  return await within(instance.send('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'limited' } }), prompt, 'a write')
}

/**
 * Eight writes with one key, each answered at once: the first three accepted, no failure, and
 * whether the instance refused any (it must: counting in its memory when Redis does not answer,
 * it still holds the limit; all eight fit only if the burst spans three one-second windows).
 */
async function burst (instance: Instance, key: string): Promise<boolean> {
  const statuses: number[] = []
  for (let i = 0; i < 8; i += 1) statuses.push((await write(instance, key)).status)
  expect(statuses.slice(0, 3)).toEqual([201, 201, 201])
  expect(statuses.filter((status) => status !== 201 && status !== 429)).toEqual([])
  return statuses.includes(429)
}

async function metric (instance: Instance, name: string): Promise<number> {
  const response = await within(instance.send('GET', '/metrics'), prompt, '/metrics')
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(response.text)?.[1])
}

/** Checks `condition` every 50 ms until it holds; fails after `ms`. */
async function eventually (condition: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!await condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${ms} ms`)
    await delay(50)
  }
}

describe('a bad REDIS_URL or REDIS_KEY_PREFIX', () => {
  afterEach(cleanUpServers)

  it.each([
    ['REDIS_URL', 'http://cache.example:6379'],
    ['REDIS_URL', '127.0.0.1:6379'],
    ['REDIS_KEY_PREFIX', 'two words']
  ])('stops the process with exit code 1 naming %s (%s)', async (name, value) => {
    const dataDir = await tempDir()
    const server = await startServer({ dataDir, env: { [name]: value } })
    expect(await within(server.exit, startTimeout, 'exiting')).toEqual({ code: 1, signal: null })
    expect(server.stderr()).toContain(`Configuration error: ${name} `)
    expect(existsSync(join(dataDir, 'pg'))).toBe(false)
  }, 60_000)
})

describe.skipIf(!redisInstalled)('REDIS_URL', () => {
  const database = useDatabase()
  const prefix = `phoenix-test-${randomBytes(4).toString('hex')}:`
  const instances: FastifyInstance[] = []
  let redis: RedisServer
  let a: Instance
  let b: Instance

  /** An app as the server builds it, on this file's database, with the limits on and counted in Redis. */
  async function instance (config: Partial<AppConfig> = {}): Promise<Instance> {
    const app = await within(build({
      config: { ...testConfig, ...limited, redisUrl: redis.url, redisKeyPrefix: prefix, ...config },
      databaseUrl: database.url()
    }), 20_000, 'building an app')
    instances.push(app)
    return { app, send: requester(app) }
  }

  /** Spends a fresh key's whole write budget through A, then writes with it through B: B's answer. */
  async function afterBudgetSpentOnA (): Promise<Response> {
    const key = await issueKey(a)
    for (let i = 0; i < 3; i += 1) expect((await write(a, key)).status).toBe(201)
    return await write(b, key)
  }

  // B refuses a write only if it counted A's: the two share the budget. (The budget is per second:
  // should that second end between A's writes and B's, B rightly accepts, and it is tried again.)
  const sharing = async (): Promise<boolean> => (await afterBudgetSpentOnA()).status === 429

  beforeAll(async () => {
    redis = await startRedis()
    a = await instance()
    b = await instance()
  })
  afterAll(async () => {
    for (const app of instances) await app.close()
    await redis?.stop()
  })

  it('shares the write budget of a key: after its writes through A, B answers 429 with Retry-After', async () => {
    let answer = await afterBudgetSpentOnA()
    for (let attempt = 1; answer.status !== 429 && attempt < 5; attempt += 1) answer = await afterBudgetSpentOnA()
    expect(answer.status).toBe(429)
    expect(answer.body).toEqual(tooMany)
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(answer.headers['ratelimit-limit']).toBe('3')
    expect(answer.headers['ratelimit-remaining']).toBe('0')
  })

  it('shares the key issue budget of an address, under REDIS_KEY_PREFIX, apart from other deployments', async () => {
    const from = { 'x-forwarded-for': '203.0.113.7' }
    for (let i = 0; i < 3; i += 1) {
      expect((await a.send('POST', `/api/generate_key/shared_issue_${i}`, { headers: from })).status).toBe(201)
    }
    const over = await b.send('GET', '/api/generate_key/shared_issue_3', { headers: from })
    expect(over.status).toBe(429)
    expect(over.body).toEqual(tooMany)
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60)

    const client = new Redis(redis.url)
    try {
      const keys = await client.keys('*')
      expect(keys).toContain(`${prefix}key-issue:203.0.113.7`)
      expect(keys.filter((key) => !key.startsWith(prefix))).toEqual([])
    } finally {
      client.disconnect()
    }
    // Another deployment on the same Redis has a prefix, and so budgets, of its own.
    const other = await instance({ redisKeyPrefix: `other-${prefix}` })
    expect((await other.send('POST', '/api/generate_key/shared_issue_4', { headers: from })).status).toBe(201)
  })

  it('answers at once, counting in memory, while Redis is down (SIGKILL), and shares again once it is back', async () => {
    await redis.kill()
    const key = await issueKey(a)
    expect(await burst(a, key)).toBe(true)
    expect((await within(a.send('GET', '/readyz'), prompt, '/readyz')).status).toBe(200)
    expect(await metric(a, 'rate_limit_redis_up')).toBe(0)
    expect(await metric(a, 'rate_limit_memory_fallbacks_total')).toBeGreaterThanOrEqual(9)

    await redis.restart()
    await eventually(sharing, 15_000, 'A and B sharing the budget again')
    expect(await metric(a, 'rate_limit_redis_up')).toBe(1)
  }, 60_000)

  it('answers promptly while Redis is frozen (SIGSTOP), starts and closes without waiting for it, and shares again after SIGCONT', async () => {
    const key = await issueKey(a)
    const otherKey = await issueKey(b)
    redis.signal('SIGSTOP')
    try {
      for (let i = 0; i < 3; i += 1) expect((await write(a, key)).status).toBe(201)
      expect((await write(b, otherKey)).status).toBe(201)
      expect((await within(a.send('GET', '/readyz'), prompt, '/readyz')).status).toBe(200)
      const started = await instance()
      expect((await write(started, await issueKey(started))).status).toBe(201)
      await within(started.app.close(), prompt, 'closing an app while Redis is frozen')
      instances.splice(instances.indexOf(started.app), 1)
    } finally {
      redis.signal('SIGCONT')
    }
    await eventually(sharing, 15_000, 'A and B sharing the budget again')
  }, 60_000)
})

describe.skipIf(!redisInstalled)('REDIS_URL where no Redis answers at start', () => {
  const database = useDatabase()
  const logs: string[] = []
  let unshared: Instance

  beforeAll(async () => {
    const url = `redis://127.0.0.1:${await freePort()}`
    const app = await within(build({
      config: { ...testConfig, ...limited, logLevel: 'info', redisUrl: url },
      databaseUrl: database.url(),
      logStream: { write: (line: string) => { logs.push(line) } }
    }), 20_000, 'building the app')
    unshared = { app, send: requester(app) }
  })
  afterAll(async () => { await unshared?.app.close() })

  it('starts, and answers every write at once, counting in its own memory, with one warning', async () => {
    expect(await burst(unshared, await issueKey(unshared))).toBe(true)
    expect((await within(unshared.send('GET', '/readyz'), prompt, '/readyz')).status).toBe(200)
    expect(await metric(unshared, 'rate_limit_redis_up')).toBe(0)
    const warnings = logs.map((line) => JSON.parse(line)).filter((line) => line.level === 40 && /Redis/.test(line.msg))
    expect(warnings).toHaveLength(1)
  })
})
