/**
 * The server start-up hook (ADR 0013): without SENTRY_DSN the Sentry SDK is never loaded and no
 * OpenTelemetry tracer provider exists (so no span is made per request); with a DSN it is, and a
 * request error reaches the Sentry ingest (a local fake envelope endpoint). Each case runs in its
 * own process (test/support/sentry-probe.ts), as the app's server would.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const envelopes: string[] = [];
const ingest = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (req.url?.startsWith('/api/42/envelope')) envelopes.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => ingest.listen(0, '127.0.0.1', resolve));
  port = (ingest.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => ingest.close(() => resolve())));

async function probe(dsn: string | undefined): Promise<{ sentryLoaded: boolean; tracerProvider: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sentry-probe.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: 'postgres://probe@127.0.0.1:1/probe',
      AUTH_SECRET: 'probe-secret-probe-secret-probe-secret-42',
      ...(dsn ? { SENTRY_DSN: dsn } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`probe exited ${code}: ${err}`);
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { sentryLoaded: boolean; tracerProvider: boolean };
}

describe('Sentry on the server', () => {
  it('without a DSN: the SDK is not loaded, no tracer provider, request errors go nowhere', async () => {
    expect(await probe(undefined)).toEqual({ sentryLoaded: false, tracerProvider: false });
    expect(envelopes).toEqual([]);
  }, 60_000);

  it('with a DSN: initialised, and a request error reaches the ingest', async () => {
    expect(await probe(`http://public@127.0.0.1:${port}/42`)).toEqual({ sentryLoaded: true, tracerProvider: true });
    expect(envelopes.some((e) => e.includes('sentry probe'))).toBe(true);
  }, 60_000);
});
