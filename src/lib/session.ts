import 'server-only';
/**
 * The signed-in session of this request for server components that render no API client (the
 * landing page). The same answer as `getSession` in src/lib/trpc/server.tsx — which also holds
 * `HydrateClient`, a TanStack Query client component that every page importing that module ships to
 * the browser (≈ 4 KB gzip; PERF-3, ADR 0016). The lookup runs once per request either way
 * (lookupSession, ADR 0014).
 */
import { TRPCError } from '@trpc/server';
import { cookies, headers } from 'next/headers';
import { cache } from 'react';
import { toTRPCError } from '@/server/api/errors';
import { createContext, isSecureRequest } from '@/server/api/trpc';
import { databaseUnavailableError } from '@/server/db/errors';
import { unavailableDigest } from '@/lib/unavailable-digest';

const sessionContext = cache(async () => {
  const [h, c] = await Promise.all([headers(), cookies()]);
  const proto = h.get('x-forwarded-proto') ?? 'http';
  return createContext({
    headers: h,
    secure: isSecureRequest(h, `${proto}://${h.get('host') ?? 'localhost'}/`),
    cookies: { get: (name) => c.get(name)?.value, set: () => {}, delete: () => {} },
  });
});

/** The session (null when signed out); throws when it could not be looked up — never "signed out" because the database is down. */
export async function currentSession() {
  const ctx = await sessionContext();
  if (ctx.failure) {
    const unavailable = databaseUnavailableError(ctx.failure);
    ctx.log.warn({ code: unavailable ? 'UNAVAILABLE' : 'INTERNAL' }, 'session lookup failed while rendering');
    if (!unavailable) throw ctx.failure;
    // The error boundary shows "reconnecting" with the request id (src/lib/unavailable-digest.ts).
    const error = toTRPCError(unavailable);
    if (error instanceof TRPCError) Object.assign(error, { digest: unavailableDigest(ctx.requestId) });
    throw error;
  }
  return ctx.session;
}
