import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 503 (database reconnecting) heals by itself: keep trying, at the server's Retry-After.
        retry: (count, error) => (isUnavailable(error) ? count < 10 : count < 2 && !isClientError(error)),
        retryDelay: (attempt, error) => Math.min(isUnavailable(error) ? (retryAfterSeconds(error) ?? 2 ** attempt) * 1000 : 1000 * 2 ** attempt, 30_000),
      },
      // The cached data is plain JSON (dates are ISO strings, ADR 0013): it is streamed as it is.
      dehydrate: {
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
      },
    },
  });
}

function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { data?: { httpStatus?: unknown } } | null)?.data?.httpStatus;
  return typeof status === 'number' ? status : undefined;
}

function isClientError(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status !== undefined && status >= 400 && status < 500;
}

export function isUnavailable(error: unknown): boolean {
  return httpStatusOf(error) === 503;
}

function retryAfterSeconds(error: unknown): number | undefined {
  const seconds = (error as { data?: { retryAfter?: unknown } } | null)?.data?.retryAfter;
  return typeof seconds === 'number' && seconds > 0 ? seconds : undefined;
}
