/**
 * Resync for live boards (COLLAB-4): `realtime.cursor` gives the browser its baseline before it
 * loads a board; after a reconnect `realtime.events` answers what it missed since then. Both run in
 * the procedure's workspace-scoped transaction, so row-level security hides events of private
 * projects the caller cannot see; the project itself must be visible (else NOT_FOUND).
 */
import 'server-only';
import type { RealtimeEvent } from '@/lib/realtime-protocol';
import type { Tx } from '@/server/db/client';
import type { BoardActor } from '@/server/projects/access';
import { getProject } from '@/server/projects/project-service';
import { AppError } from '@/server/platform/errors';
import { latestEventId, prunedThrough, readEvents, READ_EVENTS_MAX, toRealtimeEvent } from './outbox';

export interface EventPage {
  /** Oldest first, at most READ_EVENTS_MAX. */
  events: RealtimeEvent[];
  /** The id of the last returned event, or `afterId` when none: pass it as the next `afterId`. */
  lastId: number;
  /** More events of the project follow `lastId`. */
  hasMore: boolean;
}

/**
 * Events of `projectId` with id > `afterId` (only that project's; the project list refetches instead).
 * A cursor older than the outbox keeps (JOBS-2 retention pruned events after it) cannot be replayed:
 * CONFLICT with `details.tooOld` — the board reloads instead.
 */
export async function projectEventsSince(tx: Tx, actor: BoardActor, ws: { workspaceId: string }, projectId: string, afterId: number): Promise<EventPage> {
  await getProject(tx, actor, projectId);
  if (afterId < (await prunedThrough(tx, ws.workspaceId))) {
    throw new AppError('CONFLICT', 'realtime.eventsPruned', { details: { tooOld: true } });
  }
  const rows = await readEvents(tx, ws.workspaceId, afterId, [projectId], READ_EVENTS_MAX);
  const lastId = rows.at(-1)?.id ?? afterId;
  const hasMore = rows.length === READ_EVENTS_MAX && (await readEvents(tx, ws.workspaceId, lastId, [projectId], 1)).length > 0;
  return { events: rows.map(toRealtimeEvent), lastId, hasMore };
}

/** The highest event id of the workspace the caller may see (0 if none): the baseline before loading a board. */
export async function eventCursor(tx: Tx, actor: BoardActor, ws: { workspaceId: string }, projectId: string): Promise<{ lastId: number }> {
  await getProject(tx, actor, projectId);
  return { lastId: await latestEventId(tx, ws.workspaceId) };
}
