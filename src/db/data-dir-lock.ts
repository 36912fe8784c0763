// One data directory, one owner. Without this, a second server started on the same DATA_DIR took
// the first one's PostgreSQL for a killed server's leftover and stopped it, leaving the first
// answering 503 for good. The owner is recorded in `<dataDir>/phoenix.lock` (its pid and the
// process's start time, so that a pid reused by another process does not pass for the owner);
// a lock whose owner is gone is stale and taken over.
import { randomBytes } from 'node:crypto'
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

interface Owner {
  pid: number
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); absent where there is no /proc. */
  startTime?: string
  since: string
}

export class DataDirInUseError extends Error {
  constructor (readonly dataDir: string, readonly owner: Owner) {
    super(`DATA_DIR ${dataDir} is in use by another Phoenix server (pid ${owner.pid}, running since ${owner.since}): ` +
      'stop that server first, or start this one with another DATA_DIR')
    this.name = 'DataDirInUseError'
  }
}

/** The process's state letter and start time from /proc, or undefined where there is none. */
async function procStat (pid: number): Promise<{ state: string, startTime: string } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  // Field 2, the command name, is in parentheses and may itself hold spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { state: fields[0] ?? '', startTime: fields[19] ?? '' }
}

function signalable (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function isRunning (owner: Owner): Promise<boolean> {
  if (!signalable(owner.pid)) return false
  const stat = await procStat(owner.pid)
  if (stat === undefined) return owner.startTime === undefined
  // A zombie (killed, not yet reaped) owns nothing any more.
  return stat.state !== 'Z' && stat.startTime === owner.startTime
}

function parseOwner (text: string): Owner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<Owner>
    return Number.isInteger(owner.pid) && typeof owner.since === 'string' ? owner as Owner : undefined
  } catch {
    return undefined
  }
}

/** False when `work` fails with `code` (EEXIST, ENOENT): a race lost, not an error. */
async function succeeds (work: Promise<unknown>, unless: string): Promise<boolean> {
  try {
    await work
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === unless) return false
    throw error
  }
}

async function readIfExists (file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

// Moved aside first, so that of two processes taking over the same stale lock only one removes
// it; a lock that turns out to have changed meanwhile (a new owner's) is put back.
async function removeStale (lockFile: string, stale: string): Promise<void> {
  const aside = `${lockFile}.stale.${process.pid}.${randomBytes(4).toString('hex')}`
  if (!await succeeds(rename(lockFile, aside), 'ENOENT')) return
  if (await readFile(aside, 'utf8') !== stale) await succeeds(link(aside, lockFile), 'EEXIST')
  await unlink(aside)
}

/**
 * Makes this process the owner of `dataDir`, or throws a DataDirInUseError naming the live owner.
 * Resolves to the function that gives the directory up.
 */
export async function claimDataDir (dataDir: string): Promise<() => Promise<void>> {
  const lockFile = join(dataDir, 'phoenix.lock')
  const startTime = (await procStat(process.pid))?.startTime
  const text = `${JSON.stringify({ pid: process.pid, ...(startTime === undefined ? {} : { startTime }), since: new Date().toISOString() })}\n`
  // Written in full under a private name, then linked into place: link() fails when the lock
  // exists, and a reader never sees a half-written lock.
  const draft = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`
  await writeFile(draft, text, { mode: 0o644 })
  try {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      if (await succeeds(link(draft, lockFile), 'EEXIST')) {
        return async () => {
          if (await readIfExists(lockFile) === text) await unlink(lockFile)
        }
      }
      const held = await readIfExists(lockFile)
      if (held === undefined) continue
      const owner = parseOwner(held)
      if (owner !== undefined && await isRunning(owner)) throw new DataDirInUseError(dataDir, owner)
      await removeStale(lockFile, held)
    }
    throw new Error(`could not take ${lockFile}: other processes keep changing it`)
  } finally {
    await unlink(draft)
  }
}
