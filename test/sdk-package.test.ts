// The SDK as another project gets it: `npm pack` in sdk/ (which builds it), the tarball installed
// into an empty project, a program there type-checked by tsc (strict, NodeNext, no Node types:
// the package must need nothing but the DOM's fetch types) and run by node against a live server.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/app.js'
import { projectRoot } from '../src/paths.js'
import { testConfig, useDatabase } from './helper.js'

const run = promisify(execFile)
const database = useDatabase()
// Under `npm test`, npm's own variables (npm_config_*, npm_package_*) would configure the inner npm runs.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)))
const npm = async (args: string[], cwd: string) => await run('npm', args, { cwd, env, timeout: 90_000 })

interface Packed {
  name: string
  filename: string
  size: number
  unpackedSize: number
  files: Array<{ path: string }>
}

let app: FastifyInstance
let base: string
let dir: string
let consumer: string
let packed: Packed

beforeAll(async () => {
  app = await build({ config: testConfig, databaseUrl: database.url() })
  base = await app.listen({ host: '127.0.0.1', port: 0 })
  dir = await mkdtemp(join(tmpdir(), 'phoenix-sdk-package-'))
  const { stdout } = await npm(['pack', '--json', '--pack-destination', dir], join(projectRoot, 'sdk'))
  packed = (JSON.parse(stdout) as Packed[])[0]!
  consumer = join(dir, 'consumer')
  await mkdir(consumer)
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  // --prefer-offline: openapi-fetch comes from npm's cache, which the repository's own install filled.
  await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed.filename)], consumer)
}, 180_000)
afterAll(async () => {
  await app.close()
  await rm(dir, { recursive: true, force: true })
})

async function sizeOf (path: string): Promise<number> {
  const info = await stat(path)
  if (!info.isDirectory()) return info.size
  let total = 0
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry))
  return total
}

// tsc and two node processes: well within this under a loaded full run.
const slow = { timeout: 90_000 }

describe('the packed SDK', () => {
  it('holds the built ESM, its declarations, the README and package.json, and is small', () => {
    expect(packed.name).toBe('phoenix-records-client')
    const paths = packed.files.map((file) => file.path).sort()
    expect(paths).toEqual(expect.arrayContaining(['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/openapi.d.ts']))
    for (const path of paths) expect(path).toMatch(/^(README\.md|package\.json|dist\/[a-z]+\.(js|d\.ts))$/)
    expect(packed.size).toBeLessThan(40_000)
    expect(packed.unpackedSize).toBeLessThan(250_000)
  })

  it('installs with openapi-fetch as its only dependency, and no install script', slow, async () => {
    interface Tree { dependencies?: { [name: string]: Tree } }
    const { stdout } = await npm(['ls', '--all', '--json'], consumer)
    const tree = JSON.parse(stdout) as Tree
    const sdk = tree.dependencies?.['phoenix-records-client']
    expect(Object.keys(sdk?.dependencies ?? {})).toEqual(['openapi-fetch'])
    const names = (node: Tree): string[] => Object.entries(node.dependencies ?? {}).flatMap(([name, child]) => [name, ...names(child)])
    // openapi-typescript-helpers is openapi-fetch's own (types-only) dependency.
    expect(names(tree).sort()).toEqual(['openapi-fetch', 'openapi-typescript-helpers', 'phoenix-records-client'])
    const lock = JSON.parse(await readFile(join(consumer, 'package-lock.json'), 'utf8')) as { packages: { [path: string]: { hasInstallScript?: boolean } } }
    expect(Object.values(lock.packages).filter((entry) => entry.hasInstallScript === true)).toEqual([])
    expect(await sizeOf(join(consumer, 'node_modules'))).toBeLessThan(1_000_000)
  })

  it('type-checks in a strict NodeNext project and runs against a live server', slow, async () => {
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        types: [],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmitOnError: true,
        outDir: 'out'
      },
      include: ['main.ts']
    }))
    await writeFile(join(consumer, 'main.ts'), `
import { createPhoenixClient, etagOf, PhoenixError, type PhoenixClient, type Record } from 'phoenix-records-client'

export function typesComeFromTheSpec (client: PhoenixClient): void {
  // @ts-expect-error value2 is a number (or null) in the spec
  void client.createRecord({ value2: '12' })
}

const phoenix = createPhoenixClient({ baseUrl: ${JSON.stringify(base)} })
const username = \`package_\${Date.now()}\`
const { data: issued, error } = await phoenix.generateKey(username)
if (issued === undefined) throw new Error(error.message)
const mine = phoenix.withApiKey(issued.api_key)
const created = await mine.createRecord({ value1: 'from the tarball', value3: true })
if (created.data === undefined) throw new Error(created.error.message)
const read = await phoenix.readRecord(created.data.record_info.id)
await mine.bulkCreateRecords([{ value2: 1 }, { value2: 2 }])
const listed: Record[] = []
for await (const record of phoenix.records({ lastmodifiedby: username, limit: 2 })) listed.push(record)
let failed: number | undefined
try {
  for await (const record of phoenix.records({ limit: 0 })) listed.push(record)
} catch (failure) {
  if (failure instanceof PhoenixError) failed = failure.status
}
console.log(JSON.stringify({ username, read: read.data?.record_info, etag: etagOf(read.response), listed: listed.map((record) => record.value2), failed }))
`)
    await run(process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], { cwd: consumer, timeout: 60_000 })
      .catch((failure: { stdout?: string }) => { throw new Error(`tsc failed:\n${failure.stdout ?? String(failure)}`) })
    const { stdout } = await run(process.execPath, [join(consumer, 'out', 'main.js')], { cwd: consumer, timeout: 30_000 })
    const result = JSON.parse(stdout) as { username: string, read: object, etag: string, listed: Array<number | null>, failed: number }
    expect(result.read).toMatchObject({ value1: 'from the tarball', value2: null, value3: true, lastmodifiedby: result.username })
    expect(result.etag).toBe('"1"')
    expect(result.listed).toEqual([null, 1, 2])
    expect(result.failed).toBe(400)
  })
})
