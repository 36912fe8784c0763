// The API keys the fuzz's cases carry: keys it issues itself, and those the server hands out to
// its cases (a generated or a rotated key). A case that may rotate or revoke the key it carries
// retires that key before it is sent, so a case refused with 401 because of it — even one already
// on its way — is excused, and no later case is given a key that no longer works.
import fc from 'fast-check'
import { operations, type Operation } from '../spec.js'
import { parseJson } from './checks.js'
import { exchange } from './http.js'
import { operationRequest } from './requests.js'
import { host, probe, resolveParts, serialize } from './wire.js'

// Keys left in use after a retirement: with fewer, a fresh one is issued first.
const fewest = 2

/** Whether a request to `operation` with a valid key may leave that key unusable. */
export function mayRetireKey (operation: Operation | undefined): boolean {
  // The secured operations among the key operations (rotate, revoke) act on the key they are sent with.
  return operation !== undefined && operation.security.length > 0 && operation.tags.includes('keys')
}

// The key issuer: an operation without security whose success hands out an `api_key`.
const issuer = operations.find((operation) => operation.method === 'POST' && operation.security.length === 0 &&
  Object.values<any>(operation.responses).some((response) => response.content?.['application/json']?.schema?.properties?.api_key !== undefined))

/** A fresh key from the issuer, for one of the valid usernames that `seed` generates. */
export async function issueKey (port: number, seed: number, bodyLimit: number): Promise<string> {
  if (issuer === undefined) throw new Error('openapi.yaml has no operation that issues an api_key')
  const requests = fc.sample(operationRequest(issuer, bodyLimit).filter((request) => request.expect === 'valid' && request.body === undefined), { seed, numRuns: 20 })
  for (const request of requests) {
    const bytes = resolveParts(serialize({ ...request, headers: [['connection', 'close']] }), { key: () => '', id: () => '1' })
    const result = await exchange({ port, host, bytes, methods: [issuer.method], halfClose: false, timeoutMs: 10_000, probe })
    const key = (parseJson(result.responses[0]?.body ?? Buffer.alloc(0)) as { api_key?: unknown } | undefined)?.api_key
    if (typeof key === 'string') return key
  }
  throw new Error(`could not issue a key with ${issuer.method} ${issuer.template}`)
}

export class KeyPool {
  private readonly keys: string[] = []
  private readonly retired = new Set<string>()
  private issued = 0

  constructor (private readonly options: { port: number, seed: number, bodyLimit: number }) {}

  /** Issues a key of its own; every call asks for other usernames (the same ones would be taken). */
  async issue (): Promise<void> {
    const { port, seed, bodyLimit } = this.options
    this.issued += 1
    this.keys.push(await issueKey(port, (seed + this.issued * 7919) | 0, bodyLimit))
  }

  pick (index: number): string {
    const key = this.keys[index % this.keys.length]
    if (key === undefined) throw new Error('the fuzz has no API key left')
    return key
  }

  add (keys: string[]): void {
    this.keys.push(...keys.filter((key) => !this.retired.has(key)))
  }

  /** Takes `key` out of use for good, issuing a fresh key first when too few others are left. */
  async retire (key: string): Promise<void> {
    while (this.keys.filter((item) => item !== key).length < fewest) await this.issue()
    this.retired.add(key)
    this.keys.splice(0, this.keys.length, ...this.keys.filter((item) => item !== key))
  }

  /** Whether `key` has been retired by now: a 401 with it may be a rotation's or a revocation's doing. */
  wasRetired (key: string): boolean {
    return this.retired.has(key)
  }
}
