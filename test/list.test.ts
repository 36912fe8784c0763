import { request as httpRequest } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { useApp } from './helper.js'

const t = useApp()
let key: string
let username: string
const seeded = 2500 // several cursor batches (250 rows each)

beforeAll(async () => {
  ({ key, username } = await t.issueKey())
  await t.sql`
    INSERT INTO record ("timestamp", value1, value2, value3, lastmodifiedby)
    SELECT n * 1.5, 'row ' || n, n / 3.0, CASE n % 3 WHEN 0 THEN true WHEN 1 THEN false END,
           CASE WHEN n % 5 = 0 THEN 'Filter_User' ELSE ${username} END
    FROM generate_series(1, ${seeded}) AS n
  `
})

function nextLink (link: string | string[] | undefined): string | undefined {
  if (link === undefined) return undefined
  const match = /^<([^>]+)>; rel="next"$/.exec(String(link))
  expect(match, String(link)).not.toBeNull()
  return match![1]
}

async function allPages (url: string): Promise<Array<{ id: number }>> {
  const records: Array<{ id: number }> = []
  for (let next: string | undefined = url; next !== undefined;) {
    const response = await t.request('GET', next)
    expect(response.status).toBe(200)
    records.push(...response.body)
    next = nextLink(response.headers.link)
  }
  return records
}

describe('GET /api/list without parameters', () => {
  it('streams every record as one valid JSON array equal to the table, ascending by id', async () => {
    const response = await t.request('GET', '/api/list')
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.headers.link).toBeUndefined()
    const parsed = JSON.parse(response.text)
    const stored = await t.sql`SELECT id, value1, value2, value3, "timestamp", lastmodifiedby FROM record ORDER BY id`
    expect(parsed).toHaveLength(stored.length)
    expect(parsed.map((record: { id: number, value1: string | null, value2: number | null, value3: boolean | null, timestamp: number | null, lastmodifiedby: string }) =>
      ({ id: record.id, value1: record.value1, value2: record.value2, value3: record.value3, timestamp: record.timestamp, lastmodifiedby: record.lastmodifiedby })))
      .toEqual(stored.map((row) => ({ ...row })))
  })

  it('equals the concatenation of its pages', async () => {
    const whole = (await t.request('GET', '/api/list')).body
    expect(await allPages('/api/list?limit=700')).toEqual(whole)
  })
})

describe('GET /api/list pages', () => {
  it('gives at most limit records and a Link to the next page while more may follow', async () => {
    const first = await t.request('GET', '/api/list?limit=10')
    expect(first.body).toHaveLength(10)
    const lastId = first.body[9].id
    expect(first.headers.link).toBe(`</api/list?limit=10&after_id=${lastId}>; rel="next"`)
    const second = await t.request('GET', nextLink(first.headers.link)!)
    expect(second.body[0].id).toBeGreaterThan(lastId)
  })

  it('gives no Link on the last page', async () => {
    const [last] = await t.sql`SELECT max(id) AS id FROM record`
    const response = await t.request('GET', `/api/list?limit=5&after_id=${last!.id - 3}`)
    expect(response.body).toHaveLength(3)
    expect(response.headers.link).toBeUndefined()
    const beyond = await t.request('GET', `/api/list?limit=5&after_id=${last!.id}`)
    expect(beyond.body).toEqual([])
  })

  it('visit every record exactly once while records are created and removed meanwhile', async () => {
    const before = (await t.sql`SELECT id FROM record ORDER BY id`).map((row) => row.id as number)
    const removed = new Set<number>()
    const visited: number[] = []
    let next: string | undefined = '/api/list?limit=250'
    while (next !== undefined) {
      const response = await t.request('GET', next)
      visited.push(...response.body.map((record: { id: number }) => record.id))
      next = nextLink(response.headers.link)
      // Meanwhile: new records at the end, and one not yet visited removed.
      await t.createRecord({ value1: 'added while paging' }, key)
      const ahead = before.find((id) => id > visited.at(-1)! && !removed.has(id))
      if (ahead !== undefined && removed.size < 3) {
        expect((await t.request('DELETE', `/api/remove/${ahead}`, { headers: { 'api-key': key } })).status).toBe(200)
        removed.add(ahead)
      }
    }
    expect(new Set(visited).size).toBe(visited.length)
    expect(visited).toEqual([...visited].sort((a, b) => a - b))
    expect(before.filter((id) => !removed.has(id)).every((id) => visited.includes(id))).toBe(true)
    expect(visited.some((id) => removed.has(id))).toBe(false)
  })
})

describe('GET /api/list filters', () => {
  it('keeps the records last modified by a username, ignoring case', async () => {
    const response = await t.request('GET', '/api/list?lastmodifiedby=filter_user')
    expect(response.body.length).toBe(seeded / 5)
    expect(response.body.every((record: { lastmodifiedby: string }) => record.lastmodifiedby === 'Filter_User')).toBe(true)
  })

  it('keeps the records whose value3 is true, or false', async () => {
    for (const value of [true, false]) {
      const response = await t.request('GET', `/api/list?value3=${String(value)}`)
      const [count] = await t.sql`SELECT count(*)::int AS n FROM record WHERE value3 = ${value}`
      expect(response.body).toHaveLength(count!.n)
      expect(response.body.every((record: { value3: boolean }) => record.value3 === value)).toBe(true)
    }
  })

  it('combine with pages, and the Link keeps them', async () => {
    const first = await t.request('GET', '/api/list?value3=true&lastmodifiedby=Filter_User&limit=20')
    expect(first.body).toHaveLength(20)
    expect(first.headers.link).toMatch(/^<\/api\/list\?limit=20&after_id=\d+&lastmodifiedby=Filter_User&value3=true>; rel="next"$/)
    const all = await allPages('/api/list?value3=true&lastmodifiedby=Filter_User&limit=20')
    const whole = (await t.request('GET', '/api/list?value3=true&lastmodifiedby=Filter_User')).body
    expect(all).toEqual(whole)
    expect(whole.every((record: { value3: boolean, lastmodifiedby: string }) => record.value3 && record.lastmodifiedby === 'Filter_User')).toBe(true)
  })
})

describe('GET /api/list with invalid parameters', () => {
  it.each([
    ['limit=0', 'limit', 'must be a whole number from 1 to 1000'],
    ['limit=1001', 'limit', 'must be a whole number from 1 to 1000'],
    ['limit=ten', 'limit', 'must be a whole number from 1 to 1000'],
    ['limit=1.5', 'limit', 'must be a whole number from 1 to 1000'],
    ['after_id=-1', 'after_id', 'must be a whole number from 0 to 2147483647'],
    ['value3=yes', 'value3', 'must be a boolean'],
    ['lastmodifiedby=a%20b', 'lastmodifiedby', 'must match ^[A-Za-z0-9_.-]+$'],
    ['limt=10', 'limt', 'is not a known field (expected limit, after_id, lastmodifiedby or value3)']
  ])('rejects %s with a 400 naming the parameter', async (query, field, problem) => {
    const response = await t.request('GET', `/api/list?${query}`)
    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      status: 'failed',
      message: 'The query is invalid! Please fix the parameters listed in errors and try again!',
      errors: [{ field, problem }]
    })
  })

  it('rejects a parameter given twice', async () => {
    const response = await t.request('GET', '/api/list?limit=1&limit=2')
    expect(response.status).toBe(400)
    expect(response.body.errors[0].field).toBe('limit')
  })
})

describe('GET /api/list streaming to a client that goes away', () => {
  // Asks for the whole list over a real socket and drops the connection: after the first bytes,
  // or before any answer (the server then finds the client gone before it sends anything).
  async function abandonList (base: string, when: 'after the first bytes' | 'at once'): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(`${base}/api/list`, { agent: false }, (response) => {
        response.once('data', () => {
          request.destroy()
          resolve()
        })
      })
      request.on('error', (error) => { if (!request.destroyed) reject(error) })
      request.end(() => {
        if (when === 'at once') {
          request.destroy()
          resolve()
        }
      })
    })
  }

  it('closes the cursor: the pool and the table are free again (more abandoned streams than connections)', async () => {
    // Enough rows (about 10 MB of JSON) that the stream is still going when the client leaves.
    await t.sql`
      INSERT INTO record (value1, value2, lastmodifiedby)
      SELECT repeat('x', 150), n, 'bulk' FROM generate_series(1, 50000) AS n
    `
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 })
    // The pool has 5 connections.
    for (let i = 0; i < 8; i += 1) await abandonList(base, i % 2 === 0 ? 'after the first bytes' : 'at once')
    expect((await fetch(`${base}/healthz`)).status).toBe(200) // still alive
    let busy: number | undefined
    for (let waited = 0; waited < 10_000; waited += 100) {
      const [row] = await t.sql`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE '%FROM record%' AND state <> 'idle'
      `
      busy = row!.n
      if (busy === 0) break
      await delay(100)
    }
    expect(busy).toBe(0)
    // No lock left behind either: a statement that needs the whole table gets it at once.
    await t.sql.begin(async (tx) => {
      await tx`SET LOCAL lock_timeout = '2s'`
      await tx`LOCK TABLE record IN ACCESS EXCLUSIVE MODE`
    })
    const response = await t.request('GET', '/api/list?limit=1')
    expect(response.status).toBe(200)
  }, 60_000)
})
