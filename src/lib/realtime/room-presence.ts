/**
 * A room's presence as the browser holds it (protocol 2, ADR 0015): the shown people (bounded by
 * the sidecar: the first PRESENCE_SHOWN by arrival plus people editing) and the count of distinct
 * people in the room. `joined` replaces it; each `presence_delta` upserts, removes and sets the count.
 * Pure functions: unit-tested, used by WorkspaceLive.
 */
import type { PresenceEntry, ServerMessage } from '@/lib/realtime-protocol';

export interface RoomPresence {
  people: PresenceEntry[];
  /** Distinct people in the room (≥ people.length once the first delta arrived). */
  count: number;
  /**
   * The viewer's own entry (from `joined`, kept up to date by deltas): beyond the shown list the room
   * may say they `left` it (stopped editing, say) — they are still here, and the bar still shows them.
   */
  self?: PresenceEntry;
}

export const EMPTY_PRESENCE: RoomPresence = { people: [], count: 0 };

export function presenceFromJoined(message: Extract<ServerMessage, { type: 'joined' }>, meId?: string): RoomPresence {
  const people = new Map<string, PresenceEntry>();
  for (const entry of message.presence) people.set(entry.userId, entry);
  const self = meId ? people.get(meId) : undefined;
  return { people: [...people.values()], count: Math.max(message.count ?? 0, people.size), ...(self ? { self } : {}) };
}

export function applyPresenceDelta(current: RoomPresence, message: Extract<ServerMessage, { type: 'presence_delta' }>): RoomPresence {
  const selfUpsert = current.self ? message.upsert?.find((e) => e.userId === current.self!.userId) : undefined;
  const gone = new Set(message.left ?? []);
  const upserts = new Map((message.upsert ?? []).map((e) => [e.userId, e]));
  const people: PresenceEntry[] = [];
  for (const entry of current.people) {
    if (gone.has(entry.userId)) continue;
    const next = upserts.get(entry.userId);
    people.push(next ?? entry);
    upserts.delete(entry.userId);
  }
  people.push(...upserts.values());
  const self = selfUpsert ?? current.self;
  return { people, count: Math.max(message.count, people.length), ...(self ? { self } : {}) };
}

/**
 * What the presence bar shows: the viewer first (always there, even when the room is bigger than
 * the list), then up to `max` others, and how many more people are in the room.
 */
export function presenceView(room: RoomPresence, meId: string, max: number): { shown: PresenceEntry[]; more: number } {
  const me = room.people.find((p) => p.userId === meId) ?? (room.self?.userId === meId ? room.self : undefined);
  const others = room.people.filter((p) => p.userId !== meId);
  const shown = [...(me ? [me] : []), ...others.slice(0, Math.max(0, max - (me ? 1 : 0)))];
  return { shown, more: Math.max(0, room.count - shown.length) };
}
