// The contract's v2 "History": every create, modify and remove of a record, written by the
// database in the same transaction, whoever made it, readable after the record is removed.
import { beforeAll, describe, expect, it } from 'vitest'
import { useApp } from './helper.js'

const t = useApp()
let alice: { username: string, key: string }
let bob: { username: string, key: string }
let carol: { username: string, key: string }

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([t.issueKey(), t.issueKey(), t.issueKey()])
})

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const history = async (url: string) => await t.request('GET', url)

describe('GET /api/history/{record_id}', () => {
  it('lists create, modifies and remove oldest first, each with its author and the record after it', async () => {
    const created = await t.createRecord({ value1: 'first', value2: 1 }, alice.key)
    const id = created.id
    const modified = (await t.request('PATCH', `/api/modify/${id}`, { headers: { 'api-key': bob.key }, json: { value1: 'second' } })).body.record_info
    const remodified = (await t.request('PATCH', `/api/modify/${id}`, { headers: { 'api-key': alice.key }, json: { value2: null } })).body.record_info
    // Carol removes it: the remove is hers, not the last modifier's (alice's).
    expect((await t.request('DELETE', `/api/remove/${id}`, { headers: { 'api-key': carol.key } })).status).toBe(200)

    const response = await history(`/api/history/${id}`)
    expect(response.status).toBe(200)
    expect(response.body.status).toBe('success')
    expect(response.body.message).toBe('History found!')
    expect(response.headers.link).toBeUndefined()
    const entries = response.body.history
    expect(entries.map((entry: any) => [entry.version, entry.operation, entry.username])).toEqual([
      [1, 'create', alice.username],
      [2, 'modify', bob.username],
      [3, 'modify', alice.username],
      [4, 'remove', carol.username]
    ])
    expect(entries.map((entry: any) => entry.record)).toEqual([created, modified, remodified, remodified])
    const changeIds = entries.map((entry: any) => entry.change_id)
    expect([...changeIds].sort((a, b) => a - b)).toEqual(changeIds)
    expect(new Set(changeIds).size).toBe(4)
    for (const entry of entries) expect(entry.at).toMatch(iso)
    expect(entries[0].at).toBe(created.creationdate)
    expect(entries[1].at).toBe(modified.lastmodificationdate)
    // The record is gone, its history is not.
    expect((await t.request('GET', `/api/read/${id}`)).status).toBe(404)
  })

  it('records changes made with plain SQL, in their transaction, under the database role', async () => {
    const { id } = await t.createRecord({ value3: true }, alice.key)
    const [{ role }] = await t.sql<[{ role: string }]>`SELECT current_user AS role`
    await t.sql`UPDATE record SET value3 = false WHERE id = ${id}`
    // A change rolled back leaves no entry.
    await expect(t.sql.begin(async (tx) => {
      await tx`UPDATE record SET value3 = null WHERE id = ${id}`
      throw new Error('rolled back')
    })).rejects.toThrow('rolled back')
    await t.sql`DELETE FROM record WHERE id = ${id}`
    const entries = (await history(`/api/history/${id}`)).body.history
    expect(entries.map((entry: any) => [entry.version, entry.operation, entry.username, entry.record.value3])).toEqual([
      [1, 'create', alice.username, true],
      [2, 'modify', role, false],
      [3, 'remove', role, false]
    ])
  })

  it('writes one entry per record for a statement that changes many', async () => {
    const ids = [(await t.createRecord({ value1: 'many' }, alice.key)).id, (await t.createRecord({ value1: 'many' }, alice.key)).id]
    await t.sql`UPDATE record SET value2 = 42 WHERE id IN ${t.sql(ids)}`
    for (const id of ids) {
      const entries = (await history(`/api/history/${id}`)).body.history
      expect(entries.map((entry: any) => [entry.version, entry.record.value2])).toEqual([[1, null], [2, 42]])
    }
  })

  it('pages by version with limit and after_version, with a Link to the next page while more may follow', async () => {
    const { id } = await t.createRecord({ value2: 0 }, alice.key)
    for (let n = 1; n <= 4; n++) await t.request('PATCH', `/api/modify/${id}`, { headers: { 'api-key': alice.key }, json: { value2: n } })
    const first = await history(`/api/history/${id}?limit=2`)
    expect(first.body.history.map((entry: any) => entry.version)).toEqual([1, 2])
    expect(first.headers.link).toBe(`</api/history/${id}?limit=2&after_version=2>; rel="next"`)
    const second = await history(`/api/history/${id}?limit=2&after_version=2`)
    expect(second.body.history.map((entry: any) => entry.version)).toEqual([3, 4])
    const third = await history(/<([^>]+)>/.exec(second.headers.link as string)![1]!)
    expect(third.body.history.map((entry: any) => entry.version)).toEqual([5])
    expect(third.headers.link).toBeUndefined()
    const beyond = await history(`/api/history/${id}?after_version=5`)
    expect(beyond.status).toBe(200)
    expect(beyond.body.history).toEqual([])
  })

  it('answers 404 for an id that never existed, and 400 for a bad id, a missing one or a bad query', async () => {
    const missing = await history('/api/history/2147483647')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ status: 'failed', message: 'The record does not exist! Please try a different record number!' })
    for (const url of ['/api/history/abc', '/api/history/0', '/api/history/1.5']) {
      const response = await history(url)
      expect(response.status, url).toBe(400)
      expect(response.body.errors).toEqual([{ field: 'record_id', problem: expect.any(String) }])
    }
    for (const url of ['/api/history', '/api/history/']) {
      const response = await history(url)
      expect(response.status, url).toBe(400)
      expect(response.body.message).toBe('Oops! You forgot to add a number after! Please specify a number and try again!')
    }
    for (const [query, field] of [['limit=0', 'limit'], ['limit=1001', 'limit'], ['after_version=-1', 'after_version'], ['after_id=3', 'after_id']]) {
      const response = await history(`/api/history/1?${query}`)
      expect(response.status, query).toBe(400)
      expect(response.body.errors.map((error: any) => error.field)).toEqual([field])
    }
  })
})
