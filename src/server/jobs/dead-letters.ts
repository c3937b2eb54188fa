/**
 * Dead letters (JOBS-5): jobs past their last attempt, kept in `dead_jobs` for operators.
 *
 * The worker's task wrapper (worker-runtime.ts) moves a job here when its last attempt fails (and
 * completes it in graphile-worker, so it never runs again by itself); `jobs.reconcile` moves any
 * job that reached its last attempt without that (a worker killed during it). Operators list,
 * inspect, re-queue and purge them (`npm run cli -- jobs:list|jobs:show|jobs:retry|jobs:purge`);
 * every retry and purge is an audit entry in the operations chain.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '@/server/db/client';
import { deadJobs } from '@/server/db/schema';
import { withSystem } from '@/server/db/tenant';
import { recordAudit, OPERATIONS_CHAIN_ID } from '@/server/audit/audit-service';
import { enqueueJob, type TaskName } from '@/server/platform/jobs';

export type DeadJob = typeof deadJobs.$inferSelect;

export interface DeadJobInput {
  jobId: number;
  task: string;
  payload: Record<string, unknown>;
  jobKey: string | null;
  queueName: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string;
}

/** Records a dead job (once per graphile job id). */
export async function recordDeadJob(database: DbOrTx, job: DeadJobInput): Promise<void> {
  await database.insert(deadJobs).values(job).onConflictDoNothing({ target: deadJobs.jobId });
}

/** An error as a dead letter keeps it: name and message, one line, bounded. */
export function describeJobError(error: unknown): string {
  const text = error instanceof Error ? (error.name === 'JobFailure' ? error.message : `${error.name}: ${error.message}`) : String(error);
  // A failed query's message carries its parameters (drizzle: "…\nparams: a,b"): cut them off.
  const cause = error instanceof Error && error.cause instanceof Error ? ` (cause: ${error.cause.name}: ${error.cause.message})` : '';
  return `${text.split(/\nparams:/)[0]}${cause.split(/\nparams:/)[0]}`.replace(/\s+/g, ' ').slice(0, 500);
}

export async function listDeadJobs(database: DbOrTx, options: { task?: string; state?: DeadJob['state']; limit?: number } = {}): Promise<DeadJob[]> {
  return database
    .select()
    .from(deadJobs)
    .where(and(eq(deadJobs.state, options.state ?? 'dead'), options.task ? eq(deadJobs.task, options.task) : undefined))
    .orderBy(desc(deadJobs.diedAt))
    .limit(Math.min(options.limit ?? 50, 1000));
}

export async function getDeadJob(database: DbOrTx, id: string): Promise<DeadJob | undefined> {
  const [row] = await database.select().from(deadJobs).where(eq(deadJobs.id, id));
  return row;
}

/** Who did it, for the audit entry (the CLI passes the operator's login name). */
export interface Operator {
  name: string;
}

/**
 * Re-queues dead job `id` with a fresh set of attempts (a new job key, so it is not merged with a
 * waiting job of the old key); answers the new graphile job id, or null when it is not dead.
 */
export async function retryDeadJob(database: Database, id: string, operator: Operator): Promise<number | null> {
  return withSystem(database, null, async (tx) => {
    const [dead] = await tx.select().from(deadJobs).where(and(eq(deadJobs.id, id), eq(deadJobs.state, 'dead'))).for('update');
    if (!dead) return null;
    const jobId = await enqueueJob(tx, dead.task as TaskName, dead.payload as never, {
      jobKey: dead.jobKey ? `${dead.jobKey}:retry${dead.retries + 1}` : undefined,
      queueName: dead.queueName ?? undefined,
      maxAttempts: dead.maxAttempts,
    });
    await tx
      .update(deadJobs)
      .set({ state: 'retried', retries: sql`${deadJobs.retries} + 1`, updatedAt: new Date() })
      .where(eq(deadJobs.id, id));
    await recordAudit(tx, {
      workspaceId: null,
      actorId: null,
      chainId: OPERATIONS_CHAIN_ID,
      action: 'jobs.dead_letter_retried',
      target: { type: 'dead_job', id },
      data: { task: dead.task, operator: operator.name, newJobId: jobId },
    });
    return jobId;
  });
}

/** Marks dead jobs purged (their payload is cleared); answers how many. */
export async function purgeDeadJobs(database: Database, selection: { id?: string; task?: string }, operator: Operator): Promise<number> {
  return withSystem(database, null, async (tx) => {
    const rows = await tx
      .update(deadJobs)
      .set({ state: 'purged', payload: {}, updatedAt: new Date() })
      .where(
        and(eq(deadJobs.state, 'dead'), selection.id ? eq(deadJobs.id, selection.id) : undefined, selection.task ? eq(deadJobs.task, selection.task) : undefined),
      )
      .returning({ id: deadJobs.id });
    if (rows.length > 0) {
      await recordAudit(tx, {
        workspaceId: null,
        actorId: null,
        chainId: OPERATIONS_CHAIN_ID,
        action: 'jobs.dead_letters_purged',
        target: selection.id ? { type: 'dead_job', id: selection.id } : null,
        data: { count: rows.length, task: selection.task ?? null, operator: operator.name },
      });
    }
    return rows.length;
  });
}
