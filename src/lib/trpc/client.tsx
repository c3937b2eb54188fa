'use client';
/** The browser side of tRPC: TanStack Query v5 through @trpc/tanstack-react-query. */
import type { QueryClient } from '@tanstack/react-query';
import { QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, splitLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useLocale } from 'next-intl';
import { useState, type ReactNode } from 'react';
import { observedFetch } from '@/lib/connection-status';
import type { AppRouter } from '@/server/api/root';
import { makeQueryClient } from './query-client';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;
function getQueryClient(): QueryClient {
  if (typeof window === 'undefined') return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const locale = useLocale();
  const headers = () => ({ 'x-kanso-locale': document.documentElement.lang || locale });
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Account calls (`auth.*`) are refused in a batch (SEC-2): they travel alone. Every answer
        // tells whether the API is reachable ("Kanso is reconnecting…").
        splitLink({
          condition: (op) => op.path.startsWith('auth.'),
          // A batch of one (not httpLink: a void mutation would go with an empty body, which the server refuses).
          true: httpBatchLink({ url: '/api/trpc', headers, fetch: observedFetch(), maxItems: 1 }),
          // At most the server's MAX_BATCH_CALLS (src/server/api/http.ts) per request.
          false: httpBatchLink({ url: '/api/trpc', headers, fetch: observedFetch(), maxItems: 20 }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** The tRPC error code of a failed call (`CONFLICT`, `NOT_FOUND`, `UNAUTHORIZED`, …); undefined for network failures. */
export function errorCodeOf(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined;
}

/** `realtime.events` refused a cursor older than the outbox keeps (JOBS-2): reload, do not replay. */
export function eventsTooOld(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { tooOld?: boolean } | undefined)?.tooOld === true;
}

/** The localised field errors a procedure returned, for forms (FND-6). */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (error instanceof TRPCClientError) {
    const data = error.data as { fieldErrors?: Record<string, string> | null } | undefined;
    return data?.fieldErrors ?? {};
  }
  return {};
}
