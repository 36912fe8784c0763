// Every route's method and path template, for the answers that need to know what a path serves
// when no route matched it: 405 with Allow, a preflight-less OPTIONS, a URL the router could not
// even read (which parameter it failed on).
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** The name of the parameter of the route that `path` matches, if any. */
    paramNameAt: (path: string) => string | undefined
    /** The methods served at `path` (empty for a path no route has). */
    methodsAt: (path: string) => string[]
  }
}

interface Route {
  method: string
  pattern: RegExp
  params: string[]
}

function routeOf (method: string, url: string): Route {
  const segments = url.replace(/\/+$/, '').split('/')
  const source = segments
    // A parameter is never empty: `/api/read/` is the route without its id (`/api/read`).
    .map((segment) => segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('/')
  const params = segments.filter((segment) => segment.startsWith(':')).map((segment) => segment.slice(1))
  return { method, pattern: new RegExp(`^${source}/?$`), params }
}

async function routeTable (app: FastifyInstance): Promise<void> {
  const routes: Route[] = []
  app.addHook('onRoute', (route) => {
    // The CORS plugin's catch-all OPTIONS route answers preflights only (see plugins/cors.ts).
    if (route.url === '*') return
    for (const method of ([] as string[]).concat(route.method)) routes.push(routeOf(method, route.url))
  })
  app.decorate('methodsAt', (path: string) => [...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method))])
  // A path the router could not read is matched here against the route templates, undecoded, so
  // that its failure can name the route's parameter (every parameterized route has one).
  app.decorate('paramNameAt', (path: string) => routes.find((route) => route.params.length > 0 && route.pattern.test(path))?.params[0])
}

export default fp(routeTable, { name: 'route-table' })
