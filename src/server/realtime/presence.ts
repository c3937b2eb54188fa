/**
 * Room presence that costs O(changes), not O(members²) (PERF-2, ADR 0015).
 *
 *  - One entry per USER and room: a person with three tabs is one entry; they leave when their last
 *    connection to the room goes. Across sidecar instances (Redis adapter) each instance publishes
 *    its users' aggregate and merges the others' (earliest `since`, the latest edit wins).
 *  - Bounded: a room shows the first `shown` people by arrival (`since`, then user id: the same order
 *    on every instance) plus up to `editorsShown` people editing a task; beyond that only the count
 *    of distinct people travels.
 *  - Coalesced: changes mark the room dirty; a tick every `flushMs` sends each dirty room ONE
 *    `presence_delta` frame (serialised once) with what entered, changed in or left the shown list,
 *    and the count — and nothing when neither changed. A room quiet for a whole interval sends its
 *    first change at once (leading edge: an isolated change is not delayed, a burst is). A room also sends at most `framesPerSecond`
 *    presence frames per second in total (a room of 10,000 sockets: one frame per 2 s), so the
 *    presence bytes a join costs do not grow with the room. Joins in a burst (a reconnect storm after
 *    a restart) are a handful of frames, not one per join per member.
 *  - The joiner gets the list as last sent to the room (plus itself), so a later delta (the diff
 *    from that list) always applies cleanly to what it holds.
 */
import { PRESENCE_EDITORS_SHOWN, PRESENCE_SHOWN, type PresenceEntry, type ServerMessage } from '@/lib/realtime-protocol';

/** A user's presence in a room as one instance holds it (what travels between instances). */
export interface PresenceState {
  userId: string;
  name: string | null;
  image: string | null;
  /** When their first connection joined (epoch ms): the order of the shown list. */
  since: number;
  editingTaskId: string | null;
  /** When they opened `editingTaskId` (epoch ms; 0 when none). */
  editingSince: number;
}

export interface PresenceRoomsOptions {
  /** Sends one serialised frame to every local socket in the project's room. */
  broadcast(projectId: string, frame: string): void;
  /** Tells the other instances about changed local aggregates (upserted states, user ids gone). */
  publish?(workspaceId: string, projectId: string, upsert: PresenceState[], left: string[]): void;
  /** Coalescing window (default 100 ms). */
  flushMs?: number;
  /** Presence frames per second a room may cause over all its sockets (default 5000). */
  framesPerSecond?: number;
  /** Longest wait between two frames of a room (default 2000 ms). */
  maxIntervalMs?: number;
  shown?: number;
  editorsShown?: number;
  now?: () => number;
}

interface LocalUser {
  userId: string;
  name: string | null;
  image: string | null;
  since: number;
  /** connection id → what that tab is editing. */
  conns: Map<string, { editingTaskId: string | null; editingSince: number }>;
}

interface Room {
  projectId: string;
  workspaceId: string;
  /** Local connections in the room (the frame budget is per socket). */
  sockets: Set<string>;
  users: Map<string, LocalUser>;
  /** The shown list as last sent: user id → entry (and its JSON, to diff). */
  shown: Map<string, { entry: PresenceEntry; json: string }>;
  count: number;
  sentAt: number;
  /** Something changed since the last frame. */
  dirty: boolean;
  /** Local users whose aggregate changed since the last publish to the other instances. */
  changed: Set<string>;
  /** A leading-edge flush is scheduled. */
  leading: boolean;
}

interface RemoteState {
  workspaceId: string;
  state: PresenceState;
}

const byArrival = (a: PresenceState, b: PresenceState) => a.since - b.since || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
const byEditing = (a: PresenceState, b: PresenceState) => a.editingSince - b.editingSince || byArrival(a, b);

/** The `k` smallest items offered (sorted), in O(n log k) for n offers. */
class Smallest<T> {
  readonly items: T[] = [];
  constructor(
    private readonly k: number,
    private readonly cmp: (a: T, b: T) => number,
  ) {}
  offer(item: T): void {
    const { items, k, cmp } = this;
    if (k <= 0) return;
    if (items.length >= k && cmp(item, items[items.length - 1]!) >= 0) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(items[mid]!, item) <= 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, item);
    if (items.length > k) items.pop();
  }
}

function aggregate(user: LocalUser): PresenceState {
  let editingTaskId: string | null = null;
  let editingSince = 0;
  for (const c of user.conns.values()) {
    if (c.editingTaskId && c.editingSince >= editingSince) {
      editingTaskId = c.editingTaskId;
      editingSince = c.editingSince;
    }
  }
  return { userId: user.userId, name: user.name, image: user.image, since: user.since, editingTaskId, editingSince };
}

/** One person over several instances: the earliest arrival, the latest edit. */
function merge(a: PresenceState, b: PresenceState): PresenceState {
  const editing = b.editingTaskId && (!a.editingTaskId || b.editingSince > a.editingSince) ? b : a;
  return {
    userId: a.userId,
    name: a.name ?? b.name,
    image: a.image ?? b.image,
    since: Math.min(a.since, b.since),
    editingTaskId: editing.editingTaskId,
    editingSince: editing.editingTaskId ? editing.editingSince : 0,
  };
}

export const entryOf = (s: PresenceState): PresenceEntry => ({ userId: s.userId, name: s.name, image: s.image, editingTaskId: s.editingTaskId });

export function createPresenceRooms(options: PresenceRoomsOptions) {
  const flushMs = options.flushMs ?? 100;
  const framesPerSecond = options.framesPerSecond ?? 5000;
  const maxIntervalMs = options.maxIntervalMs ?? 2000;
  const shownMax = options.shown ?? PRESENCE_SHOWN;
  const editorsMax = options.editorsShown ?? PRESENCE_EDITORS_SHOWN;
  const now = options.now ?? Date.now;

  const rooms = new Map<string, Room>();
  /** Other instances' users: projectId → userId → instanceId → state. */
  const remote = new Map<string, Map<string, Map<string, RemoteState>>>();
  const dirtyRooms = new Set<Room>();
  let timer: NodeJS.Timeout | null = null;
  let framesSent = 0;

  /** Shortest time between two frames of a room with `sockets` local sockets. */
  const intervalFor = (sockets: number) => Math.min(maxIntervalMs, Math.max(flushMs, (sockets / framesPerSecond) * 1000));

  function remoteOf(room: Room, userId: string): PresenceState | null {
    const byInstance = remote.get(room.projectId)?.get(userId);
    if (!byInstance) return null;
    let out: PresenceState | null = null;
    for (const r of byInstance.values()) {
      if (r.workspaceId !== room.workspaceId) continue; // a project belongs to one workspace: a second fence
      out = out ? merge(out, r.state) : r.state;
    }
    return out;
  }

  /** Every person in the room (local and other instances'), merged per user. */
  function forEachPerson(room: Room, visit: (p: PresenceState) => void): void {
    const others = remote.get(room.projectId);
    for (const user of room.users.values()) {
      const local = aggregate(user);
      const r = others?.has(user.userId) ? remoteOf(room, user.userId) : null;
      visit(r ? merge(local, r) : local);
    }
    if (!others) return;
    for (const userId of others.keys()) {
      if (room.users.has(userId)) continue;
      const r = remoteOf(room, userId);
      if (r) visit(r);
    }
  }

  /** The shown list (first by arrival, then editors beyond them) and the count of people. */
  function snapshot(room: Room): { shown: PresenceState[]; count: number } {
    const first = new Smallest<PresenceState>(shownMax, byArrival);
    const editors = new Smallest<PresenceState>(editorsMax + shownMax, byEditing);
    let count = 0;
    forEachPerson(room, (p) => {
      count += 1;
      first.offer(p);
      if (p.editingTaskId) editors.offer(p);
    });
    const shown = first.items;
    const ids = new Set(shown.map((p) => p.userId));
    let extra = 0;
    for (const p of editors.items) {
      if (extra >= editorsMax) break;
      if (ids.has(p.userId)) continue;
      shown.push(p);
      extra += 1;
    }
    return { shown, count };
  }

  function touch(room: Room, userId?: string): void {
    room.dirty = true;
    if (userId) room.changed.add(userId);
    dirtyRooms.add(room);
    if (!timer) {
      timer = setInterval(tick, flushMs);
      timer.unref();
    }
    // Leading edge: a room that sent nothing for a whole interval sends this change at once (after
    // the current turn of the event loop, so what else happens in it joins the frame); later changes
    // of the interval coalesce into the next tick. An isolated change is not delayed; a burst is.
    if (!room.leading && now() - room.sentAt >= intervalFor(room.sockets.size)) {
      room.leading = true;
      setImmediate(() => {
        room.leading = false;
        if (dirtyRooms.has(room) && flushRoom(room, now())) dirtyRooms.delete(room);
      });
    }
  }

  function publishChanges(room: Room): void {
    if (room.changed.size === 0) return;
    const upsert: PresenceState[] = [];
    const left: string[] = [];
    for (const userId of room.changed) {
      const user = room.users.get(userId);
      if (user) upsert.push(aggregate(user));
      else left.push(userId);
    }
    room.changed.clear();
    options.publish?.(room.workspaceId, room.projectId, upsert, left);
  }

  /** Sends the room's delta if it has one and its frame budget allows; true when settled. */
  function flushRoom(room: Room, at: number, force = false): boolean {
    publishChanges(room);
    if (room.sockets.size === 0) {
      if (rooms.get(room.projectId) === room) rooms.delete(room.projectId);
      return true;
    }
    if (!room.dirty) return true;
    if (!force && at - room.sentAt < intervalFor(room.sockets.size)) return false;
    room.dirty = false;
    const { shown, count } = snapshot(room);
    const next = new Map<string, { entry: PresenceEntry; json: string }>();
    const upsert: PresenceEntry[] = [];
    for (const p of shown) {
      const entry = entryOf(p);
      const json = JSON.stringify(entry);
      next.set(p.userId, { entry, json });
      if (room.shown.get(p.userId)?.json !== json) upsert.push(entry);
    }
    const left = [...room.shown.keys()].filter((id) => !next.has(id));
    if (upsert.length === 0 && left.length === 0 && count === room.count) return true;
    room.shown = next;
    room.count = count;
    room.sentAt = at;
    const message: ServerMessage = { type: 'presence_delta', projectId: room.projectId, ...(upsert.length ? { upsert } : {}), ...(left.length ? { left } : {}), count };
    framesSent += room.sockets.size;
    options.broadcast(room.projectId, JSON.stringify(message));
    return true;
  }

  function tick(): void {
    const at = now();
    for (const room of [...dirtyRooms]) if (flushRoom(room, at)) dirtyRooms.delete(room);
    if (dirtyRooms.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  function roomFor(projectId: string, workspaceId: string): Room {
    let room = rooms.get(projectId);
    if (room) return room;
    room = { projectId, workspaceId, sockets: new Set(), users: new Map(), shown: new Map(), count: 0, sentAt: 0, dirty: false, changed: new Set(), leading: false };
    rooms.set(projectId, room);
    // What the other instances already hold is this room's starting list.
    const { shown, count } = snapshot(room);
    for (const p of shown) {
      const entry = entryOf(p);
      room.shown.set(p.userId, { entry, json: JSON.stringify(entry) });
    }
    room.count = count;
    return room;
  }

  return {
    /**
     * Connection `connId` of `user` joins the room; answers what the `joined` frame carries: the
     * shown list as last sent (plus the joiner) and the count. The others hear of it in the next delta.
     */
    join(projectId: string, workspaceId: string, connId: string, user: { id: string; name: string | null; image: string | null }): { presence: PresenceEntry[]; count: number } {
      const room = roomFor(projectId, workspaceId);
      let person = room.users.get(user.id);
      if (!person) {
        person = { userId: user.id, name: user.name, image: user.image, since: now(), conns: new Map() };
        room.users.set(user.id, person);
        touch(room, user.id);
      }
      if (!person.conns.has(connId)) person.conns.set(connId, { editingTaskId: null, editingSince: 0 });
      room.sockets.add(connId);
      const presence = [...room.shown.values()].map((s) => s.entry);
      if (!room.shown.has(user.id)) {
        const r = remoteOf(room, user.id);
        const local = aggregate(person);
        presence.push(entryOf(r ? merge(local, r) : local));
      }
      return { presence, count: Math.max(room.count, presence.length) };
    },

    /** Connection `connId` leaves; its user leaves the room with their last connection. */
    leave(projectId: string, connId: string, userId: string): void {
      const room = rooms.get(projectId);
      const person = room?.users.get(userId);
      if (!room || !person?.conns.has(connId)) return;
      const before = aggregate(person).editingTaskId;
      person.conns.delete(connId);
      room.sockets.delete(connId);
      if (person.conns.size === 0) {
        room.users.delete(userId);
        touch(room, userId);
      } else if (aggregate(person).editingTaskId !== before) {
        touch(room, userId);
      } else if (room.sockets.size === 0) {
        touch(room);
      }
    },

    /** What tab `connId` is editing; false when that connection is not in the room. */
    setEditing(projectId: string, connId: string, userId: string, taskId: string | null): boolean {
      const tab = rooms.get(projectId)?.users.get(userId)?.conns.get(connId);
      if (!tab) return false;
      if (tab.editingTaskId === taskId) return true;
      const person = rooms.get(projectId)!.users.get(userId)!;
      const before = aggregate(person).editingTaskId;
      tab.editingTaskId = taskId;
      tab.editingSince = taskId ? now() : 0;
      if (aggregate(person).editingTaskId !== before) touch(rooms.get(projectId)!, userId);
      return true;
    },

    /** Another instance's changed aggregates for a room. */
    applyRemote(instanceId: string, workspaceId: string, projectId: string, upsert: readonly PresenceState[], left: readonly string[]): void {
      let users = remote.get(projectId);
      if (!users) remote.set(projectId, (users = new Map()));
      for (const state of upsert) {
        let byInstance = users.get(state.userId);
        if (!byInstance) users.set(state.userId, (byInstance = new Map()));
        byInstance.set(instanceId, { workspaceId, state });
      }
      for (const userId of left) {
        const byInstance = users.get(userId);
        if (!byInstance?.delete(instanceId)) continue;
        if (byInstance.size === 0) users.delete(userId);
      }
      if (users.size === 0) remote.delete(projectId);
      const room = rooms.get(projectId);
      if (room) touch(room);
    },

    /** Another instance is gone (said bye, or fell silent): its users leave every room. */
    forgetInstance(instanceId: string): void {
      for (const [projectId, users] of remote) {
        let changed = false;
        for (const [userId, byInstance] of users) {
          if (!byInstance.delete(instanceId)) continue;
          changed = true;
          if (byInstance.size === 0) users.delete(userId);
        }
        if (users.size === 0) remote.delete(projectId);
        const room = rooms.get(projectId);
        if (changed && room) touch(room);
      }
    },

    /** Every local aggregate, per room (for another instance that asked for the full state). */
    localStates(): Array<{ workspaceId: string; projectId: string; states: PresenceState[] }> {
      return [...rooms.values()].filter((r) => r.users.size > 0).map((r) => ({ workspaceId: r.workspaceId, projectId: r.projectId, states: [...r.users.values()].map(aggregate) }));
    },

    /** Flushes every dirty room now, ignoring the frame budget (shutdown, tests). */
    flushAll(): void {
      const at = now();
      for (const room of [...dirtyRooms]) flushRoom(room, at, true);
      dirtyRooms.clear();
    },

    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },

    stats: () => ({ rooms: rooms.size, presenceFrames: framesSent }),
  };
}

export type PresenceRooms = ReturnType<typeof createPresenceRooms>;
