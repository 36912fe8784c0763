// The servers under test run as child processes, so the load generator never shares their CPU
// time or event loop. Their output goes to a file (not a pipe the harness would have to drain).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ServerProcess {
  name: string
  pid: number
  url: string
  logFile: string
  /** Sends SIGTERM, waits for the exit (and the CPU profile it writes), SIGKILL after 15 s. */
  stop: () => Promise<void>
  /** Set once the process has exited, with how. */
  exited: () => string | undefined
}

export interface StartOptions {
  name: string
  nodeArgs: string[]
  env: NodeJS.ProcessEnv
  port: number
  logFile: string
  cwd: string
}

async function waitUntilReady (url: string, child: ChildProcess, exited: () => string | undefined, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const status = exited()
    if (status !== undefined) throw new Error(`${url}: the server exited during start-up (${status}); see ${logFile}`)
    try {
      const response = await fetch(`${url}/healthz`)
      await response.arrayBuffer()
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  child.kill('SIGKILL')
  throw new Error(`${url}: not ready after 60 s; see ${logFile}`)
}

export async function startServer (options: StartOptions): Promise<ServerProcess> {
  const out = openSync(options.logFile, 'a')
  const child = spawn(process.execPath, options.nodeArgs, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', out, out]
  })
  closeSync(out)
  let status: string | undefined
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = signal === null ? `exit code ${String(code)}` : `signal ${signal}`
      resolve()
    })
  })
  const exited = (): string | undefined => status
  const url = `http://127.0.0.1:${options.port}`
  await waitUntilReady(url, child, exited, options.logFile)
  return {
    name: options.name,
    pid: child.pid!,
    url,
    logFile: options.logFile,
    exited,
    stop: async () => {
      if (status !== undefined) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exit
      clearTimeout(timer)
    }
  }
}

async function statusField (pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)
  if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`)
  return Number(match[1]) * 1024
}

/** Resident set size now, in bytes. */
export async function rss (pid: number): Promise<number> {
  return await statusField(pid, 'VmRSS')
}

/** Peak resident set size (VmHWM) since the process started or since `resetPeakRss`, in bytes. */
export async function peakRss (pid: number): Promise<number> {
  return await statusField(pid, 'VmHWM')
}

/** Resets VmHWM to the current RSS (Linux >= 4.0); false when the kernel does not allow it. */
export async function resetPeakRss (pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

// Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on almost every Linux).
const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

/** Fields of /proc/<pid>/stat from the 3rd (state) on: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
async function statFields (pid: number | 'self'): Promise<string[]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may contain spaces; count fields after its closing parenthesis.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

const milliseconds = (ticks: number): number => ticks * 1000 / ticksPerSecond

/** User + system CPU time the process has used so far (all its threads), in milliseconds. */
export async function cpuTime (pid: number): Promise<number> {
  const fields = await statFields(pid)
  return milliseconds(Number(fields[11]) + Number(fields[12]))
}

/** Busy CPU time of the whole machine so far (every core; all but idle and iowait), from /proc/stat, in milliseconds. */
export async function machineCpuTime (): Promise<number> {
  // cpu  user nice system idle iowait irq softirq steal …, in USER_HZ ticks like /proc/<pid>/stat.
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number)
  return milliseconds(fields.reduce((sum, ticks) => sum + ticks, 0) - fields[3]! - fields[4]!)
}

/** User + system CPU time of this process's children that have exited and been waited for, in milliseconds. */
export async function childrenCpuTime (): Promise<number> {
  const fields = await statFields('self')
  return milliseconds(Number(fields[13]) + Number(fields[14]))
}

/**
 * CPU time of a process and all its children, living or exited, in milliseconds: for PostgreSQL's
 * postmaster, the whole cluster (backends, WAL writer, checkpointer, autovacuum). A child that
 * exits moves its time into the parent's cutime/cstime, so the sum never goes back.
 */
export async function treeCpuTime (pid: number): Promise<number> {
  const own = await statFields(pid)
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const fields = await statFields(Number(entry)).catch(() => undefined)
    if (fields !== undefined && Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12])
  }
  return milliseconds(ticks)
}

/**
 * What a harness started, stopped in reverse order by `cleanUp` (at its end, and on Ctrl-C, after
 * saying `interrupted` what it stops); a clean-up that fails is reported and the others still run.
 */
export function cleanupStack (progress: (message: string) => void, interrupted: string): { cleanups: Array<() => Promise<void>>, cleanUp: () => Promise<void> } {
  const cleanups: Array<() => Promise<void>> = []
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => { progress(`clean-up failed: ${String(error)}`) })
  }
  process.once('SIGINT', () => {
    progress(`interrupted: ${interrupted}`)
    cleanUp().finally(() => process.exit(130))
  })
  return { cleanups, cleanUp }
}
