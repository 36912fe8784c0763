// The hand-written spec, served as it is (/openapi.json, /openapi.yaml) and through Swagger UI
// (/docs, assets served locally), plus a landing page at /.
import { createHash } from 'node:crypto'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { projectRoot, specPath } from '../paths.js'

const landingStyle = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #222 }
code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px }
`
// The API's Content-Security-Policy (plugins/headers.ts) allows no style: this page's own is
// allowed by its hash, and nothing else.
const landingCsp = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(landingStyle).digest('base64')}'; frame-ancestors 'none'`

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

// The curl line names this server as the browser reached it (the Host header, escaped: a client
// chooses it).
const landingPage = (origin: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Phoenix</title>
<style>${landingStyle}</style>
</head>
<body>
<h1>Phoenix</h1>
<p>A REST API for records, with self-service API keys.</p>
<ul>
<li><a href="/docs">API documentation</a> (Swagger UI: try every route in the browser)</li>
<li>The OpenAPI 3.1 spec: <a href="/openapi.yaml">openapi.yaml</a>, <a href="/openapi.json">openapi.json</a></li>
<li>All records: <a href="/api/list">/api/list</a></li>
</ul>
<p>Get a key with <code>curl -X POST ${escapeHtml(origin)}/api/generate_key/yourname</code> and send it in the
<code>api-key</code> header to create, modify and remove records.</p>
</body>
</html>
`

// Everything from this server. Not `staticCSP: true`: its upgrade-insecure-requests makes browsers
// fetch the assets over https from any address but localhost, leaving /docs blank over plain http.
const docsCsp = [
  "default-src 'self'", "base-uri 'self'", "font-src 'self' data:", "frame-ancestors 'self'", "form-action 'self'",
  "img-src 'self' data:", "object-src 'none'", "script-src 'self'", "script-src-attr 'none'", "style-src 'self'"
].join('; ')

async function docs (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    mode: 'static',
    specification: { path: specPath, baseDir: projectRoot }
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // BaseLayout: no top bar, whose "Explore" box would load any other spec into this page.
    uiConfig: { displayOperationId: true, tryItOutEnabled: true, defaultModelsExpandDepth: 1, layout: 'BaseLayout' },
    staticCSP: docsCsp
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  app.get('/openapi.yaml', { schema: { hide: true } }, async (_request, reply) =>
    await reply.type('application/yaml; charset=utf-8').send(app.swagger({ yaml: true })))
  app.get('/', { schema: { hide: true } }, async (request, reply) =>
    await reply.type('text/html; charset=utf-8').header('content-security-policy', landingCsp).send(landingPage(`${request.protocol}://${request.host}`)))
}

export default fp(docs, { name: 'docs' })
