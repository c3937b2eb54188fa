/**
 * JOBS-1's crash acceptance against the real worker process (worker/job-worker.ts, started the way
 * the launcher starts it): kill -9 the worker while 100 jobs are running → after a restart every job
 * completes and every effect happened exactly once (rows counted). And SIGTERM: running jobs finish
 * (or are released) and the process exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { enqueueJob } from '@/server/platform/jobs';
import { freePort } from '../../scripts/lib/embedded-postgres';
import { WORKER_ENTRY, WORKER_NODE_OPTIONS } from '../../scripts/lib/sidecar-command';
import { adminSql, testDatabase, testDb } from '../support/db';
import { dueJobs } from '../support/jobs';

interface WorkerProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
}

async function startWorker(env: Record<string, string> = {}): Promise<WorkerProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [...WORKER_NODE_OPTIONS, ...WORKER_ENTRY], {
    env: {
      ...process.env,
      DATABASE_URL: testDatabase().appUrl,
      WORKER_PORT: String(port),
      WORKER_HOST: '127.0.0.1',
      JOBS_CONCURRENCY: '100',
      // Longer than the test waits: recovery after kill -9 must come from the restart, not the lease.
      JOBS_LEASE_SECONDS: '60',
      KANSO_WORKER_SCHEDULES: 'off',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => void (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (output += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { child, port, output: () => output };
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`worker did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

async function until(what: string, predicate: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const lockedJobs = async () => (await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE locked_at IS NOT NULL`)[0]!.n;
const runs = async (prefix: string) =>
  (await adminSql()<{ runs: number; keys: number }[]>`
    SELECT count(*)::int AS runs, count(DISTINCT probe_key)::int AS keys FROM job_probe_runs WHERE probe_key LIKE ${`${prefix}%`}`)[0]!;

describe('the worker process', () => {
  it('kill -9 with 100 jobs running: after a restart all 100 complete, each effect exactly once', async () => {
    const first = await startWorker();
    // 100 probes that each take 4 s: all of them are running when the worker is killed.
    await testDb().transaction(async (tx) => {
      for (let i = 0; i < 100; i += 1) await enqueueJob(tx, 'jobs.probe', { key: `crash-${i}`, sleepMs: 4_000 });
    });
    await until('100 jobs running', async () => (await lockedJobs()) === 100);
    first.child.kill('SIGKILL');
    expect((await exited(first.child)).signal).toBe('SIGKILL');
    expect(await lockedJobs()).toBe(100);
    expect((await runs('crash-')).runs).toBe(0);

    // The restart on the same host releases the dead process's locks at once (no 60 s lease wait).
    const second = await startWorker();
    try {
      await until('every job done', async () => (await dueJobs()) === 0 && (await runs('crash-')).keys === 100, 40_000);
      expect(await runs('crash-')).toEqual({ runs: 100, keys: 100 });
      const [left] = await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`;
      expect(left!.n).toBe(0);
      expect(second.output()).toMatch(/released jobs of a worker that is gone/);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  }, 90_000);

  it('SIGTERM: running jobs finish within the grace period, then the process exits 0', async () => {
    const worker = await startWorker({ JOBS_SHUTDOWN_GRACE_MS: '8000' });
    await testDb().transaction(async (tx) => {
      for (let i = 0; i < 10; i += 1) await enqueueJob(tx, 'jobs.probe', { key: `term-${i}`, sleepMs: 1_500 });
    });
    await until('10 jobs running', async () => (await lockedJobs()) === 10);
    worker.child.kill('SIGTERM');
    expect((await exited(worker.child)).code).toBe(0);
    expect(await runs('term-')).toEqual({ runs: 10, keys: 10 });
    expect(await lockedJobs()).toBe(0);
    const [beats] = await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM job_worker_heartbeats`;
    expect(beats!.n).toBe(0);
  }, 60_000);

  it('SIGTERM past the grace period: unfinished jobs are released (not lost) and run again later', async () => {
    const worker = await startWorker({ JOBS_SHUTDOWN_GRACE_MS: '500' });
    await enqueueJob(testDb(), 'jobs.probe', { key: 'slow-1', sleepMs: 20_000 });
    await until('the job running', async () => (await lockedJobs()) === 1);
    worker.child.kill('SIGTERM');
    expect((await exited(worker.child)).code).toBe(0);
    const jobs = await adminSql()<{ locked: boolean; attempts: number }[]>`SELECT locked_at IS NOT NULL AS locked, attempts FROM graphile_worker._private_jobs`;
    expect(jobs).toEqual([{ locked: false, attempts: 1 }]);
    expect((await runs('slow-')).runs).toBe(0);
  }, 60_000);
});
