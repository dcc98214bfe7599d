import { sqlState } from './database-refusal';

/**
 * SQLSTATEs that say the session or the server went away, or could not be had for a moment, not
 * that the statement is wrong: class 08 (connection exception), 57P01 admin_shutdown
 * (pg_terminate_backend, a fast shutdown), 57P02 crash_shutdown, 57P03 cannot_connect_now (the
 * server is starting), 57P05 idle_session_timeout, 53300 too_many_connections, and the two
 * conflicts PostgreSQL itself says to retry: 40001 serialization_failure, 40P01 deadlock_detected.
 */
const TRANSIENT_CLASSES = new Set(['08']);
const TRANSIENT_STATES = new Set(['57P01', '57P02', '57P03', '57P05', '53300', '40001', '40P01']);

/** Socket errors of a server that is down, restarting, or out of reach for a moment. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/**
 * What node-postgres and its pool say, with no code, when a session ends under a query or no
 * connection comes in time ("Connection terminated unexpectedly", "… due to connection timeout",
 * "timeout exceeded when trying to connect", "Client has encountered a connection error and is
 * not queryable").
 */
const TRANSIENT_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|server closed the connection unexpectedly/i;

/** How deep wrapped errors are followed (TypeORM's driverError, `cause`, AggregateError). */
const MAX_DEPTH = 4;

/**
 * Whether a database failure is one a retry may cure because the database was out of reach
 * (connection refused, terminated, reset, timed out; the server restarting or full) rather than
 * because of the statement or its data. Data refusals (`dataRefusalState`) are never transient.
 */
export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const state = sqlState(error);
  if (state && (TRANSIENT_CLASSES.has(state.slice(0, 2)) || TRANSIENT_STATES.has(state))) {
    return true;
  }
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && TRANSIENT_SOCKET_CODES.has(code)) return true;
  // A SQLSTATE of another kind is PostgreSQL's verdict on the statement: not a lost connection.
  if (state === null && typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) {
    return true;
  }
  return wrapped(error).some((inner) => isTransientDatabaseError(inner, depth + 1));
}

function wrapped(error: object): unknown[] {
  const inner: unknown[] = [];
  if ('driverError' in error) inner.push(error.driverError);
  if ('cause' in error) inner.push(error.cause);
  if (error instanceof AggregateError) inner.push(...(error.errors as unknown[]));
  return inner;
}
