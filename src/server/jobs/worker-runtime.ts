/**
 * The job worker's runtime (JOBS-1; ADR 0029, ADR 0030, docs/jobs.md), started by
 * worker/job-worker.ts (and by the tests):
 *
 *   - graphile-worker runs the tasks of task-list.ts, JOBS_CONCURRENCY at once, picked up by
 *     LISTEN/NOTIFY within milliseconds of their commit, with the schedules of task-list.ts;
 *   - every task runs in `wrapTask`: a failure before the last attempt pushes the next run out by
 *     graphile-worker's exponential backoff (e^attempt seconds) plus random jitter; the last failure
 *     becomes a dead letter (`dead_jobs`) and the job leaves the queue;
 *   - the lease: this process heartbeats its graphile worker ids into `job_worker_heartbeats`; a job
 *     locked by a worker whose process is gone (same host, pid dead) or silent past
 *     JOBS_LEASE_SECONDS is released and runs again (graphile-worker alone would wait 4 hours);
 *   - the relay: LISTEN on `kanso_events`; each event's workspace gets an `outbox.relay` job;
 *   - `stop()`: no new jobs; running ones get JOBS_SHUTDOWN_GRACE_MS to finish, then their abort
 *     signal fires and they are released (failed with their attempt counted, run again later).
 */
import { hostname } from 'node:os';
import { EventEmitter } from 'node:events';
import { Logger as GraphileLogger, parseCronItems, run, type Job, type JobHelpers, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '@/server/db/client';
import { processAlive } from '@/server/platform/process-alive';
import { EVENTS_CHANNEL, parseEventNotification } from '@/server/realtime-events/outbox';
import { enqueueJob, type JobContext, type TaskDefinition } from '@/server/platform/jobs';
import { enqueueRelay } from '@/server/outbox/outbox-relay';
import { describeJobError, recordDeadJob } from './dead-letters';
import { registerConsumers, SCHEDULES, TASKS } from './task-list';

export interface WorkerRuntimeOptions {
  databaseUrl: string;
  /** The app role's postgres.js pool the handlers use. */
  db: Database;
  log: Logger;
  concurrency: number;
  leaseSeconds: number;
  shutdownGraceMs: number;
  /** Extra tasks (tests). */
  tasks?: ReadonlyArray<TaskDefinition<never>>;
  /**
   * How often an idle worker looks for due jobs besides NOTIFY (default 200 ms). graphile-worker's
   * wake-up on NOTIFY misses some jobs under a steady stream (bench:jobs: with 1 s, outbox → webhook
   * p95 611 ms; with 100 ms, 22 ms), so the poll bounds their wait.
   */
  pollIntervalMs?: number;
  /** Run the crontab (default true; tests that count jobs turn it off). */
  schedules?: boolean;
}

export interface WorkerRuntime {
  /** This process's id in `job_worker_heartbeats`. */
  readonly processId: string;
  /** Jobs running now. */
  running(): number;
  /** Whether the queue connection and the relay's LISTEN are known to work. */
  healthy(): boolean;
  stop(): Promise<void>;
  /** Resolves when the runner ends (stopped, or failed for good). */
  readonly done: Promise<void>;
}

/** What a failed attempt leaves in graphile-worker's log and `last_error`: name and message, no SQL parameters. */
class JobFailure extends Error {
  override name = 'JobFailure';
}

/** The next run of a failed job is pushed out by up to half of graphile-worker's own backoff. */
export function retryJitterSeconds(attempt: number, random = Math.random): number {
  return random() * 0.5 * Math.exp(Math.min(attempt, 10));
}

function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const fields = { graphile: scope.label, ...(meta && typeof meta === 'object' ? { meta: Object.keys(meta) } : {}) };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else log.debug(fields, message);
  });
}

/** Wraps a definition as a graphile-worker task: context, jitter on retry, dead letter at the end. */
export function wrapTask(
  definition: TaskDefinition<never>,
  options: Pick<WorkerRuntimeOptions, 'db' | 'log'>,
  pool: pg.Pool,
  beforeRun: (workerId: string | null) => Promise<void> = async () => {},
) {
  return async (payload: unknown, helpers: JobHelpers): Promise<void> => {
    const job: Job = helpers.job;
    await beforeRun(job.locked_by);
    const body = (payload ?? {}) as Record<string, unknown>;
    const log = options.log.child({
      task: definition.name,
      jobId: job.id,
      attempt: job.attempts,
      ...(typeof body.requestId === 'string' ? { requestId: body.requestId } : {}),
    });
    const ctx: JobContext = {
      jobId: job.id,
      attempt: job.attempts,
      maxAttempts: job.max_attempts,
      jobKey: job.key,
      db: options.db,
      log,
      signal: helpers.abortSignal,
    };
    try {
      await definition.handle(body as never, ctx);
    } catch (error) {
      if (job.attempts >= job.max_attempts) {
        // The last attempt: a dead letter, and the job completes (it must not linger in the queue).
        await recordDeadJob(options.db, {
          jobId: Number(job.id),
          task: definition.name,
          payload: body,
          jobKey: job.key,
          queueName: await helpers.getQueueName(),
          attempts: job.attempts,
          maxAttempts: job.max_attempts,
          lastError: describeJobError(error),
        });
        log.error({ err: error }, 'job failed for the last time: dead letter');
        return;
      }
      // graphile-worker sets run_at = greatest(now(), run_at) + e^attempts s: moving run_at first adds the jitter.
      await pool
        .query(`UPDATE graphile_worker._private_jobs SET run_at = now() + make_interval(secs => $2) WHERE id = $1 AND locked_by IS NOT NULL`, [
          job.id,
          retryJitterSeconds(job.attempts),
        ])
        .catch(() => {});
      log.warn({ err: error }, 'job failed; it will be retried');
      // graphile-worker logs and stores the message: never with SQL parameters in it.
      throw new JobFailure(describeJobError(error));
    }
  };
}

/** Releases jobs locked by workers that are gone; answers how many jobs were released. */
export async function releaseExpiredLocks(pool: pg.Pool, leaseSeconds: number, self: { processId: string; host: string }): Promise<number> {
  const client = await pool.connect();
  try {
    const { rows: beats } = await client.query<{ process_id: string; host: string; pid: number; stale: boolean }>(
      `SELECT process_id, host, pid, seen_at < now() - make_interval(secs => $1) AS stale FROM job_worker_heartbeats`,
      [leaseSeconds],
    );
    const dead = beats
      .filter((b) => b.process_id !== self.processId && (b.stale || (b.host === self.host && !processAlive(b.pid))))
      .map((b) => b.process_id);
    const { rows } = await client.query<{ released: string }>(
      `WITH gone AS (
         SELECT unnest(worker_ids) AS worker_id FROM job_worker_heartbeats WHERE process_id = ANY($1::text[])
       ), live AS (
         SELECT unnest(worker_ids) AS worker_id FROM job_worker_heartbeats WHERE NOT (process_id = ANY($1::text[]))
       ), doomed AS (
         SELECT DISTINCT locked_by AS worker_id FROM graphile_worker._private_jobs
          WHERE locked_by IS NOT NULL
            AND (locked_by IN (SELECT worker_id FROM gone)
                 OR (locked_by NOT IN (SELECT worker_id FROM live) AND locked_at < now() - make_interval(secs => $2)))
       ), released AS (
         UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL
          WHERE locked_by IN (SELECT worker_id FROM doomed) RETURNING 1
       ), queues AS (
         UPDATE graphile_worker._private_job_queues SET locked_at = NULL, locked_by = NULL
          WHERE locked_by IN (SELECT worker_id FROM doomed)
             OR (locked_by IN (SELECT worker_id FROM gone))
          RETURNING 1
       )
       SELECT (SELECT count(*) FROM released)::text AS released`,
      [dead, leaseSeconds],
    );
    if (dead.length > 0) await client.query(`DELETE FROM job_worker_heartbeats WHERE process_id = ANY($1::text[])`, [dead]);
    return Number(rows[0]?.released ?? 0);
  } finally {
    client.release();
  }
}


export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { log } = options;
  registerConsumers();
  const host = hostname();
  const processId = `${host}:${process.pid}:${Date.now()}`;
  const workerIds = new Set<string>();
  let active = 0;
  let queueHealthy = true;
  let listenHealthy = false;
  let stopping = false;

  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.concurrency + 4,
    application_name: 'kanso-worker',
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', (err) => log.warn({ err: describeJobError(err) }, 'worker pool connection lost'));
  pool.on('connect', (client) => client.on('error', () => {}));

  const definitions = [...TASKS, ...(options.tasks ?? [])] as TaskDefinition<never>[];
  const taskList: TaskList = Object.fromEntries(definitions.map((d) => [d.name, wrapTask(d, options, pool, (id) => ensureNamed(id))]));

  const events: WorkerEvents = new EventEmitter() as WorkerEvents;
  events.on('worker:create', ({ worker }) => {
    workerIds.add(worker.workerId);
    void heartbeat();
  });
  events.on('job:start', () => void (active += 1));
  events.on('job:complete', () => void (active = Math.max(0, active - 1)));
  events.on('pool:listen:success', () => void (queueHealthy = true));
  events.on('pool:listen:error', () => void (queueHealthy = false));

  // Heartbeats are written one at a time (a burst of calls coalesces into one more write), each with
  // every worker id known by then; `persisted` holds the ids a committed heartbeat names.
  const persisted = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  async function writeHeartbeat(): Promise<void> {
    const ids = [...workerIds];
    try {
      await pool.query(
        `INSERT INTO job_worker_heartbeats (process_id, host, pid, worker_ids) VALUES ($1, $2, $3, $4)
         ON CONFLICT (process_id) DO UPDATE SET worker_ids = excluded.worker_ids, seen_at = now()`,
        [processId, host, process.pid, ids],
      );
      for (const id of ids) persisted.add(id);
      queueHealthy = true;
    } catch (err) {
      queueHealthy = false;
      log.warn({ err: describeJobError(err) }, 'worker heartbeat failed');
    }
  }
  function heartbeat(): Promise<void> {
    if (queued) return queued;
    const next = chain.then(() => {
      queued = null;
      return writeHeartbeat();
    });
    queued = next;
    chain = next;
    return next;
  }
  /** A job may only run once a committed heartbeat names its worker (else a kill -9 now would leave it locked for a whole lease). */
  async function ensureNamed(workerId: string | null): Promise<void> {
    if (workerId && !persisted.has(workerId)) {
      workerIds.add(workerId);
      await heartbeat();
    }
  }

  // Before taking jobs: this host's dead workers' locks are released at once (a restart after kill -9).
  await heartbeat();
  const released = await releaseExpiredLocks(pool, options.leaseSeconds, { processId, host });
  if (released > 0) log.warn({ released }, 'released jobs of a worker that is gone');

  const runner: Runner = await run({
    pgPool: pool,
    taskList,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs ?? 200,
    gracefulShutdownAbortTimeout: options.shutdownGraceMs,
    logger: graphileLogger(log),
    events,
    parsedCronItems:
      options.schedules === false
        ? []
        : parseCronItems(SCHEDULES.map((s) => ({ task: s.task, match: s.cron, identifier: s.task, options: { backfillPeriod: 0, maxAttempts: 3 } }))),
  });

  const beatEvery = Math.max(500, (options.leaseSeconds * 1000) / 3);
  const beat = setInterval(() => void heartbeat(), beatEvery);
  const sweep = setInterval(() => {
    void releaseExpiredLocks(pool, options.leaseSeconds, { processId, host })
      .then((n) => (n > 0 ? log.warn({ released: n }, 'released jobs of a worker that is gone') : undefined))
      .catch((err: unknown) => log.warn({ err }, 'lease sweep failed'));
  }, beatEvery);

  // The relay's trigger: LISTEN kanso_events on a connection of its own (re-established when lost).
  let listener: pg.Client | undefined;
  let relistenTimer: NodeJS.Timeout | undefined;
  let listenFailing = false;
  const pendingRelays = new Set<string>();
  let flushing = false;
  async function flushRelays(): Promise<void> {
    if (flushing) return;
    flushing = true;
    try {
      while (pendingRelays.size > 0) {
        const batch = [...pendingRelays];
        pendingRelays.clear();
        for (const workspaceId of batch) await enqueueRelay(options.db, workspaceId);
      }
    } catch (err) {
      log.warn({ err }, 'could not enqueue an outbox relay (the sweep catches up)');
    } finally {
      flushing = false;
    }
  }
  async function listen(): Promise<void> {
    if (stopping) return;
    const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'kanso-worker-listen' });
    client.on('error', () => {});
    client.on('end', () => {
      listenHealthy = false;
      if (!stopping) relistenTimer = setTimeout(() => void listen(), 1_000);
    });
    client.on('notification', (message) => {
      const parsed = message.payload ? parseEventNotification(message.payload) : null;
      if (!parsed) return;
      pendingRelays.add(parsed.workspaceId);
      void flushRelays();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      listener = client;
      listenHealthy = true;
      // What was written while nobody listened.
      await enqueueJob(options.db, 'outbox.sweep', {}, { jobKey: 'outbox.sweep', jobKeyMode: 'preserve_run_at' });
    } catch (err) {
      listenHealthy = false;
      if (!listenFailing) log.warn({ err: describeJobError(err) }, 'relay LISTEN failed; retrying every second');
      listenFailing = true;
      await client.end().catch(() => {});
      return;
    }
    if (listenFailing) log.info('relay LISTEN is back');
    listenFailing = false;
  }
  await listen();

  let stopped: Promise<void> | undefined;
  const done = runner.promise.catch((err: unknown) => log.error({ err }, 'job runner failed'));

  return {
    processId,
    running: () => active,
    healthy: () => queueHealthy && listenHealthy && !stopping,
    done,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(beat);
        clearInterval(sweep);
        clearTimeout(relistenTimer);
        await listener?.end().catch(() => {});
        await runner.stop().catch((err: unknown) => log.warn({ err }, 'runner stop'));
        await pool.query(`DELETE FROM job_worker_heartbeats WHERE process_id = $1`, [processId]).catch(() => {});
        await pool.end().catch(() => {});
      })();
      return stopped;
    },
  };
}
