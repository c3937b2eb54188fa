/**
 * Background jobs (JOBS-1; ADR 0029, docs/jobs.md): how any server code asks for work to be done
 * after its write commits, and how a task that does that work is declared.
 *
 *   await enqueueJob(tx, 'mail.send', { mailId }, { jobKey: `mail:${mailId}` });
 *
 * `enqueueJob` is one SQL call (`graphile_worker.add_job`) inside the caller's transaction: the job
 * exists if and only if the write commits. The worker process (worker/job-worker.ts) runs it, with
 * retries (exponential backoff plus jitter) and a dead letter after its last attempt.
 *
 * Task names and payloads are declared by the domains that own them, by augmenting `JobPayloads`:
 *
 *   declare module '@/server/platform/jobs' {
 *     interface JobPayloads { 'mail.send': { mailId: string } }
 *   }
 *
 * Handlers are idempotent: a job can run more than once (a worker killed after the effect and
 * before the completion). Record the effect with `claimEffect(tx, key)` in the effect's own
 * transaction and skip when it was claimed already.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database, DbOrTx, Tx } from '@/server/db/client';
import { currentRequestId } from './request-context';

/** Task name → payload. Augmented by each domain (see above). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}

export type TaskName = keyof JobPayloads & string;

/** Every job's payload carries the request it came from (OBS-2), when there was one. */
export type JobPayload<N extends TaskName> = JobPayloads[N] & { requestId?: string };

export interface JobOptions {
  /**
   * Dedupe key: while a job with this key is waiting, enqueueing again replaces its payload
   * (`mode: 'replace'`, the default) or keeps the first one and its time (`'preserve_run_at'`).
   */
  jobKey?: string;
  jobKeyMode?: 'replace' | 'preserve_run_at';
  /** Run no earlier than this. */
  runAt?: Date;
  /** Attempts before the dead letter (default: the task's, else 10). */
  maxAttempts?: number;
  /** Jobs of one queue run one at a time, in order (use a low-cardinality name). */
  queueName?: string;
  /** Lower runs first (default 0). */
  priority?: number;
}

/** Enqueues `task` inside `tx` (commits or rolls back with it); answers the job's id. */
export async function enqueueJob<N extends TaskName>(
  tx: DbOrTx,
  task: N,
  payload: JobPayloads[N],
  options: JobOptions = {},
): Promise<number> {
  const requestId = currentRequestId();
  const body = JSON.stringify(requestId ? { ...payload, requestId } : payload);
  const rows = await tx.execute<{ id: string }>(sql`
    SELECT (graphile_worker.add_job(
      ${task}, ${body}::json,
      queue_name => ${options.queueName ?? null}::text,
      run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
      max_attempts => ${options.maxAttempts ?? null}::int,
      job_key => ${options.jobKey ?? null}::text,
      priority => ${options.priority ?? null}::int,
      job_key_mode => ${options.jobKeyMode ?? 'replace'}::text
    )).id::text AS id`);
  return Number(rows[0]?.id);
}

/** What a handler gets besides its payload. */
export interface JobContext {
  /** graphile-worker's job id. */
  jobId: string;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** The job's key, if it was enqueued with one. */
  jobKey: string | null;
  /** The app role's pool (postgres.js); scope tenant work with withTenant / withSystem. */
  db: Database;
  /** The worker's logger, bound to this job (task, job id, request id). */
  log: Logger;
  /** Aborted when the worker shuts down past its grace period: stop, the job will run again. */
  signal: AbortSignal;
}

export interface TaskDefinition<N extends TaskName = TaskName> {
  name: N;
  /** Attempts before the dead letter (enqueue options override). Default 10. */
  maxAttempts?: number;
  handle(payload: JobPayload<N>, ctx: JobContext): Promise<void>;
}

/** Declares a task (registered with the worker in src/server/jobs/task-list.ts). */
export function defineTask<N extends TaskName>(definition: TaskDefinition<N>): TaskDefinition<N> {
  return definition;
}

/**
 * Claims the effect `key` (e.g. `mail.send:<mail id>`) inside the effect's transaction: true the
 * first time, false when it was claimed already (the effect happened — skip it). Rolled back with
 * the transaction, so a failed effect can be tried again.
 */
export async function claimEffect(tx: Tx, key: string): Promise<boolean> {
  const rows = await tx.execute<{ key: string }>(sql`INSERT INTO job_effects (key) VALUES (${key}) ON CONFLICT DO NOTHING RETURNING key`);
  return rows.length > 0;
}
