import 'server-only';
/**
 * The request's context for server components — the session looked up once per request
 * (lookupSession, ADR 0014) — and `getSession`. Kept apart from src/lib/trpc/server.tsx, which also
 * holds `HydrateClient` (a TanStack Query client component every page importing that module ships
 * to the browser, ≈ 4 KB gzip): a page that renders no API client (the landing page) imports this
 * module alone (PERF-3, ADR 0016).
 */
import { TRPCError } from '@trpc/server';
import { cookies, headers } from 'next/headers';
import { cache } from 'react';
import { toTRPCError } from '@/server/api/errors';
import { createContext, isSecureRequest } from '@/server/api/trpc';
import { databaseUnavailableError } from '@/server/db/errors';
import { unavailableDigest } from '@/lib/unavailable-digest';

export const createRscContext = cache(async () => {
  const [h, c] = await Promise.all([headers(), cookies()]);
  const proto = h.get('x-forwarded-proto') ?? 'http';
  return createContext({
    headers: h,
    secure: isSecureRequest(h, `${proto}://${h.get('host') ?? 'localhost'}/`),
    cookies: {
      get: (name) => c.get(name)?.value,
      // Server components cannot set cookies; mutations go through the API.
      set: () => {},
      delete: () => {},
    },
  });
});

/**
 * A database outage while rendering: the error gets a digest naming the request, so the error
 * boundary shows "reconnecting" with the request id instead of a generic crash.
 */
export function markUnavailable(error: unknown, requestId: string): unknown {
  if (error instanceof TRPCError && error.code === 'SERVICE_UNAVAILABLE') Object.assign(error, { digest: unavailableDigest(requestId) });
  return error;
}

/** The signed-in session of this request (null when signed out); throws when it could not be looked up. */
export async function getSession() {
  const ctx = await createRscContext();
  if (ctx.failure) {
    const unavailable = databaseUnavailableError(ctx.failure);
    // Never "signed out" because the database is down: that would send the user to sign in.
    ctx.log.warn({ code: unavailable ? 'UNAVAILABLE' : 'INTERNAL' }, 'session lookup failed while rendering');
    throw unavailable ? markUnavailable(toTRPCError(unavailable), ctx.requestId) : ctx.failure;
  }
  return ctx.session;
}
