// scripts/check-deploy.ts (`npm run check:deploy`, run by CI): the repository's manifests pass,
// and a manifest with unknown fields, wrong types or an unknown kind fails, at the right lines.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkDeploy } from '../scripts/check-deploy.js'
import { projectRoot } from '../src/paths.js'

// One TypeScript program per round over every manifest: seconds, more on a busy machine.
const timeout = 120_000

describe('check:deploy', () => {
  let dir: string
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'phoenix-check-deploy-')) })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  it('finds nothing wrong with deploy/', async () => {
    const { problems, objects } = await checkDeploy(join(projectRoot, 'deploy'))
    expect(problems).toEqual([])
    expect(objects).toBeGreaterThanOrEqual(15)
  }, timeout)

  it('names every unknown field at any depth, wrong types and values, and kinds it has no schema for', async () => {
    const bad = join(dir, 'bad')
    await cp(join(projectRoot, 'deploy', 'kubernetes'), bad, { recursive: true })
    const deployment = join(bad, 'phoenix-deployment.yaml')
    const text = await readFile(deployment, 'utf8')
    const edited = text
      .replace('  replicas: 3\n', '  replicas: "3"\n  paused: false\n  pasued: true\n')
      .replace('            periodSeconds: 2\n', '            periodSecs: 2\n')
      .replace('          imagePullPolicy: IfNotPresent\n', '          imagePullPolicy: Sometimes\n')
      .replace('              memory: 256Mi\n', '              memory: lots\n')
    expect(edited).not.toBe(text)
    await writeFile(deployment, edited)
    await writeFile(join(bad, 'widget.example.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n')
    const { problems } = await checkDeploy(bad)
    const found = problems.map(({ file, line, message }) => `${file.split('/').at(-1)}:${line}: ${message}`)
    const lineOf = (needle: string): number => edited.split('\n').findIndex((line) => line.includes(needle)) + 1
    expect(found).toEqual(expect.arrayContaining([
      `phoenix-deployment.yaml:${lineOf('replicas: "3"')}: spec.replicas: must be integer`,
      expect.stringMatching(new RegExp(`^phoenix-deployment\\.yaml:${lineOf('pasued')}: spec\\.pasued: .*'"pasued"' does not exist`)),
      expect.stringMatching(new RegExp(`^phoenix-deployment\\.yaml:${lineOf('periodSecs')}: spec\\.template\\.spec\\.containers\\[0\\]\\.startupProbe\\.periodSecs: .*does not exist`)),
      `phoenix-deployment.yaml:${lineOf('Sometimes')}: spec.template.spec.containers[0].imagePullPolicy: must be equal to one of the allowed values`,
      expect.stringMatching(new RegExp(`^phoenix-deployment\\.yaml:${lineOf('memory: lots')}: spec\\.template\\.spec\\.containers\\[0\\]\\.resources\\.requests\\.memory: .*quantity`)),
      'widget.example.yaml:2: no schema for apiVersion "example.com/v1", kind "Widget" in kubernetes-models'
    ]))
    expect(found.filter((problem) => problem.includes('paused'))).toEqual([])
  }, timeout)

  it('requires the kustomization to list every manifest beside it and only fields it knows', async () => {
    const unlisted = join(dir, 'unlisted')
    await cp(join(projectRoot, 'deploy', 'kubernetes'), unlisted, { recursive: true })
    const kustomization = join(unlisted, 'kustomization.yaml')
    const text = await readFile(kustomization, 'utf8')
    await writeFile(kustomization, text.replace('  - redis.yaml\n', '').replace('namespace: phoenix\n', 'namespace: phoenix\ncommonLabels:\n  a: b\n'))
    const { problems } = await checkDeploy(unlisted)
    expect(problems.map(({ message }) => message)).toEqual(expect.arrayContaining([expect.stringMatching(/^commonLabels: /)]))
    await writeFile(kustomization, text.replace('  - redis.yaml\n', ''))
    const second = await checkDeploy(unlisted)
    expect(second.problems.map(({ message }) => message)).toEqual(['resources: redis.yaml is not listed (name it *.example.yaml if it is not to be applied)'])
  }, timeout)
})
