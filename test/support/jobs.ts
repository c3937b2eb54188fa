/**
 * The job worker in tests: an in-process worker runtime on the file's database (the same code the
 * worker process runs, src/server/jobs/worker-runtime.ts), and waits for the queue to drain.
 *
 *   const worker = await startTestWorker();
 *   … write something that enqueues jobs …
 *   await waitForJobsIdle();
 *   await worker.stop();
 *
 * For the real process (kill -9 and the like) see test/jobs/worker-crash.test.ts.
 */
import { createLogger } from '@/server/platform/logger';
import type { TaskDefinition } from '@/server/platform/jobs';
import { startWorkerRuntime, type WorkerRuntime } from '@/server/jobs/worker-runtime';
import { adminSql, testDb } from './db';

export async function startTestWorker(
  options: { concurrency?: number; leaseSeconds?: number; shutdownGraceMs?: number; tasks?: ReadonlyArray<TaskDefinition<never>> } = {},
): Promise<WorkerRuntime> {
  return startWorkerRuntime({
    databaseUrl: process.env.DATABASE_URL!,
    db: testDb(),
    log: createLogger({ service: 'kanso-worker-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    concurrency: options.concurrency ?? 4,
    leaseSeconds: options.leaseSeconds ?? 5,
    shutdownGraceMs: options.shutdownGraceMs ?? 2_000,
    tasks: options.tasks,
    schedules: false,
  });
}

/** Jobs that are due (or running) now; jobs waiting for a later retry do not count. */
export async function dueJobs(): Promise<number> {
  const [row] = await adminSql()<{ n: number }[]>`
    SELECT count(*)::int AS n FROM graphile_worker._private_jobs
     WHERE attempts < max_attempts AND (run_at <= now() OR locked_at IS NOT NULL)`;
  return row?.n ?? 0;
}

/** Every job in the queue, whatever its state (retries waiting included). */
export async function queuedJobs(task?: string): Promise<Array<{ task: string; attempts: number; runAt: Date; lastError: string | null }>> {
  return adminSql()<Array<{ task: string; attempts: number; runAt: Date; lastError: string | null }>>`
    SELECT t.identifier AS task, j.attempts, j.run_at AS "runAt", j.last_error AS "lastError"
      FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE ${task ?? null}::text IS NULL OR t.identifier = ${task ?? null}
     ORDER BY j.id`;
}

/** Resolves once no job is due or running (checked twice in a row, 100 ms apart). */
export async function waitForJobsIdle(timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    quiet = (await dueJobs()) === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`jobs still due after ${timeoutMs} ms: ${JSON.stringify(await queuedJobs())}`);
}
