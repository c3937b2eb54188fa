import 'server-only';
/** Server components prefetch through the same router and hydrate the client cache. */
import { dehydrate, HydrationBoundary, type FetchQueryOptions, type QueryKey } from '@tanstack/react-query';
import { TRPCError } from '@trpc/server';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cache, type ReactNode } from 'react';
import { createRscContext, getSession, markUnavailable } from '@/lib/session';
import { appRouter, createCaller } from '@/server/api/root';
import { makeQueryClient } from './query-client';

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({ ctx: createRscContext, router: appRouter, queryClient: getQueryClient });

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

export { getSession };

/** Starts a query on the server; `HydrateClient` streams its result into the client cache. */
export function prefetch<TQueryFnData, TError, TData, TQueryKey extends QueryKey>(
  options: FetchQueryOptions<TQueryFnData, TError, TData, TQueryKey>,
): void {
  void getQueryClient().prefetchQuery(options);
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
