/**
 * The event outbox (COLLAB-3). Services append an event in the SAME transaction as the change;
 * the AFTER INSERT trigger on `outbox_events` runs `pg_notify('kanso_events', '<workspace id>:<event id>')`,
 * which PostgreSQL delivers only on COMMIT — a rolled-back write never reaches a client.
 *
 * Contract with the realtime sidecar: LISTEN on `kanso_events`, read the event by id, and use
 * `readEvents` to resync a reconnecting client from the last id it saw.
 *
 * Ids are in commit order within a workspace (ADR 0011): a reader that saw id N of a workspace will
 * never later see a lower id of it commit, so "events with id > my last id" misses nothing.
 */
import { and, asc, eq, gt, inArray, max } from 'drizzle-orm';
import type { RealtimeEvent } from '@/lib/realtime-protocol';
import type { DbOrTx } from '@/server/db/client';
import { placeholders, statement } from '@/server/db/prepared';
import { outboxEvents, outboxRetention } from '@/server/db/schema';

/** The NOTIFY channel; payload `<workspace id>:<event id>`. */
export const EVENTS_CHANNEL = 'kanso_events';
/** Most events `readEvents` answers at once (page on with the last id). */
export const READ_EVENTS_MAX = 500;

export type OutboxEventType =
  | 'project.created'
  | 'project.updated'
  | 'project.deleted'
  | 'project.member_added'
  | 'project.member_removed'
  | 'task.created'
  | 'task.updated'
  | 'task.moved'
  | 'task.deleted'
  | 'comment.created'
  | 'comment.updated'
  | 'comment.deleted'
  /** A workspace member was removed or left; payload `{ userId }`, no project. */
  | 'member.removed';

export interface NewOutboxEvent {
  workspaceId: string;
  projectId: string | null;
  type: OutboxEventType;
  /** The new record (with its version), or `{ id, projectId, … }` for deletes. JSON-serialisable. */
  payload: Record<string, unknown>;
  actorId: string | null;
  requestId: string | null;
}

export type OutboxEvent = typeof outboxEvents.$inferSelect;

/**
 * Appends an event within the caller's transaction (`tx` scoped to `event.workspaceId`).
 *
 * Make it the transaction's LAST write: the insert takes the workspace's event-order lock
 * (`outbox_events_number`, drizzle/0005, ADR 0011), held until COMMIT, so that ids follow commit
 * order. Other writers of the workspace wait at their own append meanwhile; a row lock taken after
 * the append could deadlock against one of them.
 */
export async function appendEvent(tx: DbOrTx, event: NewOutboxEvent): Promise<void> {
  // Round-trip through JSON so Dates are stored as the ISO strings clients receive.
  // One prepared statement: the columns are always the same, so its text is too.
  await insertEvent(tx, { ...event, payload: JSON.parse(JSON.stringify(event.payload)) as Record<string, unknown> });
}

const insertEvent = statement<Record<keyof NewOutboxEvent, unknown>>((tx) =>
  tx.insert(outboxEvents).values(placeholders('workspaceId', 'projectId', 'type', 'payload', 'actorId', 'requestId')),
);

/** Parses a `kanso_events` NOTIFY payload; null when malformed. */
export function parseEventNotification(payload: string): { workspaceId: string; eventId: number } | null {
  const match = /^([0-9a-f-]{36}):(\d+)$/i.exec(payload);
  if (!match) return null;
  return { workspaceId: match[1] as string, eventId: Number(match[2]) };
}

/**
 * Events of `workspaceId` with id > `afterId`, oldest first, at most `limit` (≤ READ_EVENTS_MAX);
 * optionally only those of `projectIds`. `db` must be scoped to the workspace and the reading user
 * (`withTenant`): row-level security then also hides events of private projects they cannot see.
 */
export async function readEvents(
  db: DbOrTx,
  workspaceId: string,
  afterId: number,
  projectIds?: readonly string[],
  limit: number = READ_EVENTS_MAX,
): Promise<OutboxEvent[]> {
  if (projectIds && projectIds.length === 0) return [];
  const bounded = Math.max(1, Math.min(limit, READ_EVENTS_MAX));
  return db
    .select()
    .from(outboxEvents)
    .where(
      and(
        eq(outboxEvents.workspaceId, workspaceId),
        gt(outboxEvents.id, afterId),
        projectIds ? inArray(outboxEvents.projectId, [...projectIds]) : undefined,
      ),
    )
    .orderBy(asc(outboxEvents.id))
    .limit(bounded);
}

/** An outbox row as clients receive it (the sidecar's `event` frames and `realtime.events`). */
export function toRealtimeEvent(row: OutboxEvent): RealtimeEvent {
  return {
    id: row.id,
    type: row.type,
    projectId: row.projectId,
    payload: row.payload,
    actorId: row.actorId,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * The highest event id of `workspaceId` the reading user may see (0 when none). `db` must be
 * scoped to the workspace and that user (`withTenant`), as for `readEvents`.
 */
export async function latestEventId(db: DbOrTx, workspaceId: string): Promise<number> {
  const [row] = await db.select({ id: max(outboxEvents.id) }).from(outboxEvents).where(eq(outboxEvents.workspaceId, workspaceId));
  return row?.id ?? 0;
}

/**
 * The highest event id of `workspaceId` the retention pruned (0 when none was): a reader whose cursor
 * is below it may have missed events that no longer exist (JOBS-2; app_outbox_prune in drizzle/0012).
 */
export async function prunedThrough(db: DbOrTx, workspaceId: string): Promise<number> {
  const [row] = await db.select({ id: outboxRetention.prunedThroughId }).from(outboxRetention).where(eq(outboxRetention.workspaceId, workspaceId));
  return row?.id ?? 0;
}
