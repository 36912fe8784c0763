// JSON request bodies, stored exactly as sent: bytes that are not UTF-8 and strings with an
// unpaired UTF-16 surrogate ("\ud800") are refused with a 400 naming the field, where a plain
// decode would turn them into U+FFFD without a word. Everything else is Fastify's own parser
// (prototype-poisoning keys refused, an empty body reported as such).
import { isUtf8 } from 'node:buffer'
import type { FastifyInstance } from 'fastify'
import { messages } from './messages.js'
import { ApiError } from './plugins/errors.js'
import type { FieldError } from './validation.js'

const notUtf8: FieldError = { field: 'body', problem: 'must be UTF-8 encoded text' }
const surrogateEscape = /\\u[dD][89a-fA-F]/
const unpaired = 'must be valid Unicode text (it contains an unpaired surrogate such as \\ud800)'

/**
 * Every place in `value` holding a string that is not well-formed UTF-16, as a field path. A
 * loop, not recursion: JSON.parse takes arrays nested thousands deep.
 */
function malformedStrings (value: unknown): string[] {
  const found: string[] = []
  const pending: Array<[unknown, string[]]> = [[value, []]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, path] = next
    if (typeof item === 'string') {
      if (!item.isWellFormed()) found.push(path.length === 0 ? 'body' : path.join('.'))
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.isWellFormed()) pending.push([child, [...path, key]])
        else found.push([...path, key.toWellFormed()].join('.'))
      }
    }
  }
  return found.reverse()
}

export function strictJsonParser (app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (!isUtf8(body as Buffer)) {
      done(new ApiError(400, messages.bodyInvalid, [notUtf8]), undefined)
      return
    }
    const text = body.toString()
    parse(request, text, (error, value) => {
      // Valid UTF-8 holds no surrogate (isUtf8 refuses encoded ones), so a lone one can only come
      // from a \uD800–\uDFFF escape: without one, the walk (a few ms for a bulk create) is skipped.
      const malformed = error === null && surrogateEscape.test(text) ? malformedStrings(value) : []
      if (malformed.length > 0) done(new ApiError(400, messages.bodyInvalid, malformed.map((field) => ({ field, problem: unpaired }))), undefined)
      else done(error, value)
    })
  })
}
