// Swagger UI at /docs in a real, headless Chromium: the page works offline (every asset comes
// from the app itself), lists every operation of openapi.yaml, and a key holder can authorize and
// create a record from it. A browser cannot use inject, so the app listens on a real socket.
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { build } from '../src/app.js'
import { projectRoot, specPath } from '../src/paths.js'
import { testConfig, uniqueUsername, useDatabase } from './helper.js'

const chromiumPath = '/usr/bin/chromium'
const hasChromium = existsSync(chromiumPath)
// A newcomer without Chromium can still run `npm test`; CI installs it (.ci/run), so there a
// missing browser fails the run instead of skipping.
const inCi = !['', '0', 'false'].includes(process.env.CI ?? '')
const skip = !hasChromium && !inCi
const skipReason = `no Chromium at ${chromiumPath} (apt-get install chromium to run these tests)`
if (skip) console.warn(`test/browser.test.ts skipped: ${skipReason}`)
const title = skip ? `Swagger UI in a real browser (skipped: ${skipReason})` : 'Swagger UI in a real browser'

const resultsDir = join(projectRoot, 'test-results')
// Every wait is bounded: rendering the spec and a local round trip take well under a second.
const uiTimeout = 15_000

interface Operation {
  method: string
  path: string
  operationId: string
  summary: string
  tag: string
  deprecated: boolean
}

async function specOperations (): Promise<Operation[]> {
  const spec = parse(await readFile(specPath, 'utf8')) as { paths: Record<string, Record<string, any>> }
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (typeof operation?.operationId !== 'string') continue
      operations.push({
        method,
        path,
        operationId: operation.operationId,
        summary: operation.summary,
        tag: operation.tags?.[0] ?? 'default',
        deprecated: operation.deprecated === true
      })
    }
  }
  return operations
}

// vitest's expect has no web-first assertions: wait (bounded) for the element, then read it,
// with runs of white space (Swagger UI uses non-breaking spaces and line breaks) made one space.
async function textOf (locator: Locator): Promise<string> {
  await locator.waitFor({ timeout: uiTimeout })
  return (await locator.innerText({ timeout: uiTimeout })).replace(/\s+/g, ' ').trim()
}

function isLocal (url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost'
}

describe.skipIf(skip)(title, { timeout: 60_000 }, () => {
  const database = useDatabase()
  let app: FastifyInstance | undefined
  let base: string
  let browser: Browser | undefined
  let context: BrowserContext
  let page: Page
  let offsiteRequests: string[]
  let consoleErrors: string[]
  // Console errors a test expects (set by the test, checked after it).
  let expectedConsoleErrors: RegExp[]

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI is set but there is no Chromium at ${chromiumPath}: .ci/run should have installed it`)
    app = await build({ config: testConfig, databaseUrl: database.url() })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    })
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    context.setDefaultTimeout(uiTimeout)
    context.setDefaultNavigationTimeout(uiTimeout)
    // Offline: anything not served by the app itself is recorded and refused.
    await context.route((url) => !isLocal(url), async (route) => {
      offsiteRequests.push(route.request().url())
      await route.abort('blockedbyclient')
    })
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  beforeEach(async () => {
    offsiteRequests = []
    consoleErrors = []
    expectedConsoleErrors = []
    page = await context.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => { consoleErrors.push(String(error)) })
  })

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      await mkdir(resultsDir, { recursive: true })
      await page.screenshot({ path: join(resultsDir, `swagger-ui-failed-${task.name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {})
    }
    await page.close()
    expect(offsiteRequests, 'requests that tried to leave the machine').toEqual([])
    expect(consoleErrors.filter((text) => !expectedConsoleErrors.some((expected) => expected.test(text))), 'console errors').toEqual([])
  })

  it('lists every operation of openapi.yaml with its operationId, summary and path', async () => {
    await page.goto(`${base}/docs`)
    const operations = await specOperations()
    expect(operations.length).toBeGreaterThan(0)
    for (const operation of operations) {
      const block = page.locator(`#operations-${operation.tag}-${operation.operationId}`)
      const label = `${operation.method.toUpperCase()} ${operation.path} (${operation.operationId})`
      expect(await textOf(block.locator('.opblock-summary-operation-id')), label).toBe(operation.operationId)
      expect(await textOf(block.locator('.opblock-summary-method')), label).toBe(operation.method.toUpperCase())
      expect(await textOf(block.locator('.opblock-summary-description')), label).toBe(operation.summary)
      // A deprecated operation is greyed out and its path struck through.
      const path = block.locator(operation.deprecated ? '.opblock-summary-path__deprecated' : '.opblock-summary-path')
      await path.waitFor()
      expect(await path.getAttribute('data-path'), label).toBe(operation.path)
      expect(await block.getAttribute('class'), label).toContain(operation.deprecated ? 'opblock-deprecated' : `opblock-${operation.method}`)
    }
    expect(await page.locator('.opblock').count()).toBe(operations.length)
  })

  it('creates a record with a key given to Authorize, through Try it out and Execute', async () => {
    const username = uniqueUsername('browser')
    const issued = await fetch(`${base}/api/generate_key/${username}`, { method: 'POST' })
    expect(issued.status).toBe(201)
    const key = (await issued.json() as { api_key: string }).api_key

    await page.goto(`${base}/docs`)
    const authorize = page.locator('.auth-wrapper button.authorize')
    await authorize.click()
    const dialog = page.locator('.dialog-ux .modal-ux')
    await dialog.waitFor()
    const scheme = await textOf(dialog.locator('.auth-container'))
    expect(scheme).toContain('ApiKey (apiKey)')
    expect(scheme).toContain('Name: api-key')
    expect(scheme).toContain('In: header')
    await dialog.getByLabel('Value:').fill(key)
    // The button reads "Authorize" but its accessible name is its aria-label, "Apply credentials".
    await dialog.getByRole('button', { name: 'Apply credentials' }).filter({ hasText: 'Authorize' }).click()
    await dialog.getByRole('heading', { name: 'Authorized' }).waitFor()
    await dialog.getByRole('button', { name: 'Close' }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect(await authorize.getAttribute('class')).toMatch(/\blocked\b/)

    const create = page.locator('#operations-records-createRecord')
    await create.locator('.opblock-summary-control').click()
    // With `tryItOutEnabled: true` the form opens ready to edit and the button reads "Cancel".
    const tryItOut = create.locator('button.try-out__btn')
    if (await textOf(tryItOut) === 'Try it out') await tryItOut.click()
    const editor = create.locator('textarea.body-param__text')
    const record = { value1: 'from the browser', value2: 1.5, value3: true }
    await editor.fill(JSON.stringify(record, null, 2))
    const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/create', { timeout: uiTimeout })
    await create.getByRole('button', { name: 'Execute' }).click()
    const response = await answered
    expect(response.request().method()).toBe('POST')
    expect(response.request().postDataJSON()).toEqual(record)
    expect(await response.request().headerValue('api-key')).toBe(key)
    expect(response.status()).toBe(201)
    const id = (await response.json() as { record_info: { id: number } }).record_info.id

    const shown = create.locator('.live-responses-table tbody tr.response')
    expect(await textOf(shown.locator('.response-col_status'))).toBe('201')
    const details = await textOf(shown.locator('.response-col_description'))
    expect(details).toContain('Your entry has successfully been added to the database!')
    expect(details).toContain('"value1": "from the browser"')
    expect(details).toContain(`"lastmodifiedby": "${username}"`)
    expect(details).toContain(`location: /api/read/${id}`)

    await mkdir(resultsDir, { recursive: true })
    await page.screenshot({ path: join(resultsDir, 'swagger-ui-create.png'), fullPage: true })

    const read = await fetch(`${base}/api/read/${id}`)
    expect(read.status).toBe(200)
    expect((await read.json() as { record_info: unknown }).record_info).toEqual(expect.objectContaining({ ...record, id, lastmodifiedby: username }))
  })

  it('shows the landing page with its own style allowed by its Content-Security-Policy', async () => {
    await page.goto(`${base}/`)
    // 40rem: the page's style applied (a CSP violation would also show as a console error).
    // A string: the test's TypeScript has no DOM types; this runs in the page.
    expect(await page.evaluate('getComputedStyle(document.body).maxWidth')).toBe('640px')
  })

  it('follows the change feed with an EventSource from a page on another site', async () => {
    const offsite = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end(`<!doctype html><html><body><ol id="events"></ol>
<script>
const feed = new EventSource('${base}/api/changes')
feed.onopen = () => { document.body.dataset.open = 'yes' }
for (const type of ['create', 'modify', 'remove']) {
  feed.addEventListener(type, (event) => {
    const item = document.createElement('li')
    item.textContent = event.lastEventId + ' ' + type + ' ' + JSON.parse(event.data).record.value1
    document.getElementById('events').append(item)
  })
}
</script></body></html>`)
    })
    await new Promise<void>((resolve) => offsite.listen(0, 'localhost', resolve))
    try {
      await page.goto(`http://localhost:${(offsite.address() as AddressInfo).port}/`)
      await page.locator('body[data-open="yes"]').waitFor({ state: 'attached' })
      const key = (await (await fetch(`${base}/api/generate_key/${uniqueUsername('feed')}`, { method: 'POST' })).json() as { api_key: string }).api_key
      const headers = { 'api-key': key, 'content-type': 'application/json' }
      const created = await (await fetch(`${base}/api/create`, { method: 'POST', headers, body: JSON.stringify({ value1: 'seen live' }) })).json() as { record_info: { id: number } }
      const id = created.record_info.id
      await fetch(`${base}/api/modify/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ value1: 'seen changed' }) })
      await fetch(`${base}/api/remove/${id}`, { method: 'DELETE', headers: { 'api-key': key } })
      await page.locator('#events li').nth(2).waitFor()
      const history = (await (await fetch(`${base}/api/history/${id}`)).json() as { history: Array<{ change_id: number }> }).history
      expect(await page.locator('#events li').allInnerTexts()).toEqual([
        `${history[0]!.change_id} create seen live`,
        `${history[1]!.change_id} modify seen changed`,
        `${history[2]!.change_id} remove seen changed`
      ])
    } finally {
      offsite.close()
    }
  })

  it('lets a page on another site issue a key with fetch() and read it, but not with a form', async () => {
    // Another site: the page is served from "localhost", the API is at 127.0.0.1.
    const offsite = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end(`<!doctype html><html><body>
<form id="squat" method="post" enctype="text/plain" action="${base}/api/generate_key/squatted_by_form"><input name="x" value="1"></form>
<output id="fetched"></output>
<script>
fetch('${base}/api/generate_key/issued_by_fetch', { method: 'POST' })
  .then((response) => response.json())
  .then((body) => { document.getElementById('fetched').textContent = body.api_key })
</script></body></html>`)
    })
    await new Promise<void>((resolve) => offsite.listen(0, 'localhost', resolve))
    try {
      const port = (offsite.address() as AddressInfo).port
      await page.goto(`http://localhost:${port}/`)
      await page.locator('#fetched').filter({ hasText: /^phx_/ }).waitFor()
      // The browser reports the refused navigation as a console error: that one is expected.
      expectedConsoleErrors = [/status of 403/]
      const refused = page.waitForResponse((response) => response.url().endsWith('/api/generate_key/squatted_by_form'))
      await page.locator('#squat').evaluate((form) => { (form as unknown as { submit: () => void }).submit() })
      expect((await refused).status()).toBe(403)
      expect((await fetch(`${base}/api/generate_key/issued_by_fetch`, { method: 'POST' })).status).toBe(409)
      expect((await fetch(`${base}/api/generate_key/squatted_by_form`, { method: 'POST' })).status).toBe(201)
    } finally {
      offsite.close()
    }
  })
})
