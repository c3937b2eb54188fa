/**
 * The realtime wire protocol (COLLAB-3), shared by the sidecar and the browser client.
 * JSON text frames. Client → server messages are validated with `clientMessageSchema`.
 *
 *   connect   ws(s)://<sidecar>/?ticket=<ticket>   (or send {type:'auth', ticket} first, within 5 s)
 *   server    {type:'ready', connectionId, userId, workspaceId}   (workspaceId null: a user-level socket,
 *             from a ticket without a workspace — it joins no rooms and only hears `notifications`)
 *   server    {type:'notifications'}  the user's notifications changed (one was made, or some were marked
 *             read in another tab), or may have (the sidecar's LISTEN on `kanso_notifications` was down):
 *             refetch the unread count / inbox. Sent to every socket of that user, of any workspace.
 *   client    {type:'join', projectId}          → {type:'joined', projectId, presence, count} | {type:'join_refused', projectId, code:4403}
 *   client    {type:'leave', projectId}         → {type:'left', projectId}
 *   client    {type:'presence', projectId, editingTaskId?} → the room's next `presence_delta`
 *   server    presence is per USER (several tabs of one person are one entry; it leaves with their last
 *             connection) and bounded: `joined.presence` is the room's shown list — the first
 *             PRESENCE_SHOWN people by arrival plus up to PRESENCE_EDITORS_SHOWN people editing a task,
 *             and the joiner itself — and `count` the number of distinct people in the room. Changes come
 *             coalesced, at most one frame per room per window (100 ms; longer in rooms of thousands):
 *             {type:'presence_delta', projectId, upsert?, left?, count} — `upsert`/`left` only for
 *             people entering, changing in or leaving the shown list; otherwise just the new `count`
 *             (protocol 2, ADR 0015; protocol 1's per-connection `presence`/`presence_left` are gone)
 *   server    {type:'event', event:{id, type, projectId, payload, actorId, createdAt}}  for the socket's rooms;
 *             `project.*` events go to every socket of the workspace whose user may see the project
 *             (joined or not, e.g. `project.member_added` updates a project list); events with no
 *             project (`member.*`) to every socket of the workspace
 *   server    {type:'kicked', projectId, reason}  access to the project was revoked (socket stays open)
 *   server    {type:'project_hidden', projectId}  the project left this user's view: deleted, or their
 *             access was revoked (`project.member_removed`, instead of the event) — drop it from lists;
 *             a joined socket also gets `kicked` first
 *   server    {type:'resync', reason}  events may have been missed ('listen_restored': the sidecar's
 *             LISTEN was down and is back; 'delivery_failed': one event of this workspace could not
 *             be read): resync every joined board from the last event it applied (`realtime.events`,
 *             paging on `lastId`) and refetch project lists. The socket stays open.
 *   close     4401 bad/expired/missing ticket · 4403 not (or no longer) a member of the workspace
 *             4410 the session the ticket was minted for ended (signed out, revoked, expired)
 *             4408 no ticket in time · 1001 the sidecar is shutting down · 1008 malformed message
 */
import { z } from 'zod';

// Zod-free, so that browser code can import the close codes without the schemas below (ADR 0016).
export { REALTIME_CLOSE } from './realtime-close-codes';

const uuid = z.string().uuid();

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auth'), ticket: z.string().min(1).max(2048) }),
  z.object({ type: z.literal('join'), projectId: uuid }),
  z.object({ type: z.literal('leave'), projectId: uuid }),
  z.object({ type: z.literal('presence'), projectId: uuid, editingTaskId: uuid.nullish() }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Protocol 2 (ADR 0015): presence per user, bounded list + count, coalesced deltas. */
export const REALTIME_PROTOCOL = 2;

/** How many people (first by arrival) a room's presence list shows; beyond it, only the count. */
export const PRESENCE_SHOWN = 50;
/** People editing a task are shown too (the first this many editors), even beyond PRESENCE_SHOWN. */
export const PRESENCE_EDITORS_SHOWN = 20;

/** One person in a room (all their connections to it, on every sidecar instance). */
export interface PresenceEntry {
  userId: string;
  name: string | null;
  image: string | null;
  /** The task they opened most recently in any of their tabs (null: none). */
  editingTaskId: string | null;
}

export interface RealtimeEvent {
  id: number;
  type: string;
  projectId: string | null;
  payload: Record<string, unknown>;
  actorId: string | null;
  createdAt: string;
}

/** Why the sidecar asks for a resync: its LISTEN came back after a gap, or one event's fan-out failed. */
export type ResyncReason = 'listen_restored' | 'delivery_failed';

export type ServerMessage =
  | { type: 'ready'; connectionId: string; userId: string; workspaceId: string | null }
  /** The user's notifications changed (COLLAB-7): refetch the unread count. Carries nothing else. */
  | { type: 'notifications' }
  /** `presence`: the shown list (bounded) including the joiner; `count`: distinct people in the room. */
  | { type: 'joined'; projectId: string; presence: PresenceEntry[]; count: number }
  | { type: 'join_refused'; projectId: string; code: 4403; reason: string }
  | { type: 'left'; projectId: string }
  /** Coalesced presence changes: entries entering/changing in the shown list, user ids leaving it, the new count. */
  | { type: 'presence_delta'; projectId: string; upsert?: PresenceEntry[]; left?: string[]; count: number }
  | { type: 'event'; event: RealtimeEvent }
  | { type: 'kicked'; projectId: string; reason: string }
  | { type: 'project_hidden'; projectId: string }
  /** Events may have been missed: resync every joined board from its last position (docs/realtime.md). */
  | { type: 'resync'; reason: ResyncReason }
  | { type: 'pong' }
  | { type: 'error'; reason: string };
