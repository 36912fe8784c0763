import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { testConfig, uniqueUsername, useApp, type TestApp } from './helper.js'

const t = useApp()

describe('POST /api/generate_key/{username}', () => {
  it('issues a key with the contract envelope', async () => {
    const username = uniqueUsername('sumit')
    const response = await t.request('POST', `/api/generate_key/${username}`)
    expect(response.status).toBe(201)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(Object.keys(response.body)).toEqual(['status', 'username', 'api_key', 'created_on', 'message'])
    expect(response.body).toMatchObject({ status: 'success', username, message: 'Congrats! Your API Key has been created!' })
    expect(Date.parse(response.body.created_on)).not.toBeNaN()
  })

  it('issues URL-safe keys with at least 128 random bits, different every time', async () => {
    const keys = await Promise.all([1, 2, 3].map(async () => (await t.issueKey()).key))
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(Buffer.from(key.replace(/^phx_/, ''), 'base64url').length).toBeGreaterThanOrEqual(16)
    }
    expect(new Set(keys).size).toBe(3)
  })

  it('accepts every allowed character and 64 characters', async () => {
    const long = `a.b-c_D9${'x'.repeat(56)}`
    expect(long).toHaveLength(64)
    expect((await t.request('POST', `/api/generate_key/${long}`)).status).toBe(201)
  })

  it('answers 409 with the original message for a username already used', async () => {
    const { username } = await t.issueKey()
    const response = await t.request('POST', `/api/generate_key/${username}`)
    expect(response.status).toBe(409)
    expect(response.body).toEqual({ status: 'failed', message: 'The username you are trying to register has been already used!' })
  })

  it('treats usernames that differ only in case as the same', async () => {
    const { username } = await t.issueKey(uniqueUsername('CaseUser'))
    const response = await t.request('POST', `/api/generate_key/${username.toLowerCase()}`)
    expect(response.status).toBe(409)
  })

  it('lets exactly one of many concurrent requests for one username win', async () => {
    const username = uniqueUsername('race')
    const responses = await Promise.all(Array.from({ length: 12 }, async (_, i) =>
      await t.request('POST', `/api/generate_key/${i % 2 === 0 ? username : username.toUpperCase()}`)))
    expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array(11).fill(409)])
    const rows = await t.sql`SELECT count(*)::int AS n FROM authenticationkey WHERE lower(username) = lower(${username})`
    expect(rows[0]?.n).toBe(1)
  })

  it.each(['/api/generate_key/', '/api/generate_key'])('answers 400 with the original message for %s', async (url) => {
    for (const method of ['POST', 'GET']) {
      const response = await t.request(method, url)
      expect(response.status).toBe(400)
      expect(response.body).toEqual({
        status: 'failed',
        message: 'Oops! You forgot to add a username after! Please specify a username and try again!'
      })
    }
  })

  it.each([
    ['a space', 'a%20b'],
    ['a slash', 'a%2Fb'],
    ['65 characters', 'x'.repeat(65)],
    ['non-ASCII letters', '%C3%A9t%C3%A9'],
    ['a quote', "o'neil"]
  ])('rejects a username with %s as a 400 naming the parameter', async (_, username) => {
    const response = await t.request('POST', `/api/generate_key/${username}`)
    expect(response.status).toBe(400)
    expect(response.body.errors).toEqual([{ field: 'username', problem: "must be 1 to 64 letters, digits, '_', '-' or '.'" }])
  })

  it('ignores a request body of any media type', async () => {
    const form = await t.request('POST', `/api/generate_key/${uniqueUsername()}`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b'
    })
    expect(form.status).toBe(201)
    const json = await t.request('POST', `/api/generate_key/${uniqueUsername()}`, { json: { username: 'other' } })
    expect(json.status).toBe(201)
  })

  it('answers 413 for a body over the limit, and issues no key', async () => {
    const username = uniqueUsername()
    const response = await t.request('POST', `/api/generate_key/${username}`, { headers: { 'content-type': 'text/plain' }, payload: 'x'.repeat(testConfig.bodyLimit + 1) })
    expect(response.status).toBe(413)
    expect(await t.sql`SELECT 1 FROM authenticationkey WHERE username = ${username}`).toHaveLength(0)
  })
})

describe('GET /api/generate_key/{username} (deprecated)', () => {
  it('issues a key like POST and says it is deprecated', async () => {
    const username = uniqueUsername()
    const response = await t.request('GET', `/api/generate_key/${username}`)
    expect(response.status).toBe(201)
    expect(response.headers.deprecation).toBe('true')
    expect(response.body).toMatchObject({ status: 'success', username })
  })

  it('answers 409 for a username already used', async () => {
    const { username } = await t.issueKey()
    expect((await t.request('GET', `/api/generate_key/${username}`)).status).toBe(409)
  })
})

describe('keys at rest', () => {
  it('stores only a SHA-256 digest of the key, never the key itself', async () => {
    const { username, key } = await t.issueKey()
    const rows = await t.sql`SELECT * FROM authenticationkey WHERE username = ${username}`
    expect(rows).toHaveLength(1)
    const row = rows[0]!
    expect(Object.keys(row).sort()).toEqual(['created_on', 'id', 'key_digest', 'revoked_on', 'username'])
    expect(Buffer.from(row.key_digest as Uint8Array)).toEqual(createHash('sha256').update(key).digest())
    const dump = JSON.stringify(await t.sql`SELECT a.*, encode(key_digest, 'escape') AS text FROM authenticationkey a`)
    expect(dump).not.toContain(key)
    expect(dump).not.toContain(key.replace(/^phx_/, ''))
  })
})

// Changes to a key normally reach every instance's cache at once (test/key-lifecycle.test.ts);
// here the trigger is disabled for the DELETE, as if its notification had been lost, to show that
// KEY_CACHE_SECONDS still bounds how long a cached key outlives its row.
describe('verified keys remembered for KEY_CACHE_SECONDS', () => {
  const cached = useApp({ config: { keyCacheSeconds: 5 } })
  const uncached = useApp({ config: { keyCacheSeconds: 0 } })
  afterAll(() => { vi.useRealTimers() })

  async function revokedKeyStillWorks (target: TestApp, remembers: boolean): Promise<boolean[]> {
    const { username, key } = await target.issueKey(uniqueUsername('revoked'))
    const create = async (): Promise<number> =>
      (await target.request('POST', '/api/create', { headers: { 'api-key': key }, json: { value1: 'x' } })).status
    // An instance remembers keys only while it hears of their changes: soon after it starts.
    const digest = createHash('sha256').update(key).digest('hex')
    await vi.waitFor(async () => {
      expect(await create()).toBe(201)
      expect(target.app.keyCache.get(digest)).toBe(remembers ? username : undefined)
    }, { timeout: 5000 })
    await target.sql.begin(async (sql) => {
      await sql`ALTER TABLE authenticationkey DISABLE TRIGGER authenticationkey_notify`
      await sql`DELETE FROM authenticationkey WHERE username = ${username}`
      await sql`ALTER TABLE authenticationkey ENABLE TRIGGER authenticationkey_notify`
    })
    const soon = await create()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 5_001)
    const later = await create()
    vi.useRealTimers()
    return [soon === 201, later === 201]
  }

  it('a key deleted unheard works at most that long on an instance that just used it', async () => {
    expect(await revokedKeyStillWorks(cached, true)).toEqual([true, false])
  })

  it('with 0, a deleted key stops working at once', async () => {
    expect(await revokedKeyStillWorks(uncached, false)).toEqual([false, false])
  })
})
