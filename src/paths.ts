import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The same code runs from src/ (tsx, vitest) and from dist/src/ (npm start, Docker), so the
// project's files (openapi.yaml, sql/) are found from the nearest package.json upwards.
function findRoot (from: string): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json above ${from}`)
    dir = parent
  }
  return dir
}

export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)))
export const specPath = join(projectRoot, 'openapi.yaml')
export const migrationsDir = join(projectRoot, 'sql')
