// The quick run of the schema-driven fuzz (test/fuzz/): a few hundred requests derived from
// openapi.yaml, valid and mutated, over real sockets. `npm run fuzz` runs the long one.
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { testConfig, useApp } from './helper.js'
import { formatReport } from './fuzz/report.js'
import { runFuzz } from './fuzz/run.js'

const t = useApp()
const seed = Number(process.env.FUZZ_SEED ?? 20_261_125)

describe('the HTTP interface under a schema-driven fuzz', () => {
  it('answers every request as openapi.yaml and the contract say', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = t.app.server.address() as AddressInfo
    const report = await runFuzz({ port, runs: 400, seed, bodyLimit: testConfig.bodyLimit, concurrency: 4 })
    expect(report.violations.size, formatReport(report)).toBe(0)
  }, 120_000)
})
