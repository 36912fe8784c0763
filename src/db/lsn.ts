// Positions in the primary's WAL (PostgreSQL's pg_lsn), which say how far a replica has replayed
// and, as consistency tokens, where a write stands.

/**
 * A pg_lsn from its text form (`16/B374D848`: two 32-bit halves in hex, as PostgreSQL writes it),
 * as one number to compare; undefined for anything else.
 */
export function parseLsn (text: string): bigint | undefined {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text)
  if (match === null) return undefined
  return (BigInt(`0x${match[1]!}`) << 32n) | BigInt(`0x${match[2]!}`)
}
