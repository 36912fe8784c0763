// Paged reads (the list with `limit`, a record's history) followed to their end: each page's
// `Link: <…>; rel="next"` (RFC 8288) names the next one, so the client never builds page URLs.
import type { components } from './openapi.js'

type Failure = components['schemas']['Failure']

/** Thrown by the iterators (records(), history()) when a page is answered with a failure. */
export class PhoenixError extends Error {
  /** The HTTP status of the failed answer. */
  readonly status: number
  /** Its body, when it is the API's failure envelope. */
  readonly failure: Failure | undefined
  readonly response: Response

  constructor (response: Response, failure: Failure | undefined) {
    super(failure?.message ?? `Phoenix answered ${response.status}`)
    this.name = 'PhoenixError'
    this.status = response.status
    this.failure = failure
    this.response = response
  }
}

/** The target of the `rel="next"` link in a Link header, if any. */
export function nextLink (header: string | null): string | undefined {
  for (const [, target, params = ''] of (header ?? '').matchAll(/<([^>]*)>([^,]*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(params)
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
    if (relations.includes('next')) return target
  }
  return undefined
}

/** A page as openapi-fetch returns it. */
export interface PageResult<Body> {
  data?: Body | undefined
  error?: Failure | undefined
  response: Response
}

/**
 * Yields the items of the first page (requested once iteration starts) and of every page after
 * it; a page that fails throws a PhoenixError (after the items of the pages before it).
 */
export async function * followPages<Body, Item> (
  first: () => Promise<PageResult<Body>>,
  itemsOf: (body: Body) => Item[],
  fetcher: (request: Request) => Promise<Response>,
  baseUrl: string
): AsyncGenerator<Item> {
  let page = await first()
  for (;;) {
    if (page.data === undefined) throw new PhoenixError(page.response, page.error)
    yield * itemsOf(page.data)
    const next = nextLink(page.response.headers.get('link'))
    if (next === undefined) return
    const response = await fetcher(new Request(new URL(next, page.response.url === '' ? baseUrl : page.response.url), {
      headers: { accept: 'application/json' }
    }))
    const body: unknown = await response.json().catch(() => undefined)
    page = response.ok ? { data: body as Body, response } : { error: body as Failure | undefined, response }
  }
}
