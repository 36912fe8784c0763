// The baseline Phoenix is measured against: the same requests answered with the same SQL, status
// codes and JSON, on the same postgres.js pool (src/db/client.ts), but on bare node:http, with no
// framework, no schema validation or serialization, no hooks and no logging. It accepts only
// what the benchmark sends; path parameters are checked just enough to keep bad text out of SQL.
//
// Run: DATABASE_URL=postgres://… PORT=3001 node --import tsx bench/baseline.ts (the harness runs it
// compiled, as dist/baseline/bench/baseline.js, like Phoenix from its build).
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { arrayLiteral } from '../src/db/arrays.js'
import { createSql } from '../src/db/client.js'
import { messages } from '../src/messages.js'

const databaseUrl = process.env.DATABASE_URL
if (databaseUrl === undefined || databaseUrl === '') throw new Error('DATABASE_URL is required')
const port = Number(process.env.PORT ?? 3001)
const host = process.env.HOST ?? '127.0.0.1'
// Phoenix's default pool (DB_POOL_MAX, see src/config.ts).
const poolMax = Number(process.env.DB_POOL_MAX === undefined || process.env.DB_POOL_MAX === '' ? 10 : process.env.DB_POOL_MAX)

const sql = createSql({ url: databaseUrl, poolMax, queryTimeoutSeconds: 5 })
const columns = sql`id, "timestamp", value1, value2, value3, lastmodifiedby, creationdate, lastmodificationdate`

class HttpError extends Error {
  constructor (readonly statusCode: number, message: string) {
    super(message)
  }
}

function send (response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  response.writeHead(statusCode, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers
  })
  response.end(text)
}

async function readJson<T = Record<string, unknown>> (request: IncomingMessage): Promise<T> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T
}

function recordId (text: string | undefined): number {
  if (text === undefined || !/^\d{1,10}$/.test(text) || Number(text) < 1 || Number(text) > 2147483647) {
    throw new HttpError(400, messages.idInvalid)
  }
  return Number(text)
}

function digestKey (key: string): Buffer {
  return createHash('sha256').update(key).digest()
}

// The same lookup as src/plugins/auth.ts: one query by the key's SHA-256 digest per request.
async function authenticate (request: IncomingMessage): Promise<string> {
  const key = request.headers['api-key']
  if (typeof key !== 'string' || key === '') throw new HttpError(401, messages.notAuthenticated)
  const [row] = await sql<{ username: string }[]>`
    SELECT username FROM authenticationkey WHERE key_digest = ${digestKey(key)}
  `
  if (row === undefined) throw new HttpError(401, messages.notAuthenticated)
  return row.username
}

async function list (_request: IncomingMessage, response: ServerResponse): Promise<void> {
  send(response, 200, await sql`SELECT ${columns} FROM record ORDER BY id`)
}

async function read (_request: IncomingMessage, response: ServerResponse, id: string | undefined): Promise<void> {
  const [record] = await sql`SELECT ${columns} FROM record WHERE id = ${recordId(id)}`
  if (record === undefined) throw new HttpError(404, messages.recordNotFound)
  send(response, 200, { status: 'success', message: messages.found, record_info: record })
}

async function create (request: IncomingMessage, response: ServerResponse): Promise<void> {
  const username = await authenticate(request)
  const body = await readJson(request)
  const { timestamp = null, value1 = null, value2 = null, value3 = null } = body as Record<string, string | number | boolean | null>
  const [record] = await sql`
    INSERT INTO record ("timestamp", value1, value2, value3, lastmodifiedby)
    VALUES (${timestamp}, ${value1}, ${value2}, ${value3}, ${username})
    RETURNING ${columns}
  `
  send(response, 201, { status: 'success', message: messages.created, record_info: record }, { location: `/api/read/${String(record!.id)}` })
}

type Value = string | number | boolean | null

// The same statement as src/routes/records.ts: every column one array parameter, unnested.
async function bulkCreate (request: IncomingMessage, response: ServerResponse): Promise<void> {
  const username = await authenticate(request)
  const inputs = await readJson<Array<Record<string, Value>>>(request)
  const column = (field: string): string => arrayLiteral(inputs.map((input) => input[field] ?? null))
  const records = await sql`
    WITH inserted AS (
      INSERT INTO record ("timestamp", value1, value2, value3, lastmodifiedby)
      SELECT "timestamp", value1, value2, value3, set_config('phoenix.username', ${username}, true)
      FROM unnest(${column('timestamp')}::float8[], ${column('value1')}::varchar[], ${column('value2')}::float8[], ${column('value3')}::bool[])
        WITH ORDINALITY AS input("timestamp", value1, value2, value3, position)
      ORDER BY position
      RETURNING ${columns}
    )
    SELECT ${columns} FROM inserted ORDER BY id
  `
  send(response, 201, { status: 'success', message: messages.bulkCreated, records_info: records })
}

async function modify (request: IncomingMessage, response: ServerResponse, id: string | undefined): Promise<void> {
  const username = await authenticate(request)
  const recordNumber = recordId(id)
  const fields = await readJson(request) as Record<string, string | number | boolean | null>
  const [record] = await sql`
    UPDATE record
    SET ${sql(fields, Object.keys(fields))},
        lastmodifiedby = ${username}, lastmodificationdate = now()
    WHERE id = ${recordNumber}
    RETURNING ${columns}
  `
  if (record === undefined) throw new HttpError(404, messages.recordNotFound)
  send(response, 200, { status: 'success', message: messages.modified, record_info: record })
}

async function remove (request: IncomingMessage, response: ServerResponse, id: string | undefined): Promise<void> {
  await authenticate(request)
  const [removed] = await sql`DELETE FROM record WHERE id = ${recordId(id)} RETURNING id`
  if (removed === undefined) throw new HttpError(404, messages.recordNotFound)
  send(response, 200, { status: 'success', message: messages.removed })
}

async function generateKey (_request: IncomingMessage, response: ServerResponse, username: string | undefined): Promise<void> {
  if (username === undefined || !/^[A-Za-z0-9_.-]{1,64}$/.test(username)) throw new HttpError(400, messages.usernameInvalid)
  const key = `phx_${randomBytes(32).toString('base64url')}`
  const [row] = await sql<{ username: string, created_on: string }[]>`
    INSERT INTO authenticationkey (username, key_digest)
    VALUES (${username}, ${digestKey(key)})
    RETURNING username, created_on
  `
  send(response, 201, { status: 'success', username: row!.username, api_key: key, created_on: row!.created_on, message: messages.keyIssued }, { 'cache-control': 'no-store' })
}

async function health (_request: IncomingMessage, response: ServerResponse): Promise<void> {
  send(response, 200, { status: 'ok' })
}

type Handler = (request: IncomingMessage, response: ServerResponse, parameter: string | undefined) => Promise<void>

// "METHOD /first/second" → handler; a third path segment is the handler's parameter.
const routes = new Map<string, Handler>([
  ['GET /healthz', health],
  ['GET /api/list', list],
  ['GET /api/read', read],
  ['POST /api/create', create],
  ['POST /api/bulk_create', bulkCreate],
  ['PATCH /api/modify', modify],
  ['DELETE /api/remove', remove],
  ['POST /api/generate_key', generateKey]
])

async function handle (request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/'
  const [, first = '', second, parameter] = path.split('/')
  const handler = routes.get(`${request.method ?? 'GET'} /${first}${second === undefined ? '' : `/${second}`}`)
  if (handler === undefined) throw new HttpError(404, messages.routeNotFound)
  await handler(request, response, parameter === undefined ? undefined : decodeURIComponent(parameter))
}

const server = createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    if (error instanceof HttpError) {
      send(response, error.statusCode, { status: 'failed', message: error.message })
    } else if ((error as { code?: string }).code === '23505') {
      send(response, 409, { status: 'failed', message: messages.usernameTaken })
    } else {
      console.error(error)
      send(response, 500, { status: 'failed', message: messages.internal })
    }
  })
})

// Fastify's default; node:http's own (5 s) would drop idle load-generator connections.
server.keepAliveTimeout = 72_000

server.listen(port, host, () => { console.log(`baseline listening on http://${host}:${port}`) })

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close()
    server.closeAllConnections()
    sql.end({ timeout: 5 }).then(() => { process.exitCode = 0 }, () => { process.exitCode = 1 })
  })
}
