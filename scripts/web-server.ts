/**
 * The web process in production: `npm run start:web` (REL-1; docs/deploy.md, ADR 0010).
 *
 * The Next app (production build in .next/, `src/proxy.ts` included) served by node:http through
 * Next's documented custom-server API, so that shutdown can drain: on SIGTERM or SIGINT it stops
 * accepting, closes idle keep-alive connections, lets requests in flight finish within
 * KANSO_SHUTDOWN_GRACE_MS (default 10 s), cuts what is left, and exits 0; its last log line says
 * how many requests completed and how many were cut. `next start` keeps serving keep-alive
 * connections until it is killed.
 *
 * It runs neither migrations nor PostgreSQL: it takes DATABASE_URL (run `npm run db:migrate`
 * first; readiness answers 503 naming a pending migration). Several instances may run side by side.
 *
 * API calls (`/api/trpc/*`) take the direct API path (scripts/lib/api-server.ts, ADR 0018): the
 * same tRPC handler and edge policy as under Next, without Next's request pipeline.
 *
 *   PORT (3000)  KANSO_HOST (all interfaces)  KANSO_SHUTDOWN_GRACE_MS (10000)
 *   KANSO_API_DIRECT (true; false: Next serves the API too, through its route handler)
 */
import { createServer } from 'node:http';
import { register } from 'node:module';
import { isApiRequest } from './lib/api-path';
import { makeDrainable } from './lib/http-drain';
import { shutdownGraceMs } from './lib/shutdown';

// Next reads NODE_ENV while loading; a production server is what this file is.
if (process.env.NODE_ENV !== 'production') (process.env as Record<string, string>).NODE_ENV = 'production';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';
// Every request's client address and scheme are stamped below, before Next sees it (ADR 0024).
process.env.KANSO_EDGE_STAMPS_CLIENT = '1';

const { createLogger } = await import('../src/server/platform/logger');
const { stampRequest } = await import('../src/server/platform/client-ip');
const { env } = await import('../src/server/platform/env');
// tsx turns Node's source-map support on; `next start` runs without it, and so does this server
// from here on (stack traces built while serving are not mapped through Next's chunk source maps).
process.setSourceMapsEnabled(false);
// The direct API path loads the server modules itself (outside Next's bundle; `server-only` is a
// no-op here, as it is in Next's server build), while Next prepares.
register('./lib/server-only-hooks.mjs', import.meta.url);
const apiLoading = process.env.KANSO_API_DIRECT === 'false' ? null : import('./lib/api-server');
apiLoading?.catch(() => {}); // awaited (and thrown) below, once Next is prepared
const { default: next } = await import('next');

const log = createLogger({ service: 'kanso-web' });
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.KANSO_HOST || undefined;
const graceMs = shutdownGraceMs();
const started = Date.now();

let stopping = false;
let listening = false;
const onSignal = (signal: NodeJS.Signals) => {
  if (!listening) {
    log.info({ signal }, 'web server stopped before it listened');
    process.exit(0);
  }
  void shutdown(signal);
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, onSignal);

const app = next({ dev: false, dir: process.cwd(), hostname: hostname ?? 'localhost', port });
await app.prepare();
const api = apiLoading ? await apiLoading : null;
const handle = app.getRequestHandler();

const trustedHops = env().TRUST_PROXY;
const server = createServer((req, res) => {
  stampRequest(req, trustedHops);
  const served = api && isApiRequest(req.url) ? api.serveApi(req, res) : handle(req, res);
  served.catch((err: unknown) => {
    // The path only: a query string can carry a token (reset and verification links).
    log.error({ err, path: req.url?.split('?')[0] }, 'request handler failed');
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
const drainable = makeDrainable(server);

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return; // a terminal's Ctrl+C and a supervisor may both signal
  stopping = true;
  log.info({ signal, inFlight: drainable.inFlight(), connections: drainable.connections(), graceMs }, 'web server draining');
  const result = await drainable.drain(graceMs);
  await Promise.race([app.close(), new Promise((r) => setTimeout(r, 2_000).unref())]);
  log.info(
    { signal, ...result },
    result.cut === 0
      ? `web server stopped: drained in ${result.ms} ms (${result.completed} in-flight requests completed)`
      : `web server stopped: grace period of ${graceMs} ms over, ${result.cut} requests cut, ${result.completed} completed`,
  );
  process.exit(0);
}
server.on('error', (err) => {
  log.fatal({ err, port }, 'web server cannot listen');
  process.exit(1);
});
server.listen(port, hostname, () => {
  listening = true;
  log.info({ port, host: hostname ?? 'all interfaces', ms: Date.now() - started }, 'web server listening');
});
