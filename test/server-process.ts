// The real entry point (src/server.ts) as a child process, for the tests that need what only a
// process has: its environment, signals, exit codes, being killed. Call `cleanUpServers` after
// each test: it stops every server started here and any PostgreSQL one left under its DATA_DIR.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { expect } from 'vitest'
import { loadConfig } from '../src/config.js'
import { freePort } from '../src/db/embedded.js'
import { projectRoot } from '../src/paths.js'
import { fetchChecked, within, type RequestOptions, type Response } from './helper.js'

export const startTimeout = 30_000
export const exitTimeout = 15_000

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface Server {
  child: ChildProcess
  base: string
  dataDir: string
  stdout: () => string
  stderr: () => string
  exit: Promise<Exit>
}

const servers: Server[] = []
const tempDirs: string[] = []

export async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'phoenix-server-test-'))
  tempDirs.push(dir)
  return dir
}

// Every variable the configuration reads, found by letting it read an empty environment.
const configVariables = new Set<string>()
loadConfig(new Proxy({}, { get: (_target, name) => { configVariables.add(String(name)) } }))

/**
 * Spawns `node --import tsx src/server.ts` with only the given configuration variables set (and
 * the abuse limits off unless given: the bursts these tests send would meet them). With
 * `combineOutput` its stderr goes to its stdout (`2>&1`), so that stdout() shows the order of both.
 */
export async function startServer (settings: { dataDir: string, env?: Record<string, string>, combineOutput?: boolean }): Promise<Server> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !configVariables.has(name)))
  Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: settings.dataDir, KEY_ISSUE_PER_MINUTE: '0', WRITES_PER_SECOND: '0' }, settings.env)

  const command = [process.execPath, '--import', 'tsx', 'src/server.ts']
  // exec: the shell becomes the server, so that signals sent to the child reach it.
  const [file, ...args] = settings.combineOutput === true ? ['/bin/sh', '-c', 'exec "$0" "$@" 2>&1', ...command] : command
  const child = spawn(file!, args, {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exit = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }))
  })
  const server: Server = {
    child,
    base: `http://127.0.0.1:${port}`,
    dataDir: settings.dataDir,
    stdout: () => stdout,
    stderr: () => stderr,
    exit
  }
  servers.push(server)
  return server
}

export function running (server: Server): boolean {
  return server.child.exitCode === null && server.child.signalCode === null
}

export async function request (server: Server, method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  return await fetchChecked(server.base, method, path, options)
}

/** Polls /healthz until it answers 200; fails at once if the process exits first. */
export async function waitUntilHealthy (server: Server, ms = startTimeout): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (!running(server)) {
      throw new Error(`the server exited during start-up (${JSON.stringify(await server.exit)}):\n${server.stdout()}\n${server.stderr()}`)
    }
    const status = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(1000) })
      .then((response) => response.status, () => undefined)
    if (status === 200) return
    await delay(100)
  }
  throw new Error(`the server did not answer /healthz within ${ms} ms:\n${server.stdout()}\n${server.stderr()}`)
}

export async function waitForOutput (server: Server, text: string): Promise<void> {
  const seen = new Promise<void>((resolve) => {
    const check = (): void => { if (server.stdout().includes(text)) resolve() }
    server.child.stdout?.on('data', check)
    check()
  })
  await within(seen, startTimeout, `waiting for ${JSON.stringify(text)} on stdout`)
}

export async function stopServer (server: Server, signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
  server.child.kill(signal)
  return await within(server.exit, exitTimeout, `exiting on ${signal}`)
}

/** Pids of PostgreSQL servers running on `<dataDir>/pg`, found by their command line (Linux). */
export async function postgresRunningOn (dataDir: string): Promise<number[]> {
  const pids: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const command = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')
    if (command.split('\0').includes(join(dataDir, 'pg'))) pids.push(Number(entry))
  }
  return pids
}

export async function issueKey (server: Server, username: string): Promise<string> {
  const response = await request(server, 'POST', `/api/generate_key/${username}`)
  expect(response.status).toBe(201)
  return response.body.api_key as string
}

/**
 * For afterEach. A server that does not stop on SIGTERM is killed; and whatever stopped it, its
 * PostgreSQL must not outlive it as an orphan (a test that fails half-way must not leave one).
 */
export async function cleanUpServers (): Promise<void> {
  for (const server of servers.splice(0)) {
    if (running(server)) {
      server.child.kill('SIGTERM')
      await within(server.exit, exitTimeout, 'exiting').catch(async () => {
        server.child.kill('SIGKILL')
        await server.exit
      })
    }
    for (const pid of await postgresRunningOn(server.dataDir)) process.kill(pid, 'SIGQUIT')
    const deadline = Date.now() + exitTimeout
    while ((await postgresRunningOn(server.dataDir)).length > 0 && Date.now() < deadline) await delay(50)
  }
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true })
}

/** The postmaster of the PostgreSQL cluster in `clusterDir` and every process it started (Linux). */
export async function clusterProcesses (clusterDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
  const children: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    // pid (comm) state ppid …: the parent is the 2nd field after the command's closing parenthesis.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (parent === postmaster) children.push(Number(entry))
  }
  return [postmaster, ...children]
}
