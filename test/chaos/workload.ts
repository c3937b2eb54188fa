/**
 * The write loop with acknowledged-write accounting, and a read probe that measures downtime.
 *
 * Each writer owns its tasks, so every effect on them is its own: it creates tasks with
 * client-generated ids (idempotent: a retry of the same create is one task) and renames them with
 * compare-and-set (`expectedVersion`). An op is retried (same id, same version) until it is
 * acknowledged: a 200, or — for a rename whose answer was lost — a CONFLICT whose current record
 * already holds this rename's title at the next version (it was applied once). A write is
 * *acknowledged* once the writer knows it happened; the checks afterwards compare those with the
 * database: every acknowledged create exists once with one `task.created` event and one activity
 * row; every task's version is 1 + its acknowledged renames and it has exactly that many
 * `task.updated` events (fewer: lost; more: applied twice).
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { failureOf, type Api } from './api';
import { sleep } from './processes';

export interface TaskTruth {
  title: string;
  version: number;
  /** Renames acknowledged for it. */
  renames: number;
}

export interface Workload {
  /** Acknowledged state, per task id. */
  tasks: Map<string, TaskTruth>;
  acked: { creates: number; renames: number };
  /** Times (ms since epoch) of acknowledged writes, in order. */
  ackTimes: number[];
  /** Anything that contradicts the accounting while running (a foreign change on an own task). */
  anomalies: string[];
  /** Stops starting new ops; resolves when every op in flight is acknowledged (or `drainMs` passed). */
  stop(drainMs?: number): Promise<{ unfinished: number }>;
}

interface WorkloadOptions {
  apis: Api[];
  workspaceSlug: string;
  projectId: string;
  /** Pause between two ops of a writer (ms). */
  pauseMs?: number;
  /** Pause before retrying a failed op (ms). Retry-After is honoured up to this bound, to measure recovery finely. */
  retryMs?: number;
}

export function startWorkload(options: WorkloadOptions): Workload {
  const { apis, workspaceSlug, projectId } = options;
  const pauseMs = options.pauseMs ?? 20;
  const retryMs = options.retryMs ?? 200;
  const tasks = new Map<string, TaskTruth>();
  const acked = { creates: 0, renames: 0 };
  const ackTimes: number[] = [];
  const anomalies: string[] = [];
  let stopping = false;
  let drainDeadline = Infinity;

  const ack = () => ackTimes.push(Date.now());

  /** Retries `attempt` until it returns true (acknowledged) or the drain deadline passes. */
  async function untilAcked(attempt: () => Promise<boolean>): Promise<boolean> {
    for (;;) {
      if (await attempt()) return true;
      if (Date.now() > drainDeadline) return false;
      await sleep(retryMs);
    }
  }

  async function writer(api: Api, index: number): Promise<number> {
    const own: string[] = [];
    let n = 0;
    while (!stopping) {
      n += 1;
      const createNext = own.length < 3 || n % 4 === 0;
      if (createNext) {
        const id = randomUUID();
        const title = `w${index}-c${n}`;
        const done = await untilAcked(async () => {
          try {
            const task = await api.task.create.mutate({ workspaceSlug, projectId, id, title });
            tasks.set(id, { title: task.title, version: task.version, renames: 0 });
            return true;
          } catch (error) {
            const failure = failureOf(error);
            if (failure.status && failure.status < 500 && failure.status !== 429) anomalies.push(`create ${id} refused: ${failure.status} ${failure.code}`);
            return false;
          }
        });
        if (!done) return 1;
        own.push(id);
        acked.creates += 1;
        ack();
      } else {
        const id = own[n % own.length]!;
        const truth = tasks.get(id)!;
        const title = `w${index}-r${n}`;
        const expectedVersion = truth.version;
        const done = await untilAcked(async () => {
          try {
            const task = await api.task.update.mutate({ workspaceSlug, taskId: id, expectedVersion, title });
            truth.title = task.title;
            truth.version = task.version;
            return true;
          } catch (error) {
            const failure = failureOf(error);
            if (failure.code === 'CONFLICT' && failure.current) {
              if (failure.current.title === title && failure.current.version === expectedVersion + 1) {
                // The earlier attempt was applied; its answer was lost.
                truth.title = title;
                truth.version = failure.current.version;
                return true;
              }
              anomalies.push(`rename of ${id} at v${expectedVersion}: the task holds v${failure.current.version} "${failure.current.title}"`);
              truth.version = failure.current.version;
              truth.title = failure.current.title;
              return true;
            }
            if (failure.status && failure.status < 500 && failure.status !== 429) anomalies.push(`rename ${id} refused: ${failure.status} ${failure.code}`);
            return false;
          }
        });
        if (!done) return 1;
        truth.renames += 1;
        acked.renames += 1;
        ack();
      }
      await sleep(pauseMs);
    }
    return 0;
  }

  const running = apis.map((api, index) => writer(api, index));
  return {
    tasks,
    acked,
    ackTimes,
    anomalies,
    async stop(drainMs = 60_000) {
      stopping = true;
      drainDeadline = Date.now() + drainMs;
      const results = await Promise.all(running);
      return { unfinished: results.reduce((a, b) => a + b, 0) };
    },
  };
}

export interface Accounting {
  acked: number;
  lost: number;
  duplicated: number;
  problems: string[];
}

/** Compares what was acknowledged with the database (as its superuser: no row-level security). */
export async function account(sql: postgres.Sql, workload: Workload, projectId: string): Promise<Accounting> {
  const rows = await sql<{ id: string; title: string; version: number; created: number; updated: number; activity: number }[]>`
    SELECT t.id, t.title, t.version,
      (SELECT count(*) FROM outbox_events e WHERE e.type = 'task.created' AND e.payload->>'id' = t.id::text)::int AS created,
      (SELECT count(*) FROM outbox_events e WHERE e.type = 'task.updated' AND e.payload->>'id' = t.id::text)::int AS updated,
      (SELECT count(*) FROM task_activity a WHERE a.task_id = t.id AND a.kind = 'created')::int AS activity
    FROM tasks t WHERE t.project_id = ${projectId}`;
  const inDb = new Map(rows.map((r) => [r.id, r]));
  let lost = 0;
  let duplicated = 0;
  const problems: string[] = [];
  for (const [id, truth] of workload.tasks) {
    const row = inDb.get(id);
    if (!row) {
      lost += 1 + truth.renames;
      problems.push(`task ${id} acknowledged but missing`);
      continue;
    }
    const expectedVersion = 1 + truth.renames;
    if (row.version < expectedVersion) {
      lost += expectedVersion - row.version;
      problems.push(`task ${id}: v${row.version} in the database, ${expectedVersion} acknowledged`);
    } else if (row.version > expectedVersion) {
      duplicated += row.version - expectedVersion;
      problems.push(`task ${id}: v${row.version} in the database, only ${expectedVersion} acknowledged (applied twice?)`);
    } else if (row.title !== truth.title) {
      lost += 1;
      problems.push(`task ${id}: "${row.title}" in the database, "${truth.title}" acknowledged`);
    }
    if (row.created !== 1 || row.activity !== 1) {
      duplicated += Math.max(0, row.created - 1) + Math.max(0, row.activity - 1);
      if (row.created !== 1 || row.activity !== 1) problems.push(`task ${id}: ${row.created} task.created events, ${row.activity} 'created' activity rows`);
    }
    if (row.updated !== truth.renames) {
      if (row.updated > truth.renames) duplicated += row.updated - truth.renames;
      else lost += truth.renames - row.updated;
      problems.push(`task ${id}: ${row.updated} task.updated events for ${truth.renames} acknowledged renames`);
    }
  }
  return { acked: workload.acked.creates + workload.acked.renames, lost, duplicated, problems: [...workload.anomalies, ...problems] };
}

/** A read every `everyMs` (the board's task list), recording when it failed: HTTP downtime. */
export function startProbe(api: Api, workspaceSlug: string, projectId: string, everyMs = 100) {
  const failures: { at: number; ok: boolean }[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = Date.now();
      let ok = true;
      try {
        await api.task.list.query({ workspaceSlug, projectId, limit: 1 });
      } catch {
        ok = false;
      }
      failures.push({ at, ok });
      await sleep(Math.max(0, everyMs - (Date.now() - at)));
    }
  })();
  return {
    samples: failures,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** Total time (ms) within [from, to] during which the probe failed: from a failed sample to the next good one. */
export function downtime(samples: { at: number; ok: boolean }[], from: number, to: number): { ms: number; failedSamples: number } {
  let ms = 0;
  let failedSamples = 0;
  let downSince: number | null = null;
  for (const s of samples) {
    if (s.at < from || s.at > to) continue;
    if (!s.ok) {
      failedSamples += 1;
      downSince ??= s.at;
    } else if (downSince !== null) {
      ms += s.at - downSince;
      downSince = null;
    }
  }
  if (downSince !== null) ms += to - downSince;
  return { ms, failedSamples };
}

/** The longest stretch without an acknowledged write in [from, to] (ms). */
export function longestWriteGap(ackTimes: number[], from: number, to: number): number {
  let previous = from;
  let gap = 0;
  for (const t of ackTimes) {
    if (t < from) continue;
    if (t > to) break;
    gap = Math.max(gap, t - previous);
    previous = t;
  }
  return Math.max(gap, to - previous);
}
