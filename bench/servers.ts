// The servers under test run as child processes, so the load generator never shares their CPU
// time or event loop. Their output goes to a file (not a pipe the harness would have to drain).
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
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

const ticksPerSecond = 100

/** User + system CPU time the process has used so far, in milliseconds. */
export async function cpuTime (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may contain spaces; count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return (utime + stime) * 1000 / ticksPerSecond
}
