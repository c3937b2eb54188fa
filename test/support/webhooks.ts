/**
 * Webhook test helpers: a real HTTP receiver on 127.0.0.1 (records every request, answers what the
 * test tells it), a resolver to install with `setWebhookLookup` (host names answered from a table,
 * no real DNS), and a bounded wait.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupFunction } from '@/server/webhooks/address-guard';

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Receiver {
  port: number;
  url(path?: string): string;
  requests: ReceivedRequest[];
  /** Status (and body) answered from now on; default 200 "ok". */
  respond(status: number, body?: string): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let status = 200;
  let answer = 'ok';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      requests.push({ path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://127.0.0.1:1/elsewhere' } : { 'content-type': 'text/plain' });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    respond(s, b = s < 300 ? 'ok' : `failing with ${s}`) {
      status = s;
      answer = b;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A resolver answering host names from `table` (anything else: ENOTFOUND). Mutate the table to rebind. */
export function tableLookup(table: Map<string, string>): LookupFunction {
  const lookup = (hostname: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (err: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    const address = table.get(hostname);
    if (!address) {
      const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      process.nextTick(() => cb(error));
      return;
    }
    const family = address.includes(':') ? 6 : 4;
    process.nextTick(() => (all ? cb(null, [{ address, family }]) : cb(null, address, family)));
  };
  return lookup as unknown as LookupFunction;
}

/** Waits (bounded) until `predicate` holds; throws `what` when it never did. */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for: ${what}`);
}
