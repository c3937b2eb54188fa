/** How full the job queue is (the worker's /health, `npm run cli -- jobs:lag`, bench/jobs). */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/server/db/client';

export interface QueueDepth {
  /** Waiting to run now. */
  due: number;
  /** Locked by a worker. */
  running: number;
  /** Waiting for a later time (retries, scheduled work). */
  scheduled: number;
  /** Dead letters not yet retried or purged. */
  dead: number;
}

export async function queueDepth(database: DbOrTx): Promise<QueueDepth> {
  const [row] = await database.execute<{ due: number; running: number; scheduled: number; dead: number }>(sql`
    SELECT count(*) FILTER (WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts)::int AS due,
           count(*) FILTER (WHERE locked_at IS NOT NULL)::int AS running,
           count(*) FILTER (WHERE locked_at IS NULL AND run_at > now())::int AS scheduled,
           (SELECT count(*) FROM dead_jobs WHERE state = 'dead')::int AS dead
      FROM graphile_worker._private_jobs`);
  return { due: row?.due ?? 0, running: row?.running ?? 0, scheduled: row?.scheduled ?? 0, dead: row?.dead ?? 0 };
}
