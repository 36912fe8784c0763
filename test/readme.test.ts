// The README's curl examples, run as written (only the base URL changed) by bash and curl against
// the live server on a fresh database; each must answer the status its `# NNN` comment gives.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
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
let app: FastifyInstance
let base: string

beforeAll(async () => {
  app = await build({ config: testConfig, databaseUrl: database.url() })
  base = await app.listen({ host: '127.0.0.1', port: 0 })
})
afterAll(async () => { await app.close() })

async function codeBlocks (heading: string, language: string): Promise<string[]> {
  const readme = await readFile(join(projectRoot, 'README.md'), 'utf8')
  const start = readme.indexOf(heading)
  expect(start, heading).toBeGreaterThanOrEqual(0)
  const section = readme.slice(start, readme.indexOf('\n## ', start + heading.length))
  return [...section.matchAll(new RegExp(`\`\`\`${language}\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1]!)
}

describe('README curl examples', () => {
  it('each answer the status the README shows', async () => {
    const blocks = (await codeBlocks('### Try it with curl', 'sh')).filter((block) => block.includes('curl'))
    const script = blocks.join('\n')
    const expected = [...script.matchAll(/# (\d{3})\s*$/gm)].map((match) => Number(match[1]))
    expect(expected.length).toBeGreaterThanOrEqual(10)
    expect((script.match(/\bcurl /g) ?? []).length).toBe(expected.length)
    // curl writes each status to stderr (%{stderr}), so what the commands print and pipe is untouched.
    const wrapper = 'curl () { command curl -w \'%{stderr}STATUS %{http_code}\\n\' "$@"; }\nset -e\n'
    const { stdout, stderr } = await run('bash', ['-c', wrapper + script.replaceAll('http://127.0.0.1:3000', base)], { timeout: 30_000 })
    const statuses = [...stderr.matchAll(/^STATUS (\d{3})$/gm)].map((match) => Number(match[1]))
    expect(statuses).toEqual(expected)
    expect(stdout).toContain('Congrats! Your API Key has been created!')
  })
})

describe('README SDK example', () => {
  it('runs as written (with the SDK imported from its source, not its build) and prints the created record', async () => {
    const [example] = await codeBlocks('## TypeScript SDK', 'ts')
    expect(example).toContain("from 'phoenix-records-client'")
    const dir = await mkdtemp(join(tmpdir(), 'phoenix-readme-'))
    try {
      const file = join(dir, 'try-sdk.mts') // .mts: ESM outside this package, as try-sdk.ts is inside it
      await writeFile(file, example!
        .replace("'phoenix-records-client'", JSON.stringify(join(projectRoot, 'sdk', 'src', 'index.ts')))
        .replace('http://127.0.0.1:3000', base))
      const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: projectRoot, timeout: 30_000 })
      expect(stdout).toContain("value1: 'Hello'")
      expect(stdout).toMatch(/\d+ records/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
