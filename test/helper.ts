// Shared setup: each test file gets a fresh database on the run's PostgreSQL server and an app
// built exactly as the server builds it. Every response a test sees is checked against
// openapi.yaml (see spec.ts), so the suite as a whole proves the spec tells the truth.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import postgres, { type Sql } from 'postgres'
import { afterAll, beforeAll, inject } from 'vitest'
import { build, type BuildOptions } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { checkResponse } from './spec.js'

export interface Response {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The parsed JSON body (undefined for a non-JSON body). */
  body: any
  text: string
}

export interface RequestOptions {
  headers?: Record<string, string>
  /** Sent as JSON with `content-type: application/json`. */
  json?: unknown
  /** Sent as it is; set the content type in `headers`. */
  payload?: string | Buffer
}

export interface TestApp {
  app: FastifyInstance
  /** A connection to this file's database, for reading what the API stored. */
  sql: Sql
  databaseUrl: string
  request: (method: string, url: string, options?: RequestOptions) => Promise<Response>
  /** Issues a key for a fresh unique username (or the one given) and returns it. */
  issueKey: (username?: string) => Promise<{ username: string, key: string }>
  /** Creates a record with a fresh key unless one is given; returns its record_info. */
  createRecord: (fields: Record<string, unknown>, key?: string) => Promise<any>
  /** Every log line the app wrote (captured only when `useApp` was asked to). */
  logs: string[]
}

/**
 * The defaults of every setting (an empty environment), quieter, with a smaller pool, and without
 * the abuse limits, which the tests that issue many keys would hit (test/limits.test.ts has them).
 */
export const testConfig: BuildOptions['config'] = { ...loadConfig({ KEY_ISSUE_PER_MINUTE: '0', WRITES_PER_SECOND: '0' }), logLevel: 'silent', dbPoolMax: 5 }

export function databaseUrlFor (adminUrl: string, database: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

/** Creates a database for this file and drops it (with every connection to it) after the file. */
export function useDatabase (): { url: () => string, admin: () => Sql } {
  const adminUrl = inject('adminUrl')
  const name = `phoenix_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  beforeAll(async () => {
    await admin.unsafe(`CREATE DATABASE ${name}`)
  })
  afterAll(async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  })
  return { url: () => databaseUrlFor(adminUrl, name), admin: () => admin }
}

let usernames = 0
export function uniqueUsername (prefix = 'user'): string {
  usernames += 1
  return `${prefix}_${usernames}_${randomBytes(3).toString('hex')}`
}

/** Rejects once `ms` have passed, so that a hang fails the test instead of stalling it. */
export async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** The parsed JSON of a body, or undefined when it is not JSON. */
export function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Sends a request over the network to `base` and checks the response against openapi.yaml. */
export async function fetchChecked (base: string, method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers = options.json === undefined ? options.headers : { 'content-type': 'application/json', ...options.headers }
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.json === undefined ? options.payload : JSON.stringify(options.json),
    signal: AbortSignal.timeout(10_000)
  })
  const text = await response.text()
  const result: Response = { status: response.status, headers: Object.fromEntries(response.headers), body: parseJson(text), text }
  checkResponse(method, path, result)
  return result
}

/** Sends requests to `app` with inject and checks every response against openapi.yaml. */
export function requester (app: FastifyInstance): TestApp['request'] {
  return async (method, url, { headers = {}, json, payload } = {}) => {
    const allHeaders = json === undefined ? headers : { 'content-type': 'application/json', ...headers }
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: allHeaders,
      payload: json === undefined ? payload : JSON.stringify(json)
    })
    const result: Response = { status: response.statusCode, headers: response.headers as Response['headers'], body: parseJson(response.body), text: response.body }
    checkResponse(method, url, result)
    return result
  }
}

export interface UseAppOptions {
  migrate?: boolean
  /** Settings that differ from testConfig. */
  config?: Partial<BuildOptions['config']>
  /** Keep the app's log lines in `logs` instead of discarding them. */
  captureLogs?: boolean
}

export function useApp (options: UseAppOptions = {}): TestApp {
  const database = useDatabase()
  const context = { logs: [] as string[] } as TestApp

  beforeAll(async () => {
    context.databaseUrl = database.url()
    context.app = await build({
      config: { ...testConfig, ...options.config },
      databaseUrl: context.databaseUrl,
      migrate: options.migrate ?? true,
      ...(options.captureLogs === true ? { logStream: { write: (line: string) => { context.logs.push(line) } } } : {})
    })
    await context.app.ready()
    context.sql = postgres(context.databaseUrl, { max: 2, onnotice: () => {} })
  })
  afterAll(async () => {
    await context.app?.close()
    await context.sql?.end()
  })

  context.request = async (method, url, options) => await requester(context.app)(method, url, options)

  context.issueKey = async (username = uniqueUsername()) => {
    const response = await context.request('POST', `/api/generate_key/${username}`)
    if (response.status !== 201) throw new Error(`could not issue a key for ${username}: ${response.text}`)
    return { username, key: response.body.api_key as string }
  }

  context.createRecord = async (fields, key) => {
    const apiKey = key ?? (await context.issueKey()).key
    const response = await context.request('POST', '/api/create', { headers: { 'api-key': apiKey }, json: fields })
    if (response.status !== 201) throw new Error(`could not create a record: ${response.text}`)
    return response.body.record_info
  }

  return context
}
