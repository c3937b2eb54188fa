import 'server-only';
/** Server components prefetch through the same router and hydrate the client cache. */
import { dehydrate, HydrationBoundary, type FetchQueryOptions, type QueryKey } from '@tanstack/react-query';
import { TRPCError } from '@trpc/server';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cookies, headers } from 'next/headers';
import { cache, type ReactNode } from 'react';
import { appRouter, createCaller } from '@/server/api/root';
import { createContext, isSecureRequest } from '@/server/api/trpc';
import { toTRPCError } from '@/server/api/errors';
import { databaseUnavailableError } from '@/server/db/errors';
import { unavailableDigest } from '@/lib/unavailable-digest';
import { makeQueryClient } from './query-client';

const createRscContext = cache(async () => {
  const [h, c] = await Promise.all([headers(), cookies()]);
  const proto = h.get('x-forwarded-proto') ?? 'http';
  return createContext({
    headers: h,
    secure: isSecureRequest(h, `${proto}://${h.get('host') ?? 'localhost'}/`),
    cookies: {
      get: (name) => c.get(name)?.value,
      // Server components cannot set cookies; mutations go through the route handler.
      set: () => {},
      delete: () => {},
    },
  });
});

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({ ctx: createRscContext, router: appRouter, queryClient: getQueryClient });

/**
 * A database outage while rendering: the error gets a digest naming the request, so the error
 * boundary shows "reconnecting" with the request id instead of a generic crash.
 */
function markUnavailable(error: unknown, requestId: string): unknown {
  if (error instanceof TRPCError && error.code === 'SERVICE_UNAVAILABLE') Object.assign(error, { digest: unavailableDigest(requestId) });
  return error;
}

/** Direct server-side calls (no cache), e.g. for redirects in layouts. */
export const serverCaller = cache(async () => {
  const ctx = await createRscContext();
  return createCaller(ctx, { onError: ({ error }) => void markUnavailable(error, ctx.requestId) });
});

/**
 * The workspace `slug` as the signed-in member sees it (with their role), or null when they are not
 * a member. Cached per request, so the layout and the page ask the database once.
 */
export const getWorkspace = cache(async (slug: string) =>
  (await serverCaller()).workspace.get({ workspaceSlug: slug }).catch((error: unknown) => {
    if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return null;
    throw error;
  }),
);

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

/** Starts a query on the server; `HydrateClient` streams its result into the client cache. */
export function prefetch<TQueryFnData, TError, TData, TQueryKey extends QueryKey>(
  options: FetchQueryOptions<TQueryFnData, TError, TData, TQueryKey>,
): void {
  void getQueryClient().prefetchQuery(options);
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
