/**
 * The job worker process (JOBS-1; docs/jobs.md): `npm run start:worker`, and the third child of the
 * launcher (`npm run dev` / `npm start`). It runs the tasks and schedules of
 * src/server/jobs/task-list.ts through src/server/jobs/worker-runtime.ts.
 *
 * GET /health on WORKER_HOST:WORKER_PORT: 200 `{ status: 'ok', running }` while the queue and the
 * relay's LISTEN work, 503 otherwise (the supervisor's readiness probe and an operator's check).
 *
 * SIGTERM / SIGINT: no new jobs; running jobs get JOBS_SHUTDOWN_GRACE_MS to finish, then they are
 * aborted and released to run again; the pools close; exit 0. Killed outright (-9), its jobs are
 * released by the next worker on this host at its start, or by any worker after JOBS_LEASE_SECONDS.
 *
 * Like the sidecar it imports src/server (never the reverse). Unlike the sidecar it runs without
 * `--conditions=react-server` (it renders React Email, which needs react-dom/server): modules marked
 * `import 'server-only'` load through scripts/lib/server-only-register.mjs.
 */
import { createServer } from 'node:http';
import { setPriority } from 'node:os';
import { closeDb, db } from '@/server/db/client';
import { env } from '@/server/platform/env';
import { createLogger } from '@/server/platform/logger';
import { startWorkerRuntime } from '@/server/jobs/worker-runtime';

const config = env();
const log = createLogger({ service: 'kanso-worker', level: config.LOG_LEVEL });

// Background work yields the CPU to requests where they share a machine (JOBS_NICE, default 10).
try {
  setPriority(config.JOBS_NICE);
} catch (err) {
  log.warn({ err }, 'could not lower the worker priority');
}

const runtime = await startWorkerRuntime({
  databaseUrl: config.DATABASE_URL,
  db: db(),
  log,
  concurrency: config.JOBS_CONCURRENCY,
  leaseSeconds: config.JOBS_LEASE_SECONDS,
  shutdownGraceMs: config.JOBS_SHUTDOWN_GRACE_MS,
  pollIntervalMs: config.JOBS_POLL_INTERVAL_MS,
  schedules: process.env.KANSO_WORKER_SCHEDULES !== 'off',
});

const health = createServer((req, res) => {
  if (req.method !== 'GET' || req.url?.split('?')[0] !== '/health') {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  const ok = runtime.healthy();
  res
    .writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', running: runtime.running(), processId: runtime.processId }));
});
await new Promise<void>((resolve, reject) => {
  health.once('error', reject);
  health.listen(config.WORKER_PORT, config.WORKER_HOST, resolve);
});
log.info({ host: config.WORKER_HOST, port: config.WORKER_PORT, concurrency: config.JOBS_CONCURRENCY }, 'job worker running');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal, running: runtime.running() }, 'job worker stopping');
  const force = setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, config.JOBS_SHUTDOWN_GRACE_MS + 5_000);
  force.unref();
  try {
    health.close();
    await runtime.stop();
    await closeDb();
    log.info('job worker stopped');
    process.exit(0);
  } catch (err) {
    log.error({ err }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
void runtime.done.then(() => {
  if (!stopping) {
    log.error('job runner ended on its own; exiting');
    process.exit(1);
  }
});
