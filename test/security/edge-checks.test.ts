/**
 * CSRF and size at the edge (SEC-3), over HTTP through the production web process's direct API path:
 * a cross-origin POST with a valid session cookie is refused 403 and changes nothing; a same-origin
 * one passes; nothing is allowed cross-origin (no CORS headers, even for a preflight); a 20 MB body
 * gets 413 before it is read (the server's RSS stays flat), and a body of unknown length is cut at
 * the limit.
 */
import { connect } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPC_BODY_LIMIT } from '@/server/platform/edge';
import { startApiServer, type ApiServer } from '../support/api-http';
import { testDb } from '../support/db';
import { callerAs, makeUser } from '../support/trpc';

let server: ApiServer;
let port: number;
let base: string;
const APP_URL = 'http://localhost:3000';

beforeAll(async () => {
  server = await startApiServer();
  ({ port, base } = server);
});
afterAll(() => server.close());

async function signedIn(): Promise<{ cookie: string; userId: string }> {
  const user = await makeUser();
  const { jar } = await callerAs(user.id);
  return { cookie: [...jar.values].map(([k, v]) => `${k}=${v}`).join('; '), userId: user.id };
}

function createWorkspace(cookie: string, headers: Record<string, string>, name: string) {
  return fetch(`${base}/api/trpc/workspace.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, ...headers },
    body: JSON.stringify({ name }),
  });
}

async function workspacesNamed(name: string): Promise<number> {
  const rows = await testDb().execute(sql`select 1 from workspaces where name = ${name}`);
  return rows.length;
}

describe('Origin check', () => {
  it('refuses a cross-origin POST with a valid session cookie (403, typed, localised) and writes nothing', async () => {
    const { cookie } = await signedIn();
    const name = `Cross ${Date.now()}`;
    const response = await createWorkspace(cookie, { origin: 'https://evil.example', 'x-kanso-locale': 'en' }, name);
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { message: string; data: { appCode: string; httpStatus: number } } };
    expect(body.error.message).toBe('This request came from another site and was refused.');
    expect(body.error.data).toMatchObject({ appCode: 'FORBIDDEN', httpStatus: 403 });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await workspacesNamed(name)).toBe(0);
  });

  it('refuses a cookie-carrying POST with neither Origin nor Referer, and one from a look-alike origin', async () => {
    const { cookie } = await signedIn();
    const name = `NoOrigin ${Date.now()}`;
    expect((await createWorkspace(cookie, {}, name)).status).toBe(403);
    expect((await createWorkspace(cookie, { origin: 'http://localhost:3000.evil.example' }, name)).status).toBe(403);
    expect((await createWorkspace(cookie, { referer: 'https://evil.example/page' }, name)).status).toBe(403);
    expect(await workspacesNamed(name)).toBe(0);
  });

  it('takes a same-origin POST: APP_URL’s origin, the request’s own, or a same-origin Referer', async () => {
    const { cookie } = await signedIn();
    expect((await createWorkspace(cookie, { origin: APP_URL }, `Same A ${Date.now()}`)).status).toBe(200);
    expect((await createWorkspace(cookie, { origin: base }, `Same B ${Date.now()}`)).status).toBe(200);
    expect((await createWorkspace(cookie, { referer: `${APP_URL}/en/onboarding` }, `Same C ${Date.now()}`)).status).toBe(200);
  });

  it('allows nothing cross-origin: a preflight gets no CORS headers', async () => {
    const response = await fetch(`${base}/api/trpc/workspace.create`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

/** Sends `total` bytes as a request body from one small buffer; resolves with the status line and how much was written before the server answered. */
function sendLargeBody(path: string, headers: Record<string, string>, total: number): Promise<{ status: number; written: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let answer = '';
    let done = false;
    const finish = () => {
      if (done) return;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (!match) return;
      done = true;
      socket.destroy();
      resolve({ status: Number(match[1]), written });
    };
    socket.on('data', (data: Buffer) => {
      answer += data.toString('latin1');
      finish();
    });
    socket.on('error', (err) => (answer ? finish() : reject(err)));
    socket.on('close', finish);
    socket.on('connect', () => {
      const head = Object.entries({ host: `127.0.0.1:${port}`, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      const chunked = headers['transfer-encoding'] === 'chunked';
      const pump = () => {
        while (!done && written < total) {
          const frame = chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
          written += chunk.length;
          if (!socket.write(frame)) return void socket.once('drain', pump);
        }
        if (chunked && !done) socket.write('0\r\n\r\n');
      };
      pump();
    });
  });
}

describe('body limits', () => {
  it('answers a declared 20 MB body with 413 before reading it; the server’s RSS stays flat', async () => {
    const { cookie } = await signedIn();
    const size = 20 * 1024 * 1024;
    global.gc?.();
    const before = process.memoryUsage().rss;
    const { status } = await sendLargeBody('/api/trpc/workspace.create', { origin: APP_URL, cookie, 'content-type': 'application/json', 'content-length': String(size) }, size);
    const grown = process.memoryUsage().rss - before;
    expect(status).toBe(413);
    // The 20 MB never sat in memory (client and server share this process: ≪ 20 MB either way).
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });

  it('cuts a body of unknown length at the limit (413)', async () => {
    const { cookie } = await signedIn();
    const { status, written } = await sendLargeBody(
      '/api/trpc/workspace.create',
      { origin: APP_URL, cookie, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      TRPC_BODY_LIMIT * 8,
    );
    expect(status).toBe(413);
    expect(written).toBeLessThan(TRPC_BODY_LIMIT * 8);
  });
});
