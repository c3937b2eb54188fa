/**
 * A fake of Have I Been Pwned's Pwned Passwords range API for tests (AUTH-3): node:http on
 * 127.0.0.1 at a random port, `GET /range/{5 hex}` answered like the real service — one
 * `SUFFIX:COUNT` line per known suffix, plus zero-count decoys when asked for `Add-Padding: true`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();
}

export interface FakeRangeApi {
  url: string;
  requests: Array<{ path: string; headers: IncomingHttpHeaders }>;
  /** Marks `password` as breached `count` times. */
  breach(password: string, count: number): void;
  /** Answers every request after `ms` (to run into the client's timeout). */
  delay(ms: number): void;
  /** Answers every request with this status. */
  status(code: number): void;
  close(): Promise<void>;
}

export async function startFakeRangeApi(): Promise<FakeRangeApi> {
  const breached = new Map<string, Map<string, number>>();
  const requests: FakeRangeApi['requests'] = [];
  let delayMs = 0;
  let statusCode = 200;
  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    const prefix = /^\/range\/([0-9A-F]{5})$/i.exec(req.url ?? '')?.[1]?.toUpperCase();
    const answer = () => {
      if (statusCode !== 200) {
        res.writeHead(statusCode).end();
        return;
      }
      if (!prefix) {
        res.writeHead(400).end('The hash prefix was not in a valid format');
        return;
      }
      const lines = [...(breached.get(prefix) ?? new Map<string, number>())].map(([suffix, count]) => `${suffix}:${count}`);
      // Add-Padding: decoy suffixes with a count of 0, so every answer is about as long.
      if (req.headers['add-padding'] === 'true') {
        for (let i = 0; i < 800; i += 1) lines.push(`${randomBytes(18).toString('hex').slice(0, 35).toUpperCase()}:0`);
      }
      lines.sort();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    breach(password, count) {
      const digest = sha1(password);
      const entries = breached.get(digest.slice(0, 5)) ?? new Map<string, number>();
      entries.set(digest.slice(5), count);
      breached.set(digest.slice(0, 5), entries);
    },
    delay: (ms) => void (delayMs = ms),
    status: (code) => void (statusCode = code),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
