/**
 * The browser's view of API reachability, fed by real HTTP answers: a local server answers the
 * tRPC-like requests (503 + Retry-After while "the database is down") and the readiness probe.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionMonitor, observedFetch, retryAfterMs } from './connection-status';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function api(state: { down: boolean; probes: number }): Promise<string> {
  server = http.createServer((req, res) => {
    if (req.url === '/api/health/ready') state.probes += 1;
    if (state.down) res.writeHead(503, { 'retry-after': '1' }).end('{}');
    else res.writeHead(200).end('{}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function until(what: string, done: () => boolean): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ConnectionMonitor', () => {
  it('a 503 means reconnecting; it probes readiness by itself and is online again once the API answers', async () => {
    const state = { down: true, probes: 0 };
    const base = await api(state);
    const monitor = new ConnectionMonitor({ probe: async () => (await fetch(`${base}/api/health/ready`)).ok, initialDelayMs: 20, maxDelayMs: 40 });
    const seen: string[] = [];
    monitor.subscribe(() => seen.push(monitor.get().status));
    const tracked = observedFetch(monitor);

    expect((await tracked(`${base}/api/trpc/task.update`, { method: 'POST' })).status).toBe(503);
    expect(monitor.get().status).toBe('reconnecting');
    // Retry-After: 1 → the first probe after a second, then backing off; still down.
    await until('two probes', () => state.probes >= 2);
    expect(monitor.get().status).toBe('reconnecting');

    state.down = false;
    await until('online', () => monitor.get().status === 'online');
    expect(seen).toEqual(['reconnecting', 'online']);
    monitor.dispose();
  });

  it('a request that gets no answer at all means reconnecting; any answer below 502 means online', async () => {
    const monitor = new ConnectionMonitor({ probe: async () => false, initialDelayMs: 10_000 });
    const tracked = observedFetch(monitor);
    // A port nothing listens on: fetch rejects like a dropped network.
    await expect(tracked('http://127.0.0.1:9/api/trpc/x')).rejects.toThrow();
    expect(monitor.get().status).toBe('reconnecting');
    const state = { down: false, probes: 0 };
    const base = await api(state);
    await tracked(`${base}/api/trpc/x`);
    expect(monitor.get().status).toBe('online');
    monitor.dispose();
  });

  it('reads Retry-After seconds, ignores dates and junk', () => {
    expect(retryAfterMs('5')).toBe(5000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
