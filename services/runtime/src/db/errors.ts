// Recognises "the database is not there right now" in whatever shape it arrives: pg and Node
// socket errors, PostgreSQL SQLSTATEs, Prisma errors and the driver-adapter errors they wrap;
// and "this transaction lost to a concurrent one" (a deadlock or serialization failure: it was
// rolled back, and a retry succeeds). The HTTP layer maps both to 503 with Retry-After; every
// other database error stays a 500.

/** Thrown by checkDatabase() and usable by callers for their own timeouts. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** Socket-level failures (Node `code`s). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** SQLSTATEs outside class 08 (connection exception) that mean "try again later". */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, smart/fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '53300', // too_many_connections
]);

/**
 * Prisma error codes for an unreachable or overloaded database. P2028: an interactive
 * transaction could not start within its `maxWait` (every pool connection busy), or outlived its
 * `timeout` and was rolled back — either way nothing was written, and a retry later succeeds.
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2037']);

/** Driver-adapter error kinds (`DriverAdapterError.cause.kind`) with the same meaning. */
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/** Errors pg raises without a code. */
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error and is not queryable/i,
  /cannot use a pool after calling end on the pool/i,
  /server closed the connection unexpectedly/i,
];

type Fields = {
  code?: unknown;
  errorCode?: unknown;
  kind?: unknown;
  syscall?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
  errors?: unknown;
};

/** SQLSTATEs of a transaction rolled back because of a concurrent one. */
const CONFLICT_SQLSTATES = new Set([
  '40P01', // deadlock_detected
  '40001', // serialization_failure
]);

function conflictMatchesOne(e: Fields & { originalCode?: unknown }): boolean {
  const codes = [e.code, e.errorCode, e.originalCode].filter((c): c is string => typeof c === 'string');
  // P2034: Prisma's "transaction failed due to a write conflict or a deadlock".
  if (codes.some((c) => CONFLICT_SQLSTATES.has(c) || c === 'P2034')) return true;
  return e.kind === 'TransactionWriteConflict';
}

function matchesOne(e: Fields): boolean {
  if (e instanceof DatabaseUnavailableError) return true;
  const code = typeof e.code === 'string' ? e.code : typeof e.errorCode === 'string' ? e.errorCode : '';
  if (SOCKET_CODES.has(code) || PRISMA_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
  if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  // A Unix socket that is gone (embedded database stopped).
  if (code === 'ENOENT' && e.syscall === 'connect') return true;
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  return typeof e.message === 'string' && MESSAGES.some((re) => re.test(e.message as string));
}

/** Follows `cause`, Prisma's `meta.driverAdapterError` and AggregateError's `errors`. */
function* related(e: Fields): Generator<unknown> {
  if (e.cause !== undefined) yield e.cause;
  if (e.meta && typeof e.meta === 'object' && e.meta.driverAdapterError !== undefined) {
    yield e.meta.driverAdapterError;
  }
  if (Array.isArray(e.errors)) yield* e.errors;
}

/** Whether `err` or an error it wraps matches. */
function someRelated(err: unknown, matches: (e: Fields) => boolean): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 20) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (matches(e as Fields)) return true;
    queue.push(...related(e as Fields));
  }
  return false;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return someRelated(err, matchesOne);
}

/** A deadlock or serialization failure: the transaction was rolled back; retrying it succeeds. */
export function isTransientConflict(err: unknown): boolean {
  return someRelated(err, conflictMatchesOne);
}
