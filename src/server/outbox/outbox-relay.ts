/**
 * The outbox relay (JOBS-2; ADR 0030, docs/jobs.md): delivers `outbox_events` to each registered
 * consumer (outbox-consumers.ts) at least once, with per-consumer dedupe so each effect happens once.
 *
 *   - the worker LISTENs on `kanso_events` (NOTIFY on commit, drizzle/0004) and enqueues one
 *     `outbox.relay` job per workspace (job key: a burst of events is one job);
 *   - `outbox.sweep` (cron, and at worker start) enqueues it for every workspace whose newest event
 *     is past a consumer's cursor — the events written while no worker listened;
 *   - the job, per consumer: locks the consumer's cursor row of the workspace, reads the next events
 *     (system scope), records each in `outbox_inbox` and hands it to the consumer — all in one
 *     transaction with the consumer's own writes, then moves the cursor. A crash anywhere rolls the
 *     batch back; the next run does it again, and the inbox makes a repeat a no-op.
 *
 * Lag per consumer (`outboxLag`): events past its cursors and the age of the oldest of them.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '@/server/db/client';
import { withSystem } from '@/server/db/tenant';
import { defineTask, enqueueJob } from '@/server/platform/jobs';
import type { OutboxEvent } from '@/server/realtime-events/outbox';
import { outboxConsumers, type OutboxConsumer } from './outbox-consumers';

declare module '@/server/platform/jobs' {
  interface JobPayloads {
    'outbox.relay': { workspaceId: string };
    'outbox.sweep': Record<string, never>;
  }
}

/** Events one relay transaction hands to a consumer before it commits and reads on. */
export const RELAY_BATCH = 200;

/** Enqueues the relay of `workspaceId` (one waiting job per workspace, however many events). */
export async function enqueueRelay(database: Database, workspaceId: string): Promise<void> {
  await enqueueJob(database, 'outbox.relay', { workspaceId }, { jobKey: `outbox.relay:${workspaceId}`, jobKeyMode: 'preserve_run_at' });
}

type EventRow = {
  id: string;
  workspace_id: string;
  project_id: string | null;
  type: string;
  payload: Record<string, unknown>;
  actor_id: string | null;
  request_id: string | null;
  created_at: string | Date;
};

function toEvent(row: EventRow): OutboxEvent {
  return {
    id: Number(row.id),
    workspaceId: row.workspace_id,
    projectId: row.project_id,
    type: row.type,
    payload: row.payload,
    actorId: row.actor_id,
    requestId: row.request_id,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
  };
}

/** Relays one batch of `workspaceId`'s events to `consumer`; answers how many it handed over. */
async function relayBatch(database: Database, consumer: OutboxConsumer, workspaceId: string, log: Logger): Promise<number> {
  return withSystem(database, workspaceId, async (tx) => {
    await tx.execute(sql`INSERT INTO outbox_cursors (consumer, workspace_id) VALUES (${consumer.name}, ${workspaceId}) ON CONFLICT DO NOTHING`);
    // The row lock serialises relays of one consumer and workspace (two jobs never interleave).
    const [cursor] = await tx.execute<{ last: string }>(
      sql`SELECT last_event_id::text AS last FROM outbox_cursors WHERE consumer = ${consumer.name} AND workspace_id = ${workspaceId} FOR UPDATE`,
    );
    const after = Number(cursor?.last ?? 0);
    // (ORDER BY the column, not the text alias: '10' sorts before '9'.)
    const rows = await tx.execute<EventRow>(sql`
      SELECT id::text, workspace_id, project_id, type, payload, actor_id, request_id, created_at
        FROM outbox_events WHERE workspace_id = ${workspaceId} AND id > ${after} ORDER BY outbox_events.id LIMIT ${RELAY_BATCH}`);
    if (rows.length === 0) return 0;
    for (const row of rows) {
      const event = toEvent(row);
      const fresh = await tx.execute(
        sql`INSERT INTO outbox_inbox (consumer, event_id) VALUES (${consumer.name}, ${event.id}) ON CONFLICT DO NOTHING RETURNING 1`,
      );
      if (fresh.length === 0) continue;
      await consumer.handle(tx, event, log.child({ consumer: consumer.name, eventId: event.id, eventType: event.type }));
    }
    const last = Number(rows[rows.length - 1]!.id);
    await tx.execute(
      sql`UPDATE outbox_cursors SET last_event_id = ${last}, updated_at = now() WHERE consumer = ${consumer.name} AND workspace_id = ${workspaceId}`,
    );
    return rows.length;
  });
}

/**
 * Relays every pending event of `workspaceId` to every consumer. A consumer that fails does not
 * stop the others; the first failure is rethrown at the end (the job retries, the cursors of the
 * consumers that succeeded stay where they got to).
 */
export async function relayWorkspace(database: Database, workspaceId: string, log: Logger): Promise<number> {
  let handed = 0;
  let failure: unknown;
  for (const consumer of outboxConsumers()) {
    try {
      for (;;) {
        const n = await relayBatch(database, consumer, workspaceId, log);
        handed += n;
        if (n < RELAY_BATCH) break;
      }
    } catch (error) {
      log.error({ err: error, consumer: consumer.name, workspaceId }, 'outbox consumer failed');
      failure ??= error;
    }
  }
  if (failure) throw failure;
  return handed;
}

/** Workspaces whose newest event is past some consumer's cursor (or that a consumer never saw). */
export async function workspacesBehind(database: Database): Promise<string[]> {
  const names = outboxConsumers().map((c) => c.name);
  if (names.length === 0) return [];
  const rows = await withSystem(database, null, (tx) =>
    tx.execute<{ workspace_id: string }>(sql`
      WITH heads AS (SELECT workspace_id, max(id) AS head FROM outbox_events GROUP BY workspace_id)
      SELECT DISTINCT h.workspace_id FROM heads h
       CROSS JOIN unnest(ARRAY[${sql.join(names.map((n) => sql`${n}`), sql`, `)}]::text[]) AS c(name)
        LEFT JOIN outbox_cursors oc ON oc.workspace_id = h.workspace_id AND oc.consumer = c.name
       WHERE coalesce(oc.last_event_id, 0) < h.head`),
  );
  return rows.map((r) => r.workspace_id);
}

export interface ConsumerLag {
  consumer: string;
  /** Events past the consumer's cursors, over all workspaces. */
  pendingEvents: number;
  /** Age of the oldest of them in seconds (0 when none). */
  oldestPendingSeconds: number;
}

/** How far behind each consumer is (the worker's /health and `npm run cli -- jobs:lag`). */
export async function outboxLag(database: Database): Promise<ConsumerLag[]> {
  const result: ConsumerLag[] = [];
  for (const consumer of outboxConsumers()) {
    const [row] = await withSystem(database, null, (tx) =>
      tx.execute<{ pending: string; oldest: string | null }>(sql`
        SELECT count(*)::text AS pending, extract(epoch FROM now() - min(e.created_at))::text AS oldest
          FROM outbox_events e
          LEFT JOIN outbox_cursors c ON c.workspace_id = e.workspace_id AND c.consumer = ${consumer.name}
         WHERE e.id > coalesce(c.last_event_id, 0)`),
    );
    result.push({ consumer: consumer.name, pendingEvents: Number(row?.pending ?? 0), oldestPendingSeconds: Math.max(0, Number(row?.oldest ?? 0)) });
  }
  return result;
}

export const relayTask = defineTask({
  name: 'outbox.relay',
  maxAttempts: 25,
  async handle({ workspaceId }, ctx) {
    const handed = await relayWorkspace(ctx.db, workspaceId, ctx.log);
    if (handed > 0) ctx.log.debug({ workspaceId, handed }, 'outbox relayed');
  },
});

export const sweepTask = defineTask({
  name: 'outbox.sweep',
  maxAttempts: 3,
  async handle(_payload, ctx) {
    for (const workspaceId of await workspacesBehind(ctx.db)) await enqueueRelay(ctx.db, workspaceId);
  },
});
