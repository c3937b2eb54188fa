/**
 * Structured JSON logs (OBS-1). Each request gets a child logger carrying its request id,
 * and user/workspace ids once known; a line written through the process logger inside a request
 * (src/server/platform/request-context.ts) gets the request id too. Secrets are redacted by path.
 */
import pino from 'pino';
import { currentRequestId } from './request-context';

export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  '["set-cookie"]',
  '*["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
  '*.headers.cookie',
  '*.headers.authorization',
  '*.headers["set-cookie"]',
  // SQL parameters carry user data (emails, hashes, text): never logged (issue 11).
  'parameters',
  '*.parameters',
  'params',
  '*.params',
];

/** Fields of an error that carry the values of a query (postgres.js `parameters`/`args`, Drizzle `params`) or row data (`detail`). */
const UNLOGGABLE_ERROR_FIELDS = new Set(['parameters', 'params', 'args', 'detail']);
const MAX_CAUSE_DEPTH = 8;

/** Drizzle's DrizzleQueryError (duck-typed, so any copy of drizzle-orm counts): its message lists the SQL parameters. */
function isQueryError(error: Error): error is Error & { query: string; params: unknown[] } {
  const candidate = error as Error & { query?: unknown; params?: unknown };
  return typeof candidate.query === 'string' && Array.isArray(candidate.params);
}

/**
 * What an error logs (every logger's `err`, `error` and `cause` go through it): the error and its
 * cause chain as plain objects, without the values of any query. A DrizzleQueryError, whose message
 * lists the SQL parameters (user data), is logged as its statement text plus the driver error it
 * wraps; an error whose message repeats it (a TRPCError built from it) gets the statement only.
 */
export function loggableError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const leaks: [string, string][] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < MAX_CAUSE_DEPTH; e = e.cause, depth++) {
    if (isQueryError(e)) leaks.push([e.message, `Failed query: ${e.query}`]);
  }
  const scrub = (value: string | undefined) => (value === undefined ? undefined : leaks.reduce((text, [leak, safe]) => text.split(leak).join(safe), value));
  const plain = (e: unknown, depth: number): unknown => {
    if (!(e instanceof Error)) return e;
    if (depth >= MAX_CAUSE_DEPTH) return { type: e.name, message: '[cause chain truncated]' };
    if (isQueryError(e)) return { type: 'DrizzleQueryError', query: e.query, cause: plain(e.cause, depth + 1) };
    const out: Record<string, unknown> = { type: e.constructor?.name && e.constructor.name !== 'Error' ? e.constructor.name : e.name, message: scrub(e.message), stack: scrub(e.stack) };
    for (const [key, value] of Object.entries(e)) {
      if (key === 'cause' || key === 'message' || key === 'stack' || UNLOGGABLE_ERROR_FIELDS.has(key)) continue;
      out[key] = typeof value === 'string' ? scrub(value) : value;
    }
    if (e.cause !== undefined) out.cause = plain(e.cause, depth + 1);
    return out;
  };
  return plain(error, 0);
}

export function createLogger(options: { level?: string; destination?: pino.DestinationStream; service?: string } = {}) {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
      base: { service: options.service ?? 'kanso-web' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: loggableError, error: loggableError, cause: loggableError },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The request id of the surrounding request, unless the (child) logger already carries one.
      mixin: (_object, _level, instance) => {
        const requestId = currentRequestId();
        return requestId && !('requestId' in instance.bindings()) ? { requestId } : {};
      },
    },
    options.destination,
  );
}

export type Logger = pino.Logger;

const globalForLogger = globalThis as unknown as { kansoLogger?: Logger };
export const logger: Logger = (globalForLogger.kansoLogger ??= createLogger());
