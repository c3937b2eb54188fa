/**
 * One error-code registry (API-2). Domain code throws `AppError`; tRPC maps it to its codes and
 * REST to HTTP statuses from the same table. Messages are next-intl keys under `errors.`, translated
 * for the caller's locale by the tRPC error formatter.
 */
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

export const ERROR_CODES = {
  BAD_REQUEST: { trpc: 'BAD_REQUEST', http: 400 },
  UNAUTHORIZED: { trpc: 'UNAUTHORIZED', http: 401 },
  FORBIDDEN: { trpc: 'FORBIDDEN', http: 403 },
  NOT_FOUND: { trpc: 'NOT_FOUND', http: 404 },
  CONFLICT: { trpc: 'CONFLICT', http: 409 },
  UNPROCESSABLE: { trpc: 'UNPROCESSABLE_CONTENT', http: 422 },
  TOO_MANY_REQUESTS: { trpc: 'TOO_MANY_REQUESTS', http: 429 },
  INTERNAL: { trpc: 'INTERNAL_SERVER_ERROR', http: 500 },
  UNAVAILABLE: { trpc: 'SERVICE_UNAVAILABLE', http: 503 },
} as const satisfies Record<string, { trpc: TRPC_ERROR_CODE_KEY; http: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A message key under `errors` in messages/<locale>.json, e.g. `auth.invalidCredentials`. */
export type ErrorKey = string;

export interface AppErrorOptions {
  /** Values for the message's placeholders. */
  params?: Record<string, string | number>;
  /** Per-field message keys (under `errors.`) for forms. */
  fieldErrors?: Record<string, ErrorKey>;
  /**
   * Structured data for the client, returned as `data.details` by the tRPC error formatter — e.g.
   * `{ current }` on a version CONFLICT (COLLAB-2). Must be JSON-serialisable and safe to show the caller.
   */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly key: ErrorKey;
  readonly params?: Record<string, string | number>;
  readonly fieldErrors?: Record<string, ErrorKey>;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, key: ErrorKey, options: AppErrorOptions = {}) {
    super(key, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.key = key;
    this.params = options.params;
    this.fieldErrors = options.fieldErrors;
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
