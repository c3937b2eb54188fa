/**
 * `jobs.probe`: a job that proves the worker end to end — it waits `sleepMs` (as real work would),
 * then records one `job_probe_runs` row, claiming its effect `jobs.probe:<key>` in the same
 * transaction. Operators enqueue probes with `npm run cli -- jobs:probe`; the crash test and
 * bench/jobs count the rows: one per key means every probe ran and none had its effect twice.
 */
import { sql } from 'drizzle-orm';
import { claimEffect, defineTask } from '@/server/platform/jobs';

declare module '@/server/platform/jobs' {
  interface JobPayloads {
    'jobs.probe': { key: string; sleepMs?: number; failTimes?: number };
  }
}

export const probeTask = defineTask({
  name: 'jobs.probe',
  maxAttempts: 5,
  async handle({ key, sleepMs = 0, failTimes = 0 }, ctx) {
    if (typeof key !== 'string' || key.length === 0) throw new Error('jobs.probe needs a string key');
    if (sleepMs > 0) {
      await new Promise<void>((resolve) => {
        // The signal is shared by the worker's jobs: remove the listener when done.
        const onAbort = () => (clearTimeout(timer), resolve());
        const timer = setTimeout(() => (ctx.signal.removeEventListener('abort', onAbort), resolve()), Math.min(sleepMs, 60_000));
        ctx.signal.addEventListener('abort', onAbort, { once: true });
      });
      if (ctx.signal.aborted) throw new Error('probe aborted by shutdown');
    }
    // A probe asked to fail its first attempts (retry and dead-letter tests).
    if (ctx.attempt <= failTimes) throw new Error(`probe failing on purpose (attempt ${ctx.attempt} of ${failTimes})`);
    await ctx.db.transaction(async (tx) => {
      if (!(await claimEffect(tx, `jobs.probe:${key}`))) return;
      await tx.execute(sql`INSERT INTO job_probe_runs (probe_key, attempt) VALUES (${key}, ${ctx.attempt})`);
    });
  },
});
