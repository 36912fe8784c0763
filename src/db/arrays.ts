// PostgreSQL array literals ('{1.5,NULL}', '{"a",NULL,"b"}'), for sending a whole column as one
// parameter that the statement casts (`$1::float8[]`) and unnests. postgres.js can serialize
// arrays itself only with `fetch_types` on, which costs every new connection a round trip
// (db/client.ts turns it off).

const needsEscape = /["\\]/
const escapable = /["\\]/g

/**
 * The array literal of `values`. Strings are always quoted (so that the text `NULL` and the value
 * NULL differ, and commas, braces and spaces need no thought), their backslashes and double
 * quotes escaped; numbers are written as JavaScript writes them, which PostgreSQL reads back
 * exactly, and booleans as t and f, both unquoted; null is NULL. One string is built, no array
 * of pieces: a bulk create sends 1000 elements a column, and this ran for each of them.
 */
export function arrayLiteral (values: ReadonlyArray<string | number | boolean | null>): string {
  let text = '{'
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index]
    if (index > 0) text += ','
    if (value === null || value === undefined) text += 'NULL'
    else if (typeof value === 'string') text += `"${needsEscape.test(value) ? value.replace(escapable, '\\$&') : value}"`
    else if (typeof value === 'boolean') text += value ? 't' : 'f'
    else text += String(value)
  }
  return `${text}}`
}
