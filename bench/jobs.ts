/**
 * `npm run bench:jobs` — the job worker measured (JOBS-1, JOBS-2, JOBS-3):
 *
 *   1. throughput: N probe jobs (src/server/jobs/probe-task.ts: a transaction that claims its
 *      effect and writes one row) through the REAL worker process (worker/job-worker.ts) at a few
 *      concurrencies; jobs/s from the enqueueing COMMIT to the last effect row;
 *   2. outbox → webhook: E events (task creations through the real task service, one transaction
 *      each, in one workspace) relayed by the worker to a webhook endpoint on a local receiver;
 *      latency per event from its COMMIT to the receiver reading the signed delivery, p50/p95/max.
 *
 *   npm run bench:jobs -- [--jobs=2000] [--concurrency=4,16] [--events=1000] [--rate=50]
 *
 * PostgreSQL: an embedded cluster in .data/bench-jobs/ on EMBEDDED_PG_PORT (default 54352), removed
 * afterwards; the worker's health port 3452. Loopback only, bounded; prints figures, asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from '../scripts/lib/embedded-postgres';
import { WORKER_ENTRY, WORKER_NODE_OPTIONS } from '../scripts/lib/sidecar-command';
import { benchArgs, percentile } from './lib/cli';
import { benchWebhookLatency } from './jobs-webhooks';

const args = benchArgs();
const JOBS = Math.max(1, Number(args.jobs ?? 2000));
const LEVELS = (args.concurrency ?? '4,16').split(',').map(Number).filter((n) => n > 0);
const EVENTS = Math.max(1, Number(args.events ?? 1000));
const RATE = Math.max(1, Number(args.rate ?? 50));
const WORKER_PORT = 3452;

const log = (line: string) => console.log(`[bench:jobs] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BenchWorker {
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** The worker process as the launcher starts it, on the bench database. */
export async function startWorker(env: Record<string, string>): Promise<BenchWorker> {
  const child = spawn(process.execPath, [...WORKER_NODE_OPTIONS, ...WORKER_ENTRY], {
    env: { ...process.env, WORKER_PORT: String(WORKER_PORT), WORKER_HOST: '127.0.0.1', KANSO_WORKER_SCHEDULES: 'off', LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (const until = Date.now() + 30_000; ; ) {
    const ok = await fetch(`http://127.0.0.1:${WORKER_PORT}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > until) throw new Error('the worker did not become healthy');
    await sleep(100);
  }
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function throughput(owner: postgres.Sql, concurrency: number): Promise<void> {
  const worker = await startWorker({ JOBS_CONCURRENCY: String(concurrency) });
  try {
    const prefix = `bench-${concurrency}-${Date.now()}-`;
    const started = performance.now();
    await owner.begin(async (tx) => {
      for (let i = 0; i < JOBS; i += 1) await tx`SELECT graphile_worker.add_job('jobs.probe', ${tx.json({ key: `${prefix}${i}` })}::json)`;
    });
    const committed = performance.now();
    let done = 0;
    for (const until = Date.now() + 600_000; done < JOBS && Date.now() < until; ) {
      await sleep(50);
      done = (await owner<{ n: number }[]>`SELECT count(*)::int AS n FROM job_probe_runs WHERE probe_key LIKE ${`${prefix}%`}`)[0]!.n;
    }
    const finished = performance.now();
    const [dup] = await owner<{ n: number }[]>`SELECT (count(*) - count(DISTINCT probe_key))::int AS n FROM job_probe_runs WHERE probe_key LIKE ${`${prefix}%`}`;
    log(
      `throughput, concurrency ${concurrency}: ${done}/${JOBS} probe jobs in ${((finished - committed) / 1000).toFixed(2)} s after the enqueue commit ` +
        `(enqueue ${((committed - started) / 1000).toFixed(2)} s) → ${(done / ((finished - committed) / 1000)).toFixed(0)} jobs/s; duplicated effects ${dup!.n}`,
    );
  } finally {
    await worker.stop();
  }
}

async function main(): Promise<void> {
  const dataDir = path.resolve('.data/bench-jobs', `run-${process.pid}`);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  let cluster: EmbeddedCluster | undefined;
  try {
    cluster = await startEmbeddedPostgres({ dataDir, port: Number(process.env.EMBEDDED_PG_PORT ?? 54352) });
    await ensureDatabase(cluster, 'kanso_bench');
    process.env.DATABASE_URL = cluster.appUrl('kanso_bench');
    process.env.DATABASE_ADMIN_URL = cluster.ownerUrl('kanso_bench');
    process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
    process.env.LOG_LEVEL ??= 'warn';
    process.env.SMTP_URL ??= 'smtp://127.0.0.1:25999';
    log(`embedded PostgreSQL on port ${cluster.port}; ${JOBS} jobs per run, concurrency ${LEVELS.join(', ')}; ${EVENTS} events at ${RATE}/s`);
    const { migrateDatabase } = await import('../src/server/db/migrate');
    await migrateDatabase(process.env.DATABASE_ADMIN_URL, process.env.DATABASE_URL);
    // The probes' jobs are added with plain SQL as the app role (one add_job per job, as enqueueJob does).
    const owner = postgres(process.env.DATABASE_URL, { max: 2, onnotice: () => {} });
    try {
      for (const level of LEVELS) await throughput(owner, level);
      const latencies = await benchWebhookLatency({ events: EVENTS, rate: RATE, startWorker, log, id: randomUUID });
      if (latencies.length > 0) {
        const sorted = [...latencies].sort((a, b) => a - b);
        log(
          `outbox → webhook: ${sorted.length}/${EVENTS} events delivered and verified; commit → receiver ` +
            `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
        );
      }
    } finally {
      await owner.end();
    }
  } finally {
    await cluster?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[bench:jobs] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
