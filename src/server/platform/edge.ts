/**
 * The edge policy every response gets, whichever entry point serves it: src/proxy.ts for what Next
 * serves, scripts/lib/api-server.ts for the production web process's direct API path (ADR 0018).
 * What the edge adds to a request (rate limits, Origin check, body limits) belongs here too, so
 * that both entry points apply one policy.
 */
import { translator } from '@/i18n/messages';
import { isLocale, routing } from '@/i18n/routing';
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

// ─── Request checks: Origin (SEC-3) and body size ───────────────────────────────────────────────

/** Largest request body the tRPC API takes (a batch of 20 writes with long descriptions fits). */
export const TRPC_BODY_LIMIT = 1024 * 1024;
/** Largest body of everything else: auth form posts, server actions, reports. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Cross-site POSTs that are legitimate by design; each authenticates itself (signature, state). */
const ORIGIN_EXEMPT = [/^\/api\/webhooks\//, /^\/api\/auth\/callback\//, /^\/api\/csp-report$/];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface EdgeRequest {
  method: string;
  pathname: string;
  header(name: string): string | null | undefined;
}

export interface EdgeRefusal {
  status: 403 | 411 | 413;
  appCode: 'FORBIDDEN' | 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE';
  /** Message key under `errors.`. */
  key: string;
}

/** The number of calls an `/api/trpc/<path>,<path>…` path names (a tRPC batch). */
export function callsOf(pathname: string): number {
  return pathname.slice(pathname.lastIndexOf('/') + 1).split(',').length;
}

export function bodyLimitOf(pathname: string): number {
  return pathname.startsWith('/api/trpc/') ? TRPC_BODY_LIMIT : DEFAULT_BODY_LIMIT;
}

/** A URL's origin; null for none, `null` (an opaque origin) or what does not parse. */
export function originOf(value: string | null | undefined): string | null {
  if (!value || value === 'null') return null;
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/**
 * Refuses what the edge must not let through (null: let it through):
 * - a state-changing request whose `Origin` (else `Referer`) is neither APP_URL's origin nor the
 *   request's own (a browser cannot forge the Host it sends), or that carries cookies with neither
 *   header (every browser sends Origin on a POST) — 403, CSRF;
 * - a declared body over the path's limit — 413 before a byte of it is read; a body of unknown
 *   length outside the tRPC API (which counts as it reads) — 411.
 */
export function edgeRefusal(request: EdgeRequest, appUrl: string): EdgeRefusal | null {
  const method = request.method.toUpperCase();
  if (SAFE_METHODS.has(method)) return null;
  if (!ORIGIN_EXEMPT.some((pattern) => pattern.test(request.pathname))) {
    const source = originOf(request.header('origin')) ?? originOf(request.header('referer'));
    const host = request.header('host');
    const own = host ? `${request.header('x-forwarded-proto') === 'https' ? 'https' : 'http'}://${host}` : null;
    const allowed = source !== null && (source === originOf(appUrl) || source === originOf(own));
    if (source === null ? Boolean(request.header('cookie')) : !allowed) return { status: 403, appCode: 'FORBIDDEN', key: 'generic.crossOrigin' };
  }
  const length = request.header('content-length');
  if (length !== null && length !== undefined && length !== '') {
    if (!/^\d+$/.test(length) || Number(length) > bodyLimitOf(request.pathname)) return { status: 413, appCode: 'PAYLOAD_TOO_LARGE', key: 'generic.tooLarge' };
  } else if (request.header('transfer-encoding') && !request.pathname.startsWith('/api/trpc/')) {
    return { status: 411, appCode: 'BAD_REQUEST', key: 'generic.lengthRequired' };
  }
  return null;
}

const JSON_RPC_CODES: Record<EdgeRefusal['appCode'], { trpc: string; jsonRpc: number }> = {
  FORBIDDEN: { trpc: 'FORBIDDEN', jsonRpc: -32003 },
  BAD_REQUEST: { trpc: 'BAD_REQUEST', jsonRpc: -32600 },
  PAYLOAD_TOO_LARGE: { trpc: 'PAYLOAD_TOO_LARGE', jsonRpc: -32013 },
};

/**
 * The refusal as a response body: tRPC's error envelope on the API (one per call of a batch, so the
 * browser's client reads it as it reads any error), `{ error }` elsewhere; the message in `message`.
 */
export function edgeRefusalBody(refusal: EdgeRefusal, request: { pathname: string; search: string }, message: string, requestId: string): string {
  const data = { code: JSON_RPC_CODES[refusal.appCode].trpc, httpStatus: refusal.status, appCode: refusal.appCode, requestId };
  if (!request.pathname.startsWith('/api/trpc/')) return JSON.stringify({ error: { message, ...data } });
  const envelope = { error: { message, code: JSON_RPC_CODES[refusal.appCode].jsonRpc, data } };
  return JSON.stringify(new URLSearchParams(request.search).has('batch') ? Array.from({ length: callsOf(request.pathname) }, () => envelope) : envelope);
}

/** The refusal's message in the caller's language: the API's `x-kanso-locale`, else the path's locale. */
export function edgeRefusalMessage(refusal: EdgeRefusal, headerLocale: string | null | undefined, pathname: string): string {
  const pathLocale = pathname.split('/')[1];
  const locale = isLocale(headerLocale) ? headerLocale : isLocale(pathLocale) ? pathLocale : routing.defaultLocale;
  return translator(locale)(`errors.${refusal.key}` as never);
}
