/**
 * The edge policy every response gets, whichever entry point serves it: src/proxy.ts for what Next
 * serves, scripts/lib/api-server.ts for the production web process's direct API path (ADR 0018).
 * What the edge adds to a request (rate limits, Origin check, body limits) belongs here too, so
 * that both entry points apply one policy.
 */
import { securityHeaders } from './security-headers';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** The request's id: the caller's `x-request-id` when well-formed, else a new one. */
export function edgeRequestId(incoming: string | null | undefined): string {
  return incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/** The headers every response carries: its request id and the baseline security headers. */
export function edgeResponseHeaders(requestId: string, production = process.env.NODE_ENV === 'production'): Record<string, string> {
  return { 'x-request-id': requestId, ...securityHeaders(production) };
}
