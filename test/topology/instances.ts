// Phoenix instances as the image runs them (`node dist/src/server.js`, built by `npm run build`),
// each on a port of its own that it keeps across restarts, as behind a load balancer.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { freePort } from '../../src/db/embedded.js'
import { projectRoot } from '../../src/paths.js'
import { within } from '../helper.js'
import type { Stop } from './services.js'

const entry = join(projectRoot, 'dist/src/server.js')

export class Instance {
  child: ChildProcess | undefined
  output = ''
  private exited: Promise<void> = Promise.resolve()

  constructor (readonly name: string, readonly port: number, private readonly env: Record<string, string>) {}

  get base (): string { return `http://127.0.0.1:${this.port}` }
  get running (): boolean { return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null }

  /** Starts the process; resolves once /readyz answers 200. */
  async start (): Promise<void> {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: npm run build first (npm run test:topology does)`)
    const env = { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' }
    const child = spawn(process.execPath, [entry], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    this.child = child
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { this.output += chunk })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.output += chunk })
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    await this.ready()
  }

  async ready (ms = 30_000): Promise<void> {
    await within((async () => {
      for (;;) {
        if (!this.running) throw new Error(`${this.name} exited:\n${this.output}`)
        const status = await fetch(`${this.base}/readyz`, { signal: AbortSignal.timeout(2500) }).then((response) => response.status, () => 0)
        if (status === 200) return
        await delay(50)
      }
    })(), ms, `${this.name} ready`)
  }

  /** Sends `signal` and waits for the exit; returns the exit code (null when killed by a signal). */
  async stop (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child
    if (child === undefined || !this.running) return child?.exitCode ?? null
    child.kill(signal)
    await within(this.exited, 30_000, `${this.name} exiting on ${signal}`)
    return child.exitCode
  }
}

/** `count` instances with the same settings; each is stopped (SIGKILL if need be) by `stops`. */
export async function makeInstances (count: number, env: Record<string, string>, stops: Stop[]): Promise<Instance[]> {
  const instances: Instance[] = []
  for (let i = 1; i <= count; i++) instances.push(new Instance(`phoenix${i}`, await freePort(), env))
  stops.push(async () => {
    await Promise.all(instances.map(async (instance) => {
      if ((await Promise.race([instance.stop('SIGTERM').then(() => true), delay(20_000, false)])) === false) await instance.stop('SIGKILL')
    }))
  })
  return instances
}
