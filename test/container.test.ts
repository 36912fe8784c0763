// The Docker image, checked without Docker (CI has no engine): the Dockerfile's stages are replayed
// in clean temporary directories (test/dockerfile.ts), and the result is started with the image's
// CMD, ENV and HEALTHCHECK against the test run's PostgreSQL. Any of these fails a test here: a
// COPY that misses a file the server reads, a run-time dependency declared as dev-only, a CMD or
// HEALTHCHECK that no longer fits the build output, or a server that does not stop cleanly on
// `docker stop`. The base image and `docker build` itself are not covered. compose.yaml is checked
// against the Dockerfile and against the server's own configuration parser.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../src/config.js'
import { freePort } from '../src/db/embedded.js'
import { projectRoot } from '../src/paths.js'
import { execute, ImageBuilder, killAll, parseEnv, readDockerfile, type Built, type Finished } from './dockerfile.js'
import { fetchChecked, useDatabase, within, type Response } from './helper.js'

// The production-only `npm ci` reads the tarballs from npm's cache, which CI's own `npm ci` has
// just filled, or else from the registry. The build stage's tsc takes a few more seconds.
const prepareTimeout = 180_000
const commandTimeout = 150_000
const startTimeout = 30_000
const exitTimeout = 15_000

const dockerfile = readDockerfile()

interface Server {
  child: ChildProcess
  base: string
  env: Record<string, string>
  output: () => string
  exit: Promise<Finished>
}

describe('the image built from the Dockerfile', () => {
  const database = useDatabase()
  const builder = new ImageBuilder({ commandTimeout })
  const servers: Server[] = []
  let root: string | undefined
  let image: Built

  // The image runs as USER node, which does not exist here. When this test runs as root, the server
  // runs as `nobody` instead. Like `node` in the image, it owns nothing in the app directory, so it
  // can write nothing there.
  function unprivileged (): { uid?: number, gid?: number } {
    return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
  }

  function program (argv: string[]): [string, string[]] {
    const [file, ...args] = argv
    // The image's `node` is replaced by the one running this test (the image has Node 24; the
    // suite passes on 20 and 24).
    if (file !== 'node') throw new Error(`the image should run node directly, got ${JSON.stringify(argv)}`)
    return [process.execPath, args]
  }

  function imageEnvironment (overrides: Record<string, string>): Record<string, string> {
    return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', ...image.env, ...overrides }
  }

  function startServer (env: Record<string, string>): Server {
    if (image.cmd === undefined) throw new Error('Dockerfile: the final stage has no CMD')
    const [file, args] = program(image.cmd)
    const child = spawn(file, args, { cwd: image.dir, env, ...unprivileged(), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
    const exit = new Promise<Finished>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, output }))
    })
    const server = { child, base: `http://127.0.0.1:${env.PORT ?? ''}`, env, output: () => output, exit }
    servers.push(server)
    return server
  }

  async function healthcheck (server: Server): Promise<Finished> {
    if (image.healthcheck === undefined) throw new Error('Dockerfile: the final stage has no HEALTHCHECK')
    const [file, args] = program(image.healthcheck.argv)
    return await execute(file, args, { cwd: image.dir, env: server.env, ...unprivileged(), timeoutMs: image.healthcheck.timeoutMs })
  }

  async function request (server: Server, method: string, path: string): Promise<Response> {
    return await fetchChecked(server.base, method, path)
  }

  async function waitUntilHealthy (server: Server): Promise<void> {
    const deadline = Date.now() + startTimeout
    while (Date.now() < deadline) {
      if (server.child.exitCode !== null || server.child.signalCode !== null) {
        throw new Error(`the server exited during start-up:\n${server.output()}`)
      }
      const status = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(1000) })
        .then((response) => response.status, () => undefined)
      if (status === 200) return
      await delay(100)
    }
    throw new Error(`the server did not answer /healthz within ${startTimeout} ms:\n${server.output()}`)
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'phoenix-image-'))
    await chmod(root, 0o755)
    image = await builder.build(dockerfile, root)
  }, prepareTimeout)

  afterAll(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL')
        await within(server.exit, exitTimeout, 'exiting on SIGKILL').catch(() => {})
      }
    }
    killAll()
    if (root !== undefined) await rm(root, { recursive: true, force: true })
  })

  it('installs production dependencies only', async () => {
    onTestFailed(() => { console.error(builder.log.join('\n')) })
    const lock = JSON.parse(await readFile(join(projectRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }
    const devOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => entry.dev === true && /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path))
      .map(([path]) => path.slice('node_modules/'.length))
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'vitest', 'tsx', 'eslint', '@redocly/cli']))

    const installed: string[] = []
    for (const name of devOnly) {
      const entries = await readdir(join(image.dir, 'node_modules', name)).catch(() => [])
      if (entries.length > 0) installed.push(name)
    }
    expect(installed).toEqual([])
    expect(await readdir(join(image.dir, 'node_modules'))).toContain('fastify')
  })

  it('serves the API with its CMD and ENV, passes its HEALTHCHECK, and exits with code 0 on SIGTERM', async () => {
    onTestFailed(() => { console.error(builder.log.join('\n')) })
    expect(image.user ?? 'root', 'the image must not run as root').not.toMatch(/^(root|0)(:|$)/)
    const server = startServer(imageEnvironment({ HOST: '127.0.0.1', PORT: String(await freePort()), DATABASE_URL: database.url() }))
    await waitUntilHealthy(server)

    expect((await request(server, 'GET', '/healthz')).status).toBe(200)
    expect((await request(server, 'GET', '/readyz')).status).toBe(200)
    const issued = await request(server, 'POST', '/api/generate_key/container')
    expect(issued.status, issued.text).toBe(201)
    expect(server.output()).not.toContain('starting embedded PostgreSQL')

    const healthy = await healthcheck(server)
    expect(healthy.code, healthy.output).toBe(0)

    server.child.kill('SIGTERM')
    const exit = await within(server.exit, exitTimeout, 'exiting on SIGTERM')
    expect({ code: exit.code, signal: exit.signal }, exit.output).toEqual({ code: 0, signal: null })
    // Once the server has stopped, the probe reports it as unhealthy.
    expect((await healthcheck(server)).code).not.toBe(0)
  }, 60_000)

  it('exits with code 1 without DATABASE_URL instead of keeping data inside the container', async () => {
    const server = startServer(imageEnvironment({ HOST: '127.0.0.1', PORT: String(await freePort()) }))
    const exit = await within(server.exit, startTimeout, 'exiting without DATABASE_URL')
    expect({ code: exit.code, signal: exit.signal }, exit.output).toEqual({ code: 1, signal: null })
    // The image's user cannot write its .data: the message names both settings that could fix that.
    expect(exit.output).toMatch(/Configuration error: DATA_DIR \S+\/\.data is not a directory this user can write/)
    expect(exit.output).toContain('or set DATABASE_URL to use an existing PostgreSQL server')
  }, 60_000)
})

describe('compose.yaml', () => {
  interface Service {
    environment?: Record<string, string>
    ports?: string[]
  }
  const compose = parse(readFileSync(join(projectRoot, 'compose.yaml'), 'utf8')) as { services: Record<string, Service | undefined> }
  const runtime = dockerfile.at(-1)?.instructions ?? []
  const imageEnv = Object.assign({}, ...runtime.filter(({ keyword }) => keyword === 'ENV').map(({ args }) => parseEnv(args))) as Record<string, string>

  /** Compose's `${NAME:?message}` interpolation, the only form compose.yaml uses: unset or empty is an error. */
  function interpolate (value: string, env: Record<string, string>): string {
    return value.replace(/\$\{(\w+):\?([^}]*)\}/g, (_match, name: string, message: string) => {
      const set = env[name]
      if (set === undefined || set === '') throw new Error(`${name}: ${message}`)
      return set
    })
  }

  it('runs PostgreSQL 17 on the named volume pgdata, healthy once pg_isready answers over TCP', () => {
    expect(compose).toMatchObject({
      services: {
        db: {
          image: 'postgres:17',
          // eslint-disable-next-line no-template-curly-in-string -- compose's interpolation, not JavaScript's
          environment: { POSTGRES_USER: 'phoenix', POSTGRES_DB: 'phoenix', POSTGRES_PASSWORD: '${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD (in the environment or in .env)}' },
          volumes: ['pgdata:/var/lib/postgresql/data'],
          healthcheck: { test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', 'phoenix', '-d', 'phoenix'] }
        }
      },
      volumes: { pgdata: {} }
    })
  })

  it('builds the API from the Dockerfile and starts it, once the database is healthy, with its credentials', () => {
    expect(compose).toMatchObject({
      services: {
        // Published on the host's loopback only.
        api: { build: '.', ports: ['127.0.0.1:3000:3000'], depends_on: { db: { condition: 'service_healthy' } }, restart: 'unless-stopped' }
      }
    })
    const db = compose.services.db?.environment ?? {}
    // No default password: without one, compose refuses to start.
    expect(() => interpolate(db.POSTGRES_PASSWORD ?? '', {})).toThrow('POSTGRES_PASSWORD')
    expect(() => interpolate(compose.services.api?.environment?.DATABASE_URL ?? '', {})).toThrow('POSTGRES_PASSWORD')
    const environments: Array<Record<string, string>> = [{ POSTGRES_PASSWORD: 's3cret' }]
    for (const env of environments) {
      const databaseUrl = interpolate(compose.services.api?.environment?.DATABASE_URL ?? '', env)
      const url = new URL(databaseUrl)
      expect(url.hostname).toBe('db')
      expect(url.port).toBe('5432')
      expect(decodeURIComponent(url.username)).toBe(db.POSTGRES_USER)
      expect(decodeURIComponent(url.password)).toBe(interpolate(db.POSTGRES_PASSWORD ?? '', env))
      expect(url.pathname).toBe(`/${db.POSTGRES_DB ?? ''}`)

      // What the server makes of the image's ENV plus compose's environment.
      const config = loadConfig({ ...imageEnv, DATABASE_URL: databaseUrl })
      expect(config.databaseUrl).toBe(databaseUrl)
      expect(config.host).toBe('0.0.0.0')
      expect(compose.services.api?.ports).toEqual([`127.0.0.1:${config.port}:${config.port}`])
    }
    const exposed = runtime.filter(({ keyword }) => keyword === 'EXPOSE').flatMap(({ args }) => args.split(/\s+/))
    expect(exposed).toContain(imageEnv.PORT)
  })
})
