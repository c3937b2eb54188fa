/**
 * `jobs.reconcile` (JOBS-5; every 5 minutes): finds work stuck half-way and sets it going again.
 *
 *   - a job that used its last attempt without reaching the dead-letter table (its worker was
 *     killed during that attempt) is recorded in `dead_jobs` and removed from the queue;
 *   - each domain's reconciler (registerReconciler) re-queues its own effects that were started
 *     and never finished — a mail queued but never sent, a webhook delivery claimed but never
 *     completed — and answers how many it re-queued.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '@/server/db/client';
import { defineTask } from '@/server/platform/jobs';
import { recordDeadJob } from './dead-letters';

declare module '@/server/platform/jobs' {
  interface JobPayloads {
    'jobs.reconcile': Record<string, never>;
  }
}

export type Reconciler = (database: Database, log: Logger) => Promise<number>;

const reconcilers = new Map<string, Reconciler>();

/** Adds a domain's reconciler (by name; registering a name again replaces it). */
export function registerReconciler(name: string, reconciler: Reconciler): void {
  reconcilers.set(name, reconciler);
}

type SpentJob = {
  id: string;
  task_identifier: string;
  payload: Record<string, unknown>;
  key: string | null;
  queue_name: string | null;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
};

/** Moves jobs that spent every attempt (and are not running) to the dead letters; answers how many. */
export async function burySpentJobs(database: Database): Promise<number> {
  return database.transaction(async (tx) => {
    const spent = await tx.execute<SpentJob>(sql`
      SELECT j.id::text, t.identifier AS task_identifier, j.payload, j.key, q.queue_name, j.attempts, j.max_attempts, j.last_error
        FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
       WHERE j.attempts >= j.max_attempts AND j.locked_at IS NULL
       LIMIT 1000
         FOR UPDATE OF j SKIP LOCKED`);
    for (const job of spent) {
      await recordDeadJob(tx, {
        jobId: Number(job.id),
        task: job.task_identifier,
        payload: job.payload,
        jobKey: job.key,
        queueName: job.queue_name,
        attempts: job.attempts,
        maxAttempts: job.max_attempts,
        lastError: (job.last_error ?? 'the last attempt did not finish (worker stopped)').slice(0, 500),
      });
    }
    if (spent.length > 0) {
      await tx.execute(sql`DELETE FROM graphile_worker._private_jobs WHERE id IN (${sql.join(spent.map((j) => sql`${j.id}::bigint`), sql`, `)})`);
    }
    return spent.length;
  });
}

/** Runs the whole reconciliation; answers what each part re-queued or buried. */
export async function reconcile(database: Database, log: Logger): Promise<Record<string, number>> {
  const counts: Record<string, number> = { deadJobs: await burySpentJobs(database) };
  for (const [name, reconciler] of reconcilers) {
    try {
      counts[name] = await reconciler(database, log);
    } catch (error) {
      log.error({ err: error, reconciler: name }, 'reconciler failed');
    }
  }
  return counts;
}

export const reconcileTask = defineTask({
  name: 'jobs.reconcile',
  maxAttempts: 3,
  async handle(_payload, ctx) {
    const counts = await reconcile(ctx.db, ctx.log);
    if (Object.values(counts).some((n) => n > 0)) ctx.log.warn(counts, 'reconciled work stuck half-way');
  },
});
