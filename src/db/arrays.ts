// PostgreSQL array literals ('{"a",NULL,"b"}'), for sending a whole column as one parameter that
// the statement casts (`$1::float8[]`) and unnests. postgres.js can serialize arrays itself only
// with `fetch_types` on, which costs every new connection a round trip (db/client.ts turns it off).

/**
 * The array literal of `values`: every element quoted (so that `NULL` the text and `NULL` the
 * value differ, and commas, braces and spaces need no thought), backslashes and double quotes
 * escaped; null as NULL. Numbers are written as JavaScript writes them, which PostgreSQL reads
 * back exactly; booleans as true and false.
 */
export function arrayLiteral (values: ReadonlyArray<string | number | boolean | null>): string {
  let text = '{'
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index]
    if (index > 0) text += ','
    text += value === null || value === undefined ? 'NULL' : `"${String(value).replace(/["\\]/g, '\\$&')}"`
  }
  return `${text}}`
}
