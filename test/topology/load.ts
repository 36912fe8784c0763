// Steady mixed load through the load balancer, as careful clients send it: creates with an
// Idempotency-Key (retried with the same key until acknowledged), modifies with If-Match, reads
// that ask to see the client's own last write, and full lists. Every answer is kept as an outcome.
import { setTimeout as delay } from 'node:timers/promises'

/** The read-your-writes token: a write returns it, a read presents it (README › Read replicas). */
export const tokenHeader = 'phoenix-consistency-token'

export interface Outcome {
  phase: string
  route: 'create' | 'modify' | 'read' | 'list'
  /** The HTTP status, or 'no answer' when the connection failed. */
  status: number | 'no answer'
  /** A read older than the client's own last write (read-your-writes broken). */
  stale?: boolean
}

export interface Acknowledged {
  id: number
  value1: string
  value2: number
  etag: string
  token: string | undefined
}

async function send (url: string, init: RequestInit): Promise<Response | undefined> {
  return await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) }).catch(() => undefined)
}

export class Load {
  phase = 'start'
  readonly outcomes: Outcome[] = []
  /** Every create acknowledged, by its Idempotency-Key (= value1), with its latest acknowledged state. */
  readonly acknowledged = new Map<string, Acknowledged>()
  private running = true
  private readonly workers: Array<Promise<void>>

  constructor (private readonly base: string, keys: string[]) {
    this.workers = keys.map(async (key, worker) => { await this.work(key, worker) })
  }

  failures (phase?: string): Outcome[] {
    return this.outcomes.filter((outcome) => (phase === undefined || outcome.phase === phase) &&
      (outcome.stale === true || outcome.status === 'no answer' || ![200, 201].includes(outcome.status)))
  }

  count (phase: string): number { return this.outcomes.filter((outcome) => outcome.phase === phase).length }

  async stop (): Promise<void> {
    this.running = false
    await Promise.all(this.workers)
  }

  private note (outcome: Omit<Outcome, 'phase'>): void { this.outcomes.push({ phase: this.phase, ...outcome }) }

  private async work (key: string, worker: number): Promise<void> {
    const headers = { 'api-key': key, 'content-type': 'application/json' }
    for (let n = 1; this.running; n++) {
      // Create, retried with the same key until acknowledged: one record whatever happened.
      const value1 = `w${worker}-${n}`
      let created: Acknowledged | undefined
      for (let attempt = 0; created === undefined && attempt < 50; attempt++) {
        const response = await send(`${this.base}/api/create`, { method: 'POST', headers: { ...headers, 'idempotency-key': value1 }, body: JSON.stringify({ value1, value2: n }) })
        this.note({ route: 'create', status: response?.status ?? 'no answer' })
        if (response?.status === 201) {
          const body = await response.json() as { record_info: { id: number } }
          created = { id: body.record_info.id, value1, value2: n, etag: response.headers.get('etag') ?? '', token: response.headers.get(tokenHeader) ?? undefined }
        } else {
          await response?.arrayBuffer()
          await delay(100)
        }
      }
      if (created === undefined) continue
      this.acknowledged.set(value1, created)

      const modified = await send(`${this.base}/api/modify/${created.id}`, { method: 'PATCH', headers: { ...headers, 'if-match': created.etag }, body: JSON.stringify({ value2: n + 0.5 }) })
      this.note({ route: 'modify', status: modified?.status ?? 'no answer' })
      if (modified?.status === 200) {
        Object.assign(created, { value2: n + 0.5, etag: modified.headers.get('etag') ?? '', token: modified.headers.get(tokenHeader) ?? undefined })
      }
      await modified?.arrayBuffer()
      // A modify without an answer may or may not have been applied: no expectation of the read.
      const known = modified?.status === 200

      const read = await send(`${this.base}/api/read/${created.id}`, { headers: created.token === undefined ? {} : { [tokenHeader]: created.token } })
      if (read?.status === 200) {
        const body = await read.json() as { record_info: { value2: number } }
        this.note({ route: 'read', status: 200, stale: known && (body.record_info.value2 !== created.value2 || read.headers.get('etag') !== created.etag) })
      } else {
        await read?.arrayBuffer()
        this.note({ route: 'read', status: read?.status ?? 'no answer' })
      }

      if (n % 25 === 0) {
        const list = await send(`${this.base}/api/list`, {})
        this.note({ route: 'list', status: list?.status ?? 'no answer' })
        await list?.arrayBuffer()
      }
    }
  }
}
