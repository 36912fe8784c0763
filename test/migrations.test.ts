import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../src/db/migrate.js'
import { useDatabase } from './helper.js'

describe('migrations', () => {
  const database = useDatabase()
  let sql: postgres.Sql

  beforeAll(() => { sql = postgres(database.url(), { max: 2, onnotice: () => {} }) })
  afterAll(async () => { await sql.end() })

  it('applies every file in sql/ once, in order, and a second run is a no-op', async () => {
    const files = await readMigrations()
    expect(files.length).toBeGreaterThan(0)
    expect(files.map((file) => file.version)).toEqual([...files.map((file) => file.version)].sort((a, b) => a - b))
    expect(await migrate(sql)).toEqual(files.map((file) => file.id))
    expect(await migrate(sql)).toEqual([])
    const recorded = await sql`SELECT version FROM schema_migrations ORDER BY version`
    expect(recorded.map((row) => row.version)).toEqual(files.map((file) => file.version))
  })

  it('refuses to run when an applied migration has changed', async () => {
    const [first, ...rest] = await readMigrations()
    const edited = { ...first!, checksum: 'edited', text: `${first!.text}\n-- edited` }
    await expect(migrate(sql, [edited, ...rest])).rejects.toThrow(/changed after it was applied/)
  })

  it('enforces the contract rules in the database itself', async () => {
    const digest = (n: number): Buffer => Buffer.alloc(32, n)
    await sql`INSERT INTO authenticationkey (username, key_digest) VALUES ('Dbuser', ${digest(1)})`
    await expect(sql`INSERT INTO authenticationkey (username, key_digest) VALUES ('dbUSER', ${digest(2)})`)
      .rejects.toMatchObject({ code: '23505', constraint_name: 'authenticationkey_username_lower_key' })
    await expect(sql`INSERT INTO authenticationkey (username, key_digest) VALUES ('other', ${digest(1)})`)
      .rejects.toMatchObject({ code: '23505' })
    await expect(sql`INSERT INTO authenticationkey (username, key_digest) VALUES ('bad name', ${digest(3)})`)
      .rejects.toMatchObject({ code: '23514' })
    await expect(sql`INSERT INTO record (value1, lastmodifiedby) VALUES (${'x'.repeat(256)}, 'u')`)
      .rejects.toMatchObject({ code: '22001' })
    await expect(sql`INSERT INTO record (value1) VALUES ('x')`).rejects.toMatchObject({ code: '23502' })
    await expect(sql`INSERT INTO record (value2, lastmodifiedby) VALUES ('NaN', 'u')`).rejects.toMatchObject({ code: '23514' })
  })
})

describe('migrations from several instances starting at once', () => {
  const database = useDatabase()

  it('apply each migration exactly once', async () => {
    const clients = Array.from({ length: 6 }, () => postgres(database.url(), { max: 1, onnotice: () => {} }))
    try {
      const results = await Promise.all(clients.map(async (client) => await migrate(client)))
      const files = await readMigrations()
      expect(results.flat().sort()).toEqual(files.map((file) => file.id).sort())
      const [count] = await clients[0]!`SELECT count(*)::int AS n FROM schema_migrations`
      expect(count?.n).toBe(files.length)
    } finally {
      await Promise.all(clients.map(async (client) => await client.end()))
    }
  })
})
