/**
 * A database outage as the browser sees it, through the real route module (fetchRequestHandler):
 * every call — query or mutation, batched or not, signed in or not — answers 503 with `Retry-After`,
 * the request id the proxy gave the request, and a localised message; once the database is back the
 * same calls succeed.
 */
import { randomUUID } from 'node:crypto';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError, type TRPCLink } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import type { AppRouter } from '@/server/api/root';
import { testDatabase } from '../../../../test/support/db';
import { outageSwitch, refusedUrl } from '../../../../test/support/outage';
import { callerAs, makeUser, makeWorkspace } from '../../../../test/support/trpc';

interface Seen {
  status: number;
  retryAfter: string | null;
  requestId: string;
}

async function browser(options: { batch: boolean; locale?: string; signedIn?: boolean }) {
  const owner = await makeUser();
  const ws = await makeWorkspace([{ userId: owner.id, role: 'owner' }]);
  const { jar } = await callerAs(options.signedIn === false ? null : owner.id);
  const cookie = [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
  const { GET, POST } = await import('@/app/api/trpc/[trpc]/route');
  const seen: Seen[] = [];
  const link = (options.batch ? httpBatchLink : httpLink)({
    url: 'http://localhost/api/trpc',
    fetch: async (url, init) => {
      // What src/proxy.ts does for every request: a fresh id on the request headers.
      const requestId = randomUUID();
      const headers = new Headers(init?.headers as HeadersInit);
      headers.set('x-request-id', requestId);
      if (cookie) headers.set('cookie', cookie);
      if (options.locale) headers.set('x-kanso-locale', options.locale);
      const request = new Request(url, { ...(init as RequestInit), headers });
      const response = await (request.method === 'GET' ? GET(request) : POST(request));
      seen.push({ status: response.status, retryAfter: response.headers.get('retry-after'), requestId });
      return response;
    },
  }) as TRPCLink<AppRouter>;
  return { owner, ws, seen, client: createTRPCClient<AppRouter>({ links: [link] }) };
}

/** The TRPCClientError a call rejected with. */
async function clientError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a TRPCClientError, got ${String(error)}`);
  return error as TRPCClientError<AppRouter>;
}

const outage = outageSwitch();

describe('tRPC over HTTP while the database is down', () => {
  it('a query and a mutation (not batched) answer 503 + Retry-After + the request id, then work again', async () => {
    const { client, seen, ws } = await browser({ batch: false });
    await outage.start(await refusedUrl(testDatabase().appUrl));

    const query = await clientError(client.workspace.list.query());
    const mutation = await clientError(client.task.create.mutate({ workspaceSlug: ws.slug, id: randomUUID(), projectId: randomUUID(), title: 'During the outage' }));
    expect(seen.map((s) => [s.status, s.retryAfter])).toEqual([
      [503, '5'],
      [503, '5'],
    ]);
    for (const [i, error] of [query, mutation].entries()) {
      expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 503, appCode: 'UNAVAILABLE', retryAfter: 5, requestId: seen[i]!.requestId });
      expect(error.message).toBe('Kanso is reconnecting to its database — try again in a moment.');
      // Nothing about where the database is.
      expect(JSON.stringify(error.shape)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|postgres/);
    }

    await outage.end();
    expect(await client.workspace.list.query()).toEqual([expect.objectContaining({ slug: ws.slug })]);
    expect(seen.at(-1)).toMatchObject({ status: 200, retryAfter: null });
  });

  it('a batch of queries answers 503 with one Retry-After and the request id on every call, in German', async () => {
    const { client, seen, ws } = await browser({ batch: true, locale: 'de' });
    await outage.start(await refusedUrl(testDatabase().appUrl));
    const [a, b] = await Promise.all([clientError(client.workspace.list.query()), clientError(client.project.list.query({ workspaceSlug: ws.slug }))]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ status: 503, retryAfter: '5' });
    for (const error of [a, b]) {
      expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId: seen[0]!.requestId });
      expect(error.message).toBe('Kanso verbindet sich wieder mit seiner Datenbank – bitte versuchen Sie es gleich noch einmal.');
    }
  });

  it('signed out: a mutation that needs the database answers 503 too (not 401, not 500)', async () => {
    const { client, seen } = await browser({ batch: false, signedIn: false });
    await outage.start(await refusedUrl(testDatabase().appUrl));
    const error = await clientError(client.auth.signIn.mutate({ email: 'someone@example.test', password: 'correct horse battery staple' }));
    expect(seen[0]).toMatchObject({ status: 503, retryAfter: '5' });
    expect(error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId: seen[0]!.requestId });
  });
});
