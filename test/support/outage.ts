/**
 * Database outages for tests, without mocks: the process pool (`db()`) is pointed at a loopback
 * port where no PostgreSQL listens (connections are refused, as when the server is stopped), or at a
 * TCP listener that accepts and never answers (a hung server: only timeouts end the wait).
 */
import net from 'node:net';
import { afterEach } from 'vitest';
import { freePort } from '../../scripts/lib/embedded-postgres';
import { closeDb } from '@/server/db/client';
import { resetEnvCache } from '@/server/platform/env';

/** A postgres:// URL (same role and database as `url`) on a port nothing listens on. */
export async function refusedUrl(url: string): Promise<string> {
  const target = new URL(url);
  target.port = String(await freePort());
  return target.toString();
}

/** A TCP server that accepts connections and never says a word; `url` with its port. */
export async function silentServer(url: string): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target = new URL(url);
  target.port = String((server.address() as net.AddressInfo).port);
  return {
    url: target.toString(),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Makes `db()` (what route handlers and createContext use) connect to `outageUrl` until `end()`,
 * then back to this file's database. Pools are closed on both switches.
 */
export async function databaseOutage(outageUrl: string): Promise<{ end: () => Promise<void> }> {
  const original = process.env.DATABASE_URL;
  await closeDb();
  process.env.DATABASE_URL = outageUrl;
  resetEnvCache();
  return {
    end: async () => {
      await closeDb();
      process.env.DATABASE_URL = original;
      resetEnvCache();
    },
  };
}

/**
 * An outage switch for a test file: `start(url)` points `db()` at `url`, `end()` (and, at the latest,
 * afterEach) points it back.
 */
export function outageSwitch() {
  let current: { end: () => Promise<void> } | undefined;
  const end = async () => {
    await current?.end();
    current = undefined;
  };
  afterEach(end);
  return {
    start: async (url: string) => {
      await end();
      current = await databaseOutage(url);
    },
    end,
  };
}
