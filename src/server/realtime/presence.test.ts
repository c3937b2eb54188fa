/** Presence bookkeeping of the sidecar (ADR 0015), with fake timers: per user, bounded, coalesced, within a frame budget. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '@/lib/realtime-protocol';
import { applyPresenceDelta, EMPTY_PRESENCE, presenceFromJoined, presenceView, type RoomPresence } from '@/lib/realtime/room-presence';
import { createPresenceRooms } from './presence';

const WS = 'ws-1';
const P = 'project-1';
type Delta = Extract<ServerMessage, { type: 'presence_delta' }>;

function harness(options: { framesPerSecond?: number; shown?: number; editorsShown?: number } = {}) {
  const frames: Array<{ projectId: string; message: Delta; sockets: number }> = [];
  const published: Array<{ upsert: string[]; left: string[] }> = [];
  const sockets = new Map<string, number>();
  const rooms = createPresenceRooms({
    broadcast: (projectId, frame) => frames.push({ projectId, message: JSON.parse(frame) as Delta, sockets: sockets.get(projectId) ?? 0 }),
    publish: (_ws, _p, upsert, left) => published.push({ upsert: upsert.map((s) => s.userId), left }),
    flushMs: 100,
    ...options,
  });
  const join = (conn: string, user: string) => {
    sockets.set(P, (sockets.get(P) ?? 0) + 1);
    return rooms.join(P, WS, conn, { id: user, name: `Name ${user}`, image: null });
  };
  const leave = (conn: string, user: string) => {
    sockets.set(P, (sockets.get(P) ?? 0) - 1);
    rooms.leave(P, conn, user);
  };
  /** What a socket that joined first holds after every frame. */
  const view = (): RoomPresence => frames.reduce((room, f) => applyPresenceDelta(room, f.message), EMPTY_PRESENCE);
  return { rooms, frames, published, join, leave, view };
}

describe('presence rooms', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('counts people, not connections; a user leaves with their last connection', () => {
    const h = harness();
    h.join('c1', 'alice');
    h.join('c2', 'alice');
    h.join('c3', 'bob');
    vi.advanceTimersByTime(150);
    expect(h.frames).toHaveLength(1);
    expect(h.view()).toMatchObject({ count: 2 });
    expect(h.view().people.map((p) => p.userId)).toEqual(['alice', 'bob']);
    h.leave('c1', 'alice');
    vi.advanceTimersByTime(300);
    expect(h.frames).toHaveLength(1); // nothing changed for anyone
    h.leave('c2', 'alice');
    vi.advanceTimersByTime(150);
    expect(h.frames.at(-1)!.message).toMatchObject({ left: ['alice'], count: 1 });
    expect(h.published.flatMap((p) => p.left)).toEqual(['alice']);
  });

  it('coalesces a window of changes into one frame; nothing is sent when nothing changed', () => {
    const h = harness();
    for (let i = 0; i < 30; i++) h.join(`c${i}`, `u${i}`);
    h.join('x', 'ghost');
    h.leave('x', 'ghost'); // joined and left within the window: nobody hears of it
    vi.advanceTimersByTime(150);
    expect(h.frames).toHaveLength(1);
    expect(h.frames[0]!.message.upsert).toHaveLength(30);
    expect(h.frames[0]!.message.left).toBeUndefined();
    vi.advanceTimersByTime(1000);
    expect(h.frames).toHaveLength(1);
  });

  it('sends an isolated change at once (leading edge) and coalesces what follows within the window', () => {
    const h = harness();
    h.join('c1', 'alice');
    vi.advanceTimersByTime(1);
    expect(h.frames).toHaveLength(1);
    h.join('c2', 'bob');
    h.join('c3', 'carol');
    vi.advanceTimersByTime(1);
    expect(h.frames).toHaveLength(1); // within the window: waits for the tick
    vi.advanceTimersByTime(150);
    expect(h.frames).toHaveLength(2);
    expect(h.frames[1]!.message.upsert?.map((e) => e.userId)).toEqual(['bob', 'carol']);
  });

  it('shows the first N by arrival plus editors beyond them; beyond N only the count travels', () => {
    const h = harness({ shown: 5, editorsShown: 2 });
    for (let i = 0; i < 8; i++) {
      h.join(`c${i}`, `u${i}`);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(150);
    expect(h.view().people.map((p) => p.userId)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
    expect(h.view().count).toBe(8);
    h.join('c8', 'u8');
    vi.advanceTimersByTime(150);
    expect(h.frames.at(-1)!.message).toEqual({ type: 'presence_delta', projectId: P, count: 9 }); // count only
    h.rooms.setEditing(P, 'c7', 'u7', 'task-7');
    vi.advanceTimersByTime(150);
    expect(h.frames.at(-1)!.message.upsert).toEqual([{ userId: 'u7', name: 'Name u7', image: null, editingTaskId: 'task-7' }]);
    h.leave('c1', 'u1'); // u5 takes the slot
    vi.advanceTimersByTime(150);
    expect(h.frames.at(-1)!.message).toMatchObject({ left: ['u1'], count: 8 });
    expect(h.view().people.map((p) => p.userId).sort()).toEqual(['u0', 'u2', 'u3', 'u4', 'u5', 'u7']);
    // A joiner gets the list as last sent, plus itself.
    const joined = h.join('c9', 'u9');
    expect(joined.presence.map((p) => p.userId).sort()).toEqual(['u0', 'u2', 'u3', 'u4', 'u5', 'u7', 'u9']);
    expect(joined.count).toBe(8);
  });

  it('a room sends at most framesPerSecond presence frames per second over all its sockets, whatever its size', () => {
    for (const size of [1000, 10_000]) {
      const h = harness({ framesPerSecond: 5000 });
      // `size` joins spread over 10 s (a steady arrival rate), counting frames × sockets.
      const perTick = size / 100;
      for (let t = 0; t < 100; t++) {
        for (let j = 0; j < perTick; j++) h.join(`c${t}-${j}`, `u${t}-${j}`);
        vi.advanceTimersByTime(100);
      }
      vi.advanceTimersByTime(3000);
      const socketFrames = h.frames.reduce((n, f) => n + f.sockets, 0);
      expect(h.view().count).toBe(size);
      expect(socketFrames / 13).toBeLessThanOrEqual(5000 * 1.1);
    }
  });

  it('merges other instances: earliest arrival, latest edit; a gone instance takes its users along', () => {
    const h = harness();
    h.join('c1', 'alice');
    h.rooms.applyRemote('other', WS, P, [
      { userId: 'alice', name: 'Name alice', image: null, since: 0, editingTaskId: 't1', editingSince: Date.now() + 5 },
      { userId: 'carol', name: 'Name carol', image: null, since: 0, editingTaskId: null, editingSince: 0 },
    ], []);
    h.rooms.applyRemote('other', 'another-workspace', P, [{ userId: 'mallory', name: 'M', image: null, since: 0, editingTaskId: null, editingSince: 0 }], []);
    vi.advanceTimersByTime(150);
    expect(h.view()).toMatchObject({ count: 2 });
    expect(h.view().people.find((p) => p.userId === 'alice')?.editingTaskId).toBe('t1');
    h.rooms.forgetInstance('other');
    vi.advanceTimersByTime(150);
    expect(h.view().people.map((p) => p.userId)).toEqual(['alice']);
    expect(h.view().people[0]!.editingTaskId).toBeNull();
  });
});

describe('room presence in the browser', () => {
  it('applies joined then deltas by user id, and shows you first then "+N more"', () => {
    let room = presenceFromJoined({ type: 'joined', projectId: P, presence: [{ userId: 'a', name: 'A', image: null, editingTaskId: null }], count: 1 });
    room = applyPresenceDelta(room, { type: 'presence_delta', projectId: P, upsert: [{ userId: 'b', name: 'B', image: null, editingTaskId: null }, { userId: 'a', name: 'A', image: null, editingTaskId: 't' }], count: 120 });
    expect(room.people.map((p) => [p.userId, p.editingTaskId])).toEqual([['a', 't'], ['b', null]]);
    room = applyPresenceDelta(room, { type: 'presence_delta', projectId: P, left: ['a'], count: 119 });
    expect(room).toEqual({ people: [{ userId: 'b', name: 'B', image: null, editingTaskId: null }], count: 119 });
    const me = { userId: 'me', name: 'Me', image: null, editingTaskId: null };
    const view = presenceView({ people: [...room.people, me], count: 119 }, 'me', 8);
    expect(view.shown.map((p) => p.userId)).toEqual(['me', 'b']);
    expect(view.more).toBe(117);
    // Beyond the shown list the room may say the viewer left it; they are still here.
    let mine = presenceFromJoined({ type: 'joined', projectId: P, presence: [room.people[0]!, me], count: 119 }, 'me');
    mine = applyPresenceDelta(mine, { type: 'presence_delta', projectId: P, left: ['me'], count: 119 });
    expect(presenceView(mine, 'me', 8).shown.map((p) => p.userId)).toEqual(['me', 'b']);
  });
});
