/**
 * The web process's direct API path (ADR 0018) answers exactly as Next's route handler does — same
 * status, body and cookies — and carries the edge policy of src/proxy.ts: the request id (kept
 * when well-formed, replaced otherwise) and every baseline security header.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET, POST } from '@/app/api/trpc/[trpc]/route';
import { edgeResponseHeaders } from '@/server/platform/edge';
import { callerAs, makeUser, makeWorkspace } from '../../test/support/trpc';
import { isApiRequest } from './api-path';
import { serveApi } from './api-server';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => void serveApi(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function cookieOf(userId: string): Promise<string> {
  const { jar } = await callerAs(userId);
  return [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
}

describe('direct API path', () => {
  it('takes only tRPC calls', () => {
    expect(isApiRequest('/api/trpc/task.list?input=%7B%7D')).toBe(true);
    expect(isApiRequest('/api/health/live')).toBe(false);
    expect(isApiRequest('/en/w/acme')).toBe(false);
    expect(isApiRequest(undefined)).toBe(false);
  });

  it('answers a query as the route handler does, with the edge headers and the caller’s request id', async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    const cookie = await cookieOf(user.id);
    const path = `/api/trpc/workspace.get?input=${encodeURIComponent(JSON.stringify({ workspaceSlug: ws.slug }))}`;
    const direct = await fetch(base + path, { headers: { cookie, 'x-request-id': 'req-direct-0001' } });
    const viaNext = await GET(new Request(`http://localhost${path}`, { headers: { cookie } }));
    expect(direct.status).toBe(200);
    expect(await direct.json()).toEqual(await viaNext.json());
    for (const [name, value] of Object.entries(edgeResponseHeaders('req-direct-0001'))) {
      expect(direct.headers.get(name)).toBe(value);
    }
  });

  it('replaces a malformed request id and answers a refusal as a typed, localised error', async () => {
    const response = await fetch(`${base}/api/trpc/workspace.list`, { headers: { 'x-request-id': 'bad id!', 'x-kanso-locale': 'de' } });
    expect(response.status).toBe(401);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as { error: { data: { appCode: string; requestId: string } } };
    expect(body.error.data.appCode).toBe('UNAUTHORIZED');
    expect(body.error.data.requestId).toBe(requestId);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('passes every Set-Cookie of a mutation through, and writes what the route handler writes', async () => {
    const user = await makeUser();
    const cookie = await cookieOf(user.id);
    // A browser's same-origin POST carries Origin (the edge refuses a cookie-carrying POST without one).
    const create = (name: string) => ({ method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: 'http://localhost:3000' }, body: JSON.stringify({ name }) });
    const direct = await fetch(`${base}/api/trpc/workspace.create`, create('Direct Crew'));
    const viaNext = await POST(new Request('http://localhost/api/trpc/workspace.create', create('Routed Crew')));
    expect(direct.status).toBe(viaNext.status);
    const { caller } = await callerAs(user.id);
    expect((await caller.workspace.list()).map((w) => w.name).sort()).toEqual(['Direct Crew', 'Routed Crew']);

    const signOut = await fetch(`${base}/api/trpc/auth.signOut?batch=1`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: 'http://localhost:3000' }, body: '{}' });
    expect(signOut.status).toBe(200);
    expect(signOut.headers.getSetCookie().some((c) => /^kanso\.session=;/.test(c) && /Max-Age=0/.test(c))).toBe(true);
  });
});
