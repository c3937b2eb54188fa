/**
 * How a server-rendered page tells its error boundary "the database is reconnecting" (REL-2).
 * Next keeps an error's own `digest` when it crosses to the browser (messages are hidden in
 * production), so an UNAVAILABLE error thrown while rendering carries `KANSO_UNAVAILABLE;<requestId>`.
 */
const PREFIX = 'KANSO_UNAVAILABLE;';

export function unavailableDigest(requestId: string): string {
  return `${PREFIX}${requestId}`;
}

/** The request id of an error boundary's error when it is a database outage, else null. */
export function unavailableRequestId(error: unknown): string | null {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === 'string' && digest.startsWith(PREFIX) ? digest.slice(PREFIX.length) : null;
}
