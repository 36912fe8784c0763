// `npm run fuzz`: the schema-driven HTTP fuzz (test/fuzz/) at length, against a fresh app on its
// own database (on TEST_DATABASE_URL's server, else an embedded PostgreSQL), as the tests build it.
// Prints answers by case and status and every violation kind with an example; exits 1 on any.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { build } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded.js'
import { formatReport } from '../test/fuzz/report.js'
import { fuzzEnvironment, runFuzz } from '../test/fuzz/run.js'

const usage = `Usage: npm run fuzz -- [--runs N] [--seed N] [--concurrency N]

  --runs <n>         cases to send (default 10000)
  --seed <n>         the generator's seed (default: a random one, printed)
  --concurrency <n>  connections at a time (default 4)

Environment: TEST_DATABASE_URL=postgres://… runs on that server (creating and dropping a database
named phoenix_fuzz_*); by default an embedded PostgreSQL is started in a temporary directory.`

function positive (text: string, name: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`--${name} must be a positive whole number, got ${text}\n\n${usage}`)
  return Number(text)
}

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' }, concurrency: { type: 'string', default: '4' }, help: { type: 'boolean', default: false } }
})
if (values.help === true) {
  console.log(usage)
  process.exit(0)
}
const runs = positive(values.runs, 'runs')
const seed = values.seed === undefined ? randomBytes(4).readUInt32BE() >>> 1 : positive(values.seed, 'seed')
const concurrency = positive(values.concurrency, 'concurrency')

// Built like the server builds it, from the defaults of every setting but the fuzz's own, and quiet.
const config = { ...loadConfig(fuzzEnvironment), logLevel: 'silent' as const }
let embedded: EmbeddedDatabase | undefined
let dataDir: string | undefined
let adminUrl = process.env.TEST_DATABASE_URL ?? ''
if (adminUrl === '') {
  dataDir = await mkdtemp(join(tmpdir(), 'phoenix-fuzz-'))
  embedded = await startEmbeddedDatabase({ dataDir })
  adminUrl = embedded.url
}
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
const database = `phoenix_fuzz_${randomBytes(6).toString('hex')}`
await admin.unsafe(`CREATE DATABASE ${database}`)
const databaseUrl = new URL(adminUrl)
databaseUrl.pathname = `/${database}`

let failed = true
try {
  const app = await build({ config, databaseUrl: databaseUrl.toString() })
  try {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    console.error(`fuzz: ${runs} cases, seed ${seed}, ${concurrency} at a time, against 127.0.0.1:${port}`)
    const step = Math.max(1, Math.round(runs / 10))
    const onProgress = (done: number): void => { if (done % step === 0) console.error(`  ${done}/${runs}`) }
    const report = await runFuzz({ port, runs, seed, concurrency, bodyLimit: config.bodyLimit, onProgress })
    console.log(formatReport(report))
    failed = report.violations.size > 0
  } finally {
    await app.close()
  }
} finally {
  await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  await admin.end()
  await embedded?.stop()
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
