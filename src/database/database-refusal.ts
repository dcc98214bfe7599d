/**
 * SQLSTATE classes in which PostgreSQL refuses a statement for the data it carries: 22 data
 * exception (e.g. 22P05, `\u0000` in jsonb; 22021, a NUL byte in text), 23 integrity constraint
 * violation, 54 program limit exceeded (a value too large), and datatype mismatch (42804).
 * Retrying such a statement fails forever; anything else (connection refused or reset, admin
 * shutdown, serialization failure, too many connections) may pass on the next attempt.
 */
const DATA_CLASSES = new Set(['22', '23', '54']);
const DATA_STATES = new Set(['42804']);

/** A five-character SQLSTATE, as node-postgres and TypeORM's QueryFailedError carry it. */
export function sqlState(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const { code } = error;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** The SQLSTATE of a refusal for data, or null for a failure that a retry may cure. */
export function dataRefusalState(error: unknown): string | null {
  const state = sqlState(error);
  if (state && (DATA_CLASSES.has(state.slice(0, 2)) || DATA_STATES.has(state))) return state;
  // Thrown by our own code while building a statement for one change: no retry fixes it either.
  if (error instanceof TypeError || error instanceof RangeError) return error.name;
  return null;
}
