// The quick run of the schema-driven fuzz (test/fuzz/): a few hundred requests derived from
// openapi.yaml, valid and mutated, over real sockets. `npm run fuzz` runs the long one.
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { testConfig, useApp } from './helper.js'
import { exchange, parseResponse } from './fuzz/http.js'
import { KeyPool } from './fuzz/keys.js'
import { formatReport } from './fuzz/report.js'
import { fuzzEnvironment, runFuzz } from './fuzz/run.js'

const t = useApp({ config: { ...loadConfig(fuzzEnvironment), logLevel: testConfig.logLevel, dbPoolMax: testConfig.dbPoolMax } })
const seed = Number(process.env.FUZZ_SEED ?? 20_261_125)

describe('the HTTP interface under a schema-driven fuzz', () => {
  let port = 0
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    port = (t.app.server.address() as AddressInfo).port
  })

  it('answers every request as openapi.yaml and the contract say', async () => {
    const report = await runFuzz({ port, runs: 400, seed, bodyLimit: testConfig.bodyLimit, concurrency: 4 })
    expect(report.violations.size, formatReport(report)).toBe(0)
  }, 120_000)

  it('never runs out of API keys, however many its cases retire', async () => {
    const keys = new KeyPool({ port, seed: seed + 1, bodyLimit: testConfig.bodyLimit })
    await keys.issue()
    for (let round = 0; round < 4; round += 1) {
      const key = keys.pick(round)
      await keys.retire(key)
      expect(keys.wasRetired(key)).toBe(true)
      expect([0, 1, 2].map((index) => keys.pick(index))).not.toContain(key)
    }
  })
})

describe("the fuzz's HTTP client", () => {
  const parse = (text: string, method = 'GET', ended = false): ReturnType<typeof parseResponse> => parseResponse(Buffer.from(text), 0, method, ended)

  it('reads bodies framed by length, by chunks and by the end of the connection, and none for HEAD', () => {
    expect(parse('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}rest')).toMatchObject({ response: { status: 200, body: Buffer.from('{}') }, end: 40 })
    expect(parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n')).toMatchObject({ response: { body: Buffer.from('[]') } })
    expect(parse('HTTP/1.1 200 OK\r\n\r\nuntil close')).toBe('incomplete')
    expect(parse('HTTP/1.1 200 OK\r\n\r\nuntil close', 'GET', true)).toMatchObject({ response: { body: Buffer.from('until close') } })
    expect(parse('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n', 'HEAD')).toMatchObject({ response: { body: Buffer.alloc(0) } })
    expect(parse('{"error":"Bad Request"}')).toBe('incomplete')
    expect(parse('{"error":"Bad Request"}\r\n\r\n')).toBe('malformed')
  })

  it('tells a server that closes after saying Connection: close from one that does not', async () => {
    const answers = ['HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}', 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}']
    let next = 0
    const server = createServer((socket: Socket) => { socket.once('data', () => { socket.end(answers[next++] ?? '') }) })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const send = async (): ReturnType<typeof exchange> => await exchange({ port, host: '127.0.0.1', bytes: Buffer.from('GET / HTTP/1.1\r\n\r\n'), methods: ['GET'], halfClose: false, timeoutMs: 5000, probe: Buffer.from('GET / HTTP/1.1\r\n\r\n') })
    expect(await send()).toMatchObject({ outcome: 'answered', closedAfterResponse: true })
    expect(await send()).toMatchObject({ outcome: 'answered', closedAfterResponse: false })
    server.close()
  })
})
