// GET /metrics in the Prometheus text format: requests and their latency by route and status,
// the database connections Phoenix holds (as PostgreSQL sees them), whether the rate limits are
// shared through Redis (REDIS_URL), the replica's lag when there is one, and Node's process metrics.
import type { FastifyInstance, FastifyRequest, LogLevel } from 'fastify'
import fp from 'fastify-plugin'
import { applicationName } from '../db/client.js'
import { parseLsn } from '../db/lsn.js'
import type { Replica } from '../db/replica.js'
import { probeWithinMs } from '../db/statements.js'
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { RequestMetrics } from '../request-metrics.js'

export interface MetricsOptions {
  poolMax: number
  logLevel: LogLevel
}

// Unmatched URLs share one label: a label per random path would grow the series without bound.
function routeOf (request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched'
}

async function metrics (app: FastifyInstance, options: MetricsOptions): Promise<void> {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const requests = new RequestMetrics()
  new Gauge({ name: 'db_pool_max_connections', help: 'Size of the PostgreSQL connection pool', registers: [registry] }).set(options.poolMax)
  const connections = new Gauge({
    name: 'db_pool_connections',
    help: 'Connections of this instance open on PostgreSQL, by state (pg_stat_activity), sampled at scrape',
    labelNames: ['state'],
    registers: [registry]
  })
  const up = new Gauge({ name: 'db_up', help: '1 when PostgreSQL answered the last scrape, 0 otherwise', registers: [registry] })
  // Only with REDIS_URL, read from the limits plugin at each scrape (registered here only, not
  // also in prom-client's global registry).
  const shared = app.sharedLimits
  if (shared !== undefined) {
    registry.registerMetric(new Gauge({
      name: 'rate_limit_redis_up',
      help: '1 while rate limits are counted in Redis (REDIS_URL) for every instance, 0 while this instance counts them in its memory',
      registers: [],
      collect () { this.set(shared.up ? 1 : 0) }
    }))
    registry.registerMetric(new Counter({
      name: 'rate_limit_memory_fallbacks_total',
      help: 'Rate limit checks counted in this instance\'s memory because Redis was unavailable',
      registers: [],
      collect () {
        this.reset()
        this.inc(shared.fallbacks)
      }
    }))
  }
  const replica = app.replica === undefined ? undefined : replicaGauges(app, app.replica, registry)

  app.addHook('onResponse', (request, reply, done) => {
    requests.record(request.method, routeOf(request), reply.statusCode, reply.elapsedTime / 1000)
    done()
  })

  app.get('/metrics', { schema: { hide: true }, logLevel: options.logLevel }, async (_request, reply) => {
    connections.reset()
    try {
      // Bounded like /readyz: a scrape must answer (db_up 0) while the database does not.
      const rows = await app.db(app.sql<Array<{ state: string, count: number }>>`
        SELECT coalesce(state, 'unknown') AS state, count(*)::int AS count
        FROM pg_stat_activity
        WHERE application_name = ${applicationName} AND datname = current_database()
        GROUP BY 1
      `, probeWithinMs)
      for (const row of rows) connections.set({ state: row.state }, row.count)
      up.set(1)
    } catch {
      up.set(0)
    }
    await replica?.()
    // prom-client's text ends with a newline, so the request series follow as families of their own.
    return await reply.type(registry.contentType).send(`${await registry.metrics()}\n${requests.render()}`)
  })
}

// READ_DATABASE_URL's replica, asked at scrape time like the primary (and at the same bound).
// Unknown values are NaN, not 0: a replica that does not answer is not one without lag.
function replicaGauges (app: FastifyInstance, replica: Replica, registry: Registry): () => Promise<void> {
  const registers = [registry]
  const up = new Gauge({ name: 'db_replica_up', help: '1 when the replica answered the last scrape as a standby (reads go to it), 0 otherwise', registers })
  const seconds = new Gauge({ name: 'db_replica_lag_seconds', help: 'Age of the last transaction the replica replayed while it has received WAL left to replay, else 0', registers })
  const bytes = new Gauge({ name: 'db_replica_lag_bytes', help: "Bytes of the primary's WAL the replica has not replayed yet", registers })
  return async () => {
    const [status, primary] = await Promise.all([
      replica.probe(),
      app.db(app.sql<[{ lsn: string }]>`SELECT pg_current_wal_lsn()::text AS lsn`, probeWithinMs).then(([row]) => parseLsn(row.lsn), () => undefined)
    ])
    up.set(status.state === 'ok' ? 1 : 0)
    seconds.set(status.lagSeconds ?? Number.NaN)
    const behind = primary === undefined || status.replayed === undefined ? undefined : primary - status.replayed
    bytes.set(behind === undefined ? Number.NaN : Number(behind > 0n ? behind : 0n))
  }
}

export default fp(metrics, { name: 'metrics', dependencies: ['database', 'limits', 'reads'] })
