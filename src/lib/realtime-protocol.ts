/**
 * The realtime wire protocol (COLLAB-3), shared by the sidecar and the browser client.
 * JSON text frames. Client → server messages are validated with `clientMessageSchema`.
 *
 *   connect   ws(s)://<sidecar>/?ticket=<ticket>   (or send {type:'auth', ticket} first, within 5 s)
 *   server    {type:'ready', connectionId, userId, workspaceId}
 *   client    {type:'join', projectId}          → {type:'joined', projectId, presence} | {type:'join_refused', projectId, code:4403}
 *   client    {type:'leave', projectId}         → {type:'left', projectId}
 *   client    {type:'presence', projectId, editingTaskId?} → everyone in the room: {type:'presence', projectId, entry}
 *   server    presence changes are deltas: {type:'presence', projectId, entry} (joined or changed) and
 *             {type:'presence_left', projectId, connectionId}; `joined` carries the full list
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

export interface PresenceEntry {
  connectionId: string;
  userId: string;
  name: string | null;
  image: string | null;
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
  | { type: 'ready'; connectionId: string; userId: string; workspaceId: string }
  | { type: 'joined'; projectId: string; presence: PresenceEntry[] }
  | { type: 'join_refused'; projectId: string; code: 4403; reason: string }
  | { type: 'left'; projectId: string }
  | { type: 'presence'; projectId: string; entry: PresenceEntry }
  | { type: 'presence_left'; projectId: string; connectionId: string }
  | { type: 'event'; event: RealtimeEvent }
  | { type: 'kicked'; projectId: string; reason: string }
  | { type: 'project_hidden'; projectId: string }
  /** Events may have been missed: resync every joined board from its last position (docs/realtime.md). */
  | { type: 'resync'; reason: ResyncReason }
  | { type: 'pong' }
  | { type: 'error'; reason: string };
