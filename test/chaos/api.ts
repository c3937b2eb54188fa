/**
 * The chaos suite's HTTP client: the app's own tRPC client (plain JSON, one request per call, no
 * batching) over real HTTP with keep-alive, signed in by a session cookie, with every response
 * counted: status, `Retry-After` on 503s, and whether the error carried the request id.
 */
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@/server/api/root';

export interface ResponseStats {
  /** Responses by HTTP status. */
  byStatus: Map<number, number>;
  /** Requests that got no response (refused, reset, timed out). */
  noResponse: number;
  /** 503 responses without a Retry-After header. */
  unavailableWithoutRetryAfter: number;
  /** Error responses whose body had no request id. */
  errorsWithoutRequestId: number;
}

export function newStats(): ResponseStats {
  return { byStatus: new Map(), noResponse: 0, unavailableWithoutRetryAfter: 0, errorsWithoutRequestId: 0 };
}

export type Api = ReturnType<typeof createApi>;

/** A tRPC client of `baseUrl` as the session `sessionToken`; every request times out after `timeoutMs`. */
export function createApi(baseUrl: string, sessionToken: string, stats: ResponseStats, timeoutMs = 15_000) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/api/trpc`,
        headers: () => ({ cookie: `kanso.session=${sessionToken}`, origin: baseUrl, 'x-kanso-locale': 'en' }),
        fetch: async (url, init) => {
          let response: Response;
          try {
            response = await fetch(url, { ...(init as RequestInit), signal: AbortSignal.timeout(timeoutMs) });
          } catch (error) {
            stats.noResponse += 1;
            throw error;
          }
          stats.byStatus.set(response.status, (stats.byStatus.get(response.status) ?? 0) + 1);
          if (response.status === 503 && !response.headers.get('retry-after')) stats.unavailableWithoutRetryAfter += 1;
          if (response.status >= 400) {
            const body = await response.clone().text();
            if (!/"requestId":"[^"]+"/.test(body)) stats.errorsWithoutRequestId += 1;
          }
          return response;
        },
      }),
    ],
  });
}

/** What a failed call says: the HTTP status (undefined when no response came) and the tRPC error data. */
export function failureOf(error: unknown): { status?: number; code?: string; current?: { version: number; title: string } } {
  if (error instanceof TRPCClientError) {
    const data = error.data as { httpStatus?: number; code?: string; current?: { version: number; title: string } } | undefined;
    if (data?.httpStatus) return { status: data.httpStatus, code: data.code, current: data.current };
  }
  return {};
}
