// A redis-server of the test's own: on a free loopback port, in a temporary directory, with
// nothing persisted, and handled by its pid (killed, frozen, started again on the same port).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { freePort } from '../src/db/embedded.js'
import { within } from './helper.js'

export const redisInstalled = (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'redis-server')))

export interface RedisServer {
  url: string
  /** Sends a signal to the running server (SIGSTOP freezes it, SIGCONT thaws it). */
  signal: (signal: NodeJS.Signals) => void
  /** SIGKILL, and waits until it is gone. */
  kill: () => Promise<void>
  /** Starts it again, empty, on the same port. */
  restart: () => Promise<void>
  /** Stops it for good and removes its directory. */
  stop: () => Promise<void>
}

export async function startRedis (): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'phoenix-redis-test-'))
  const port = await freePort()
  let child: ChildProcess | undefined
  let exited = Promise.resolve()

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = started
    exited = new Promise((resolve) => started.once('exit', () => resolve()))
    let output = ''
    const ready = new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer): void => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) resolve()
      }
      started.stdout.on('data', read)
      started.stderr.on('data', read)
      started.once('exit', () => reject(new Error(`redis-server exited:\n${output}`)))
    })
    await within(ready, 10_000, `redis-server starting on port ${port}`)
  }

  const signal = (name: NodeJS.Signals): void => {
    if (child?.exitCode === null && child.signalCode === null) process.kill(child.pid!, name)
  }

  const kill = async (): Promise<void> => {
    signal('SIGKILL')
    await within(exited, 10_000, 'redis-server exiting on SIGKILL')
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    signal,
    kill,
    restart: start,
    stop: async () => {
      signal('SIGCONT')
      signal('SIGTERM')
      await within(exited, 10_000, 'redis-server exiting on SIGTERM').catch(kill)
      await rm(dir, { recursive: true, force: true })
    }
  }
}
