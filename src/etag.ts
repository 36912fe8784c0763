// Record versions as entity tags (the contract's v2 "Versions and conditional writes"): a record at
// version 3 has the strong ETag `"3"`. Preconditions follow RFC 9110 §13.1: If-Match compares
// strongly (a weak `W/"3"` never matches), If-None-Match weakly.

export function etagOf (version: number): string {
  return `"${version}"`
}

/** The versions an If-Match or If-None-Match header names; `any` for `*`. */
export interface EntityTags {
  any: boolean
  /** Versions named by strong tags. */
  strong: number[]
  /** Versions named by any tag, weak or strong. */
  all: number[]
}

// One element of the list: an optional W/, then a quoted opaque tag (RFC 9110 §8.8.3), which may
// itself contain commas, so the list is scanned rather than split.
const element = /[ \t]*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(?:,|$)/y
const versionText = /^[1-9]\d{0,9}$/

/**
 * Parses a precondition header. A value that is not `*` or a list of entity tags names nothing,
 * so it matches no version: a write sent with it is never applied by mistake.
 */
export function parseEntityTags (header: string | string[] | undefined): EntityTags | undefined {
  if (header === undefined) return undefined
  const value = Array.isArray(header) ? header.join(', ') : header
  if (value.trim() === '*') return { any: true, strong: [], all: [] }
  const tags: EntityTags = { any: false, strong: [], all: [] }
  element.lastIndex = 0
  while (element.lastIndex < value.length) {
    const match = element.exec(value)
    if (match === null) return { any: false, strong: [], all: [] }
    const opaque = match[2] ?? ''
    // Tags this server never made (not a version it could have) match nothing.
    if (!versionText.test(opaque) || Number(opaque) > 2 ** 31 - 1) continue
    tags.all.push(Number(opaque))
    if (match[1] === undefined) tags.strong.push(Number(opaque))
  }
  return tags
}
