// The entry point: read the configuration, start an embedded PostgreSQL when no DATABASE_URL is
// given, build the app, listen, and on SIGINT/SIGTERM drain requests before stopping everything.
import type { FastifyInstance } from 'fastify'
import { build } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js'

async function main (config: Config): Promise<void> {
  let embedded: EmbeddedDatabase | undefined
  let app: FastifyInstance | undefined
  let stopping = false

  async function stop (signal: string): Promise<void> {
    if (stopping) return
    stopping = true
    app?.log.info({ signal }, 'shutting down')
    try {
      await app?.close()
    } finally {
      await embedded?.stop()
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop(signal).then(
        () => { process.exitCode = 0 },
        (error: unknown) => {
          console.error('shutdown failed:', error)
          process.exitCode = 1
        })
    })
  }

  try {
    let databaseUrl = config.databaseUrl
    if (databaseUrl === undefined) {
      console.log(`starting embedded PostgreSQL in ${config.dataDir} (set DATABASE_URL to use another server)`)
      embedded = await startEmbeddedDatabase({ dataDir: config.dataDir }).catch((error: unknown) => {
        throw new Error(`could not start the embedded PostgreSQL in ${config.dataDir} (${error instanceof Error ? error.message : String(error)}); set DATABASE_URL to use an existing PostgreSQL server`)
      })
      databaseUrl = embedded.url
    }
    app = await build({ config, databaseUrl })
    await app.listen({ host: config.host, port: config.port })
    const address = app.server.address()
    const port = address !== null && typeof address === 'object' ? address.port : config.port
    const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
    app.log.info(`Phoenix API at ${base}/api/list, docs at ${base}/docs`)
    console.log(`Phoenix is listening on ${base} (docs: ${base}/docs). Press Ctrl-C to stop.`)
  } catch (error) {
    await stop('startup failure').catch(() => {})
    throw error
  }
}

try {
  await main(loadConfig())
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`)
  } else {
    console.error('Phoenix failed to start:', error instanceof Error ? error.message : error)
  }
  process.exitCode = 1
}
