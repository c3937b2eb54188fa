/**
 * Recognising PostgreSQL errors by SQLSTATE, and the driver's connection failures (postgres.js
 * errors may arrive wrapped: Drizzle's DrizzleQueryError, tRPC's TRPCError — both keep `cause`).
 */
import { AppError } from '@/server/platform/errors';

interface PgErrorFields {
  code?: unknown;
  constraint_name?: string;
  cause?: unknown;
}

function pgFields(error: unknown): PgErrorFields {
  const wrapped = (error as { cause?: PgErrorFields } | null)?.cause;
  return wrapped ?? (error as PgErrorFields | null) ?? {};
}

/** A unique_violation (23505), optionally of one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const fields = pgFields(error);
  return fields.code === '23505' && (constraint === undefined || fields.constraint_name === constraint);
}

/** Row-level security refused a write (42501 insufficient_privilege). */
export function isInsufficientPrivilege(error: unknown): boolean {
  return pgFields(error).code === '42501';
}

/**
 * Why the database could not serve a request:
 *  - `unreachable`: no connection (refused, reset, closed under a query, host unknown);
 *  - `timeout`: connecting took longer than the connect timeout;
 *  - `shutdown`: the server is stopping, restarting or starting up (57P01/57P02/57P03, class 08);
 *  - `overloaded`: too many connections (53300), out of resources (class 53);
 *  - `statementTimeout`: a statement ran past `statement_timeout` or a lock wait timed out;
 *  - `conflict`: a serialization failure or deadlock (40001/40P01) — the transaction was rolled back;
 *  - `auth`: the server refused our credentials (28000/28P01) — configuration, not weather;
 *  - `databaseMissing`: the database does not exist (3D000).
 */
export type DatabaseFailure = 'unreachable' | 'timeout' | 'shutdown' | 'overloaded' | 'statementTimeout' | 'conflict' | 'auth' | 'databaseMissing';

/** Node socket errors and postgres.js's own connection errors (`Errors.connection(code, …)`). */
const CONNECTION_CODES: Record<string, DatabaseFailure> = {
  ECONNREFUSED: 'unreachable',
  ECONNRESET: 'unreachable',
  ECONNABORTED: 'unreachable',
  EPIPE: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
  ETIMEDOUT: 'timeout',
  CONNECTION_CLOSED: 'unreachable',
  CONNECTION_ENDED: 'unreachable',
  CONNECTION_DESTROYED: 'unreachable',
  CONNECT_TIMEOUT: 'timeout',
};

/** SQLSTATEs (exact) that mean "not now" rather than "never". */
const SQLSTATES: Record<string, DatabaseFailure> = {
  '57P01': 'shutdown', // admin_shutdown: the server is stopping (fast/immediate) or the backend was terminated
  '57P02': 'shutdown', // crash_shutdown: another backend crashed, the server is resetting
  '57P03': 'shutdown', // cannot_connect_now: starting up, shutting down, in recovery
  '57P05': 'shutdown', // idle_session_timeout
  '25P03': 'statementTimeout', // idle_in_transaction_session_timeout
  '57014': 'statementTimeout', // query_canceled: statement_timeout (we never cancel queries ourselves)
  '55P03': 'statementTimeout', // lock_not_available: lock_timeout
  '40001': 'conflict', // serialization_failure
  '40P01': 'conflict', // deadlock_detected
  '28000': 'auth', // invalid_authorization_specification
  '28P01': 'auth', // invalid_password
  '3D000': 'databaseMissing', // invalid_catalog_name
};

/** The first error in the `cause` chain that carries a string `code` (bounded: causes can loop). */
function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth += 1) {
    const code = (current as PgErrorFields).code;
    // TRPCError has a `code` too ('INTERNAL_SERVER_ERROR'): only driver and SQLSTATE codes count.
    if (typeof code === 'string' && (code in CONNECTION_CODES || /^[0-9A-Z]{5}$/.test(code))) return code;
    current = (current as PgErrorFields).cause;
  }
  return undefined;
}

/** What kind of database failure `error` is (anywhere in its cause chain), or null for anything else. */
export function databaseFailure(error: unknown): DatabaseFailure | null {
  const code = codeOf(error);
  if (!code) return null;
  const known = CONNECTION_CODES[code] ?? SQLSTATES[code];
  if (known) return known;
  if (code.startsWith('08')) return 'unreachable'; // connection_exception
  if (code.startsWith('53')) return 'overloaded'; // insufficient_resources (53300 too_many_connections, 53100 disk full…)
  return null;
}

/** The driver or SQLSTATE code behind a failure, for logs (never the message: it names hosts and ports). */
export function databaseErrorCode(error: unknown): string | undefined {
  return codeOf(error);
}

/** Seconds a client should wait before retrying (`Retry-After`), by failure (docs/decisions/0012). */
export const RETRY_AFTER_SECONDS: Record<DatabaseFailure, number> = {
  unreachable: 5,
  timeout: 5,
  shutdown: 5,
  overloaded: 2,
  statementTimeout: 2,
  conflict: 1,
  // Wrong credentials or a missing database need an operator; clients still only wait and retry.
  auth: 30,
  databaseMissing: 30,
};

/**
 * The typed error (UNAVAILABLE → HTTP 503) for a database failure, or null when `error` is not one.
 * Its message key is localised by the tRPC error formatter; `details.retryAfter` becomes the
 * `Retry-After` header and `data.retryAfter` of the response.
 */
export function databaseUnavailableError(error: unknown): AppError | null {
  const failure = databaseFailure(error);
  if (!failure) return null;
  const busy = failure === 'overloaded' || failure === 'statementTimeout' || failure === 'conflict';
  return new AppError('UNAVAILABLE', busy ? 'generic.databaseBusy' : 'generic.databaseUnavailable', {
    cause: error,
    details: { retryAfter: RETRY_AFTER_SECONDS[failure], failure },
  });
}
