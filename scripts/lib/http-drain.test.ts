/**
 * Draining a real node:http server with real keep-alive clients: a request in flight completes
 * (told `Connection: close`), a request arriving on an open connection during the drain is
 * answered, an idle keep-alive connection is closed, new connections are refused, and a request
 * that outlives the grace period is cut. Outcomes only.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDrainable } from './http-drain';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections();
});

/** A server whose `/slow?ms=N` answers after N ms and `/` at once. */
async function start(idleCloseMs = 100) {
  const server = http.createServer((req, res) => {
    const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
    setTimeout(() => res.end('done'), ms);
  });
  servers.push(server);
  const drainable = makeDrainable(server, { idleCloseMs, tickMs: 20 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, drainable, port: (server.address() as AddressInfo).port };
}

interface Reply {
  status?: number;
  connection?: string;
  body?: string;
  error?: string;
}

function get(port: number, path: string, agent?: http.Agent): Promise<Reply> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      })
      .on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('makeDrainable', () => {
  it('lets a request in flight finish, closes idle keep-alive connections and refuses new ones', async () => {
    const { server, drainable, port } = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    // One connection made idle (a request done, kept alive), one busy with a slow request.
    expect(await get(port, '/', agent)).toMatchObject({ status: 200, connection: 'keep-alive' });
    const idle = [...Object.values(agent.freeSockets).flat()][0] as Socket;
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    const slow = get(port, '/slow?ms=400', agent);
    await until(() => drainable.inFlight() === 1);

    const drained = drainable.drain(5_000);
    expect(server.listening).toBe(false);
    expect(await get(port, '/')).toMatchObject({ error: 'ECONNREFUSED' });

    expect(await slow).toEqual({ status: 200, connection: 'close', body: 'done' });
    await idleClosed;
    expect(await drained).toMatchObject({ completed: 1, cut: 0 });
    expect(drainable.connections()).toBe(0);
    agent.destroy();
  });

  it('answers a request that arrives on an open connection during the drain, with Connection: close', async () => {
    // Idle only after a long pause, so the reused connection below is never taken for idle.
    const { drainable, port } = await start(10_000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect(await get(port, '/', agent)).toMatchObject({ status: 200, connection: 'keep-alive' });

    const drained = drainable.drain(5_000);
    // The kept-alive connection is reused at once (before it counts as idle).
    expect(await get(port, '/slow?ms=50', agent)).toEqual({ status: 200, connection: 'close', body: 'done' });
    expect(await drained).toMatchObject({ completed: 0, cut: 0, lateServed: 1 });
    agent.destroy();
  });

  it('cuts a request that outlives the grace period', async () => {
    const { drainable, port } = await start();
    const slow = get(port, '/slow?ms=30000');
    await until(() => drainable.inFlight() === 1);

    const result = await drainable.drain(200);

    expect(result).toMatchObject({ completed: 0, cut: 1 });
    expect((await slow).error).toMatch(/ECONNRESET|socket hang up/);
  });
});
