/**
 * Background work (JOBS-1, JOBS-2, JOBS-5): the tables of our own around graphile-worker's queue
 * (its `graphile_worker` schema is migrated by src/server/db/migrate.ts; ADR 0029, docs/jobs.md).
 *
 *   job_effects      — the effect ledger: a handler records `<task>:<key>` in the transaction of its
 *                      effect, so a job run twice (at-least-once) has its effect once;
 *   dead_jobs        — jobs past their last attempt, kept for operators (`npm run cli -- jobs:*`);
 *   job_worker_heartbeats — live worker processes and the graphile worker ids they lock jobs with
 *                      (jobs locked by a worker without a fresh heartbeat are released: the lease);
 *   outbox_cursors   — how far each outbox consumer got in each workspace (the relay's position);
 *   outbox_inbox     — per-consumer dedupe of outbox events (an event is handled once per consumer);
 *   outbox_retention — per workspace, the highest event id pruned (a cursor below it is "too old").
 *
 * The job tables hold ids, never tenant content, and only the worker (and operators through the CLI)
 * read them: no row-level security. The two that name a workspace (cursors, retention) are under
 * row-level security for the system scope (drizzle/0012). Dead jobs' payloads hold ids, never secrets.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const jobEffects = pgTable(
  'job_effects',
  {
    /** `<task or consumer>:<job key or event id>`. */
    key: text('key').primaryKey(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('job_effects_created_at_idx').on(t.createdAt)],
);

export const DEAD_JOB_STATES = ['dead', 'retried', 'purged'] as const;

export const deadJobs = pgTable(
  'dead_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** graphile-worker's job id (gone from its table once the job is dead here). */
    jobId: bigint('job_id', { mode: 'number' }).notNull().unique(),
    task: text('task').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    jobKey: text('job_key'),
    queueName: text('queue_name'),
    attempts: smallint('attempts').notNull(),
    maxAttempts: smallint('max_attempts').notNull(),
    /** The last error's name and message (never a stack, an address or a link). */
    lastError: text('last_error').notNull(),
    state: text('state', { enum: DEAD_JOB_STATES }).notNull().default('dead'),
    /** Times an operator re-queued it. */
    retries: integer('retries').notNull().default(0),
    diedAt: at('died_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('dead_jobs_state_idx').on(t.state, t.diedAt), index('dead_jobs_task_idx').on(t.task, t.diedAt)],
);

export const jobWorkerHeartbeats = pgTable('job_worker_heartbeats', {
  /** One row per worker process: `<host>:<pid>:<start time>`. */
  processId: text('process_id').primaryKey(),
  host: text('host').notNull(),
  pid: integer('pid').notNull(),
  /** graphile-worker's worker ids of this process (what `locked_by` holds). */
  workerIds: text('worker_ids')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  startedAt: at('started_at').notNull().defaultNow(),
  seenAt: at('seen_at').notNull().defaultNow(),
});

/**
 * The worker's probe (`jobs.probe`): one row per RUN of a probe job — not unique on purpose, so
 * that a job that ran twice shows as two rows (the crash test and bench/jobs count them).
 */
export const jobProbeRuns = pgTable(
  'job_probe_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    probeKey: text('probe_key').notNull(),
    attempt: integer('attempt').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('job_probe_runs_key_idx').on(t.probeKey)],
);

export const outboxCursors = pgTable(
  'outbox_cursors',
  {
    consumer: text('consumer').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    lastEventId: bigint('last_event_id', { mode: 'number' }).notNull().default(0),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.workspaceId] })],
);

export const outboxInbox = pgTable(
  'outbox_inbox',
  {
    consumer: text('consumer').notNull(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    handledAt: at('handled_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.eventId] }), index('outbox_inbox_handled_at_idx').on(t.handledAt)],
);

export const outboxRetention = pgTable('outbox_retention', {
  workspaceId: uuid('workspace_id').primaryKey(),
  /** Every event of the workspace with an id ≤ this was pruned. */
  prunedThroughId: bigint('pruned_through_id', { mode: 'number' }).notNull(),
  prunedAt: at('pruned_at').notNull().defaultNow(),
});
