// A pool connection whose backend is terminated in the middle of a statement (pg_terminate_backend,
// as an operator, a failover or `pg_ctl stop -m immediate` does it). That request fails with the
// contract's 503; the next one on the reconnected connection must not. postgres.js 3.4 kept the
// dead socket's ErrorResponse and replayed it onto the first statement of the new socket
// (porsager/postgres#1223; patches/ fixes it), so after every database restart one request per
// terminated connection got a 503 from a database that was up.
import { describe, expect, it } from 'vitest'
import { useApp, within } from './helper.js'

// One connection, so the request after the termination runs on the reconnected one.
const context = useApp({ config: { dbPoolMax: 1 } })
const unavailable = {
  status: 'failed',
  message: 'The database is temporarily unavailable! Please try again in a few seconds!'
}

/** Holds ACCESS EXCLUSIVE on the record table until `release` is called. */
async function lockRecords (): Promise<{ release: () => void, done: Promise<unknown> }> {
  let release = (): void => {}
  let locked = (): void => {}
  const held = new Promise<void>((resolve) => { locked = resolve })
  const done = context.sql.begin(async (tx) => {
    await tx`LOCK TABLE record IN ACCESS EXCLUSIVE MODE`
    locked()
    await new Promise<void>((resolve) => { release = resolve })
  })
  await held
  return { release: () => { release() }, done }
}

/** Terminates the backends of this database that wait for a lock; resolves with how many. */
async function terminateWaiting (): Promise<number> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const [{ count }] = await context.sql<[{ count: number }]>`
      SELECT count(pg_terminate_backend(pid))::int AS count FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`
    if (count > 0) return count
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error('no backend of this database waited for the lock within 10 s')
}

describe('a pool connection terminated mid-statement', () => {
  it('answers that request 503, and the next ones on the reconnected connection 200', async () => {
    const record = await context.createRecord({ value1: 'before the termination' })
    const lock = await lockRecords()
    const blocked = context.request('GET', `/api/read/${record.id as number}`)
    expect(await terminateWaiting()).toBe(1)
    const failed = await within(blocked, 10_000, 'the read whose backend was terminated')
    expect(failed.status).toBe(503)
    expect(failed.body).toEqual(unavailable)
    lock.release()
    await lock.done

    for (let i = 0; i < 3; i++) {
      const read = await context.request('GET', `/api/read/${record.id as number}`)
      expect(read.status, `read ${i + 1} after the termination`).toBe(200)
      expect(read.body.record_info).toEqual(record)
    }
  })
})
