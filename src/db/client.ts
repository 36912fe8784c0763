import { hostname } from 'node:os'
import postgres, { type Sql } from 'postgres'

export interface DatabaseOptions {
  url: string
  poolMax: number
}

/** Unique to this process, so that its connections can be told apart from other instances' (metrics). */
export const applicationName = `phoenix/${hostname()}/${process.pid}`.slice(0, 63)

// timestamptz (oid 1184) as RFC 3339 UTC text, the form the API shows, instead of a Date.
const timestamptz = {
  to: 1184,
  from: [1184],
  serialize: (value: string | Date) => (value instanceof Date ? value : new Date(value)).toISOString(),
  parse: (value: string) => new Date(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString()
}

export function createSql ({ url, poolMax }: DatabaseOptions): Sql<{ timestamptz: string }> {
  return postgres(url, {
    max: poolMax,
    // Fail fast while the database is unreachable: the request gets a 503, not a hang. By default
    // postgres.js waits longer and longer between reconnects (up to 20 s, the count shared by the
    // whole pool) and queues queries behind those waits; every query tries to connect at once
    // instead, so each gets its answer (a 503, or success once the database is back) at once.
    backoff: () => 0,
    connect_timeout: 5,
    idle_timeout: 60,
    max_lifetime: 30 * 60,
    onnotice: () => {},
    types: { timestamptz },
    connection: {
      application_name: applicationName,
      TimeZone: 'UTC',
      statement_timeout: 10_000
    }
  })
}
