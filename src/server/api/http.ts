/**
 * The tRPC API over HTTP: one fetch-style handler (`Request` → `Response`) for `/api/trpc/*`.
 *
 * Two entry points serve it and nothing else differs between them: Next's route handler
 * (src/app/api/trpc/[trpc]/route.ts — `next dev`, and any host that runs the Next build alone) and,
 * in production, the web process's direct API path (scripts/lib/api-server.ts, ADR 0018), which
 * skips Next's request pipeline for API calls and applies the same edge policy as src/proxy.ts.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@/server/api/root';
import { createContext, isSecureRequest, parseCookies, type CookieJar } from '@/server/api/trpc';
import { retryAfterOf } from '@/server/api/errors';
import { callsOf } from '@/server/platform/edge';
import { rateLimitHeaders, rateLimitRefusalOf, type RateLimitRefusal } from '@/server/platform/rate-limit';
import { withRequestId } from '@/server/platform/request-context';

/** Cookies read from the request, written as Set-Cookie headers on the response. */
function cookieJar(req: Request, resHeaders: Headers, secure: boolean): CookieJar {
  const incoming = parseCookies(req.headers.get('cookie'));
  const serialise = (name: string, value: string, attrs: string[]) =>
    [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : []), ...attrs].join('; ');
  return {
    get: (name) => incoming.get(name),
    set: (name, value, options) =>
      resHeaders.append(
        'set-cookie',
        serialise(name, value, [
          ...(options.expires ? [`Expires=${options.expires.toUTCString()}`] : []),
          ...(options.maxAge !== undefined ? [`Max-Age=${options.maxAge}`] : []),
        ]),
      ),
    delete: (name) => resHeaders.append('set-cookie', serialise(name, '', ['Max-Age=0'])),
  };
}

/** Calls one HTTP request may carry (the browser's batch link sends at most this many, src/lib/trpc/client.tsx). */
export const MAX_BATCH_CALLS = 20;

/** Every call of the request (and every log line of it) carries the request id the edge set. */
export const handleTrpcRequest = withRequestId((req: Request) =>
  fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_CALLS,
    createContext: ({ resHeaders }) => {
      const secure = isSecureRequest(req.headers, req.url);
      return createContext({ headers: req.headers, cookies: cookieJar(req, resHeaders, secure), secure, calls: callsOf(new URL(req.url).pathname) });
    },
    // 503s and 429s say when to come back (RFC 9110 §10.2.3); a batch answers with the longest wait of its calls.
    responseMeta: ({ errors }) => {
      let refusal: RateLimitRefusal | null = null;
      for (const error of errors) {
        const candidate = rateLimitRefusalOf(error.cause);
        if (candidate && (!refusal || candidate.retryAfter > refusal.retryAfter)) refusal = candidate;
      }
      if (refusal) return { headers: new Headers(rateLimitHeaders(refusal)) };
      const seconds = retryAfterOf(errors);
      return seconds === undefined ? {} : { headers: new Headers({ 'retry-after': String(seconds) }) };
    },
  }),
);
