// One PostgreSQL server for the whole run: TEST_DATABASE_URL when set, otherwise an embedded
// cluster in a temporary directory. Test files each create their own database on it.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded.js'

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string
  }
}

let embedded: EmbeddedDatabase | undefined
let dataDir: string | undefined

export async function setup (project: TestProject): Promise<void> {
  const url = process.env.TEST_DATABASE_URL
  if (url !== undefined && url !== '') {
    project.provide('adminUrl', url)
    return
  }
  dataDir = await mkdtemp(join(tmpdir(), 'phoenix-test-'))
  embedded = await startEmbeddedDatabase({ dataDir })
  project.provide('adminUrl', embedded.url)
}

export async function teardown (): Promise<void> {
  await embedded?.stop()
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
}
