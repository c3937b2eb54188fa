/**
 * Presence at room scale (PERF-2, ADR 0015) against the real sidecar process and PostgreSQL:
 * one entry per user (tabs of one person are one entry; they leave with their last connection),
 * joins in a burst coalesced into a few frames, the shown list bounded with a count of everyone.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_SHOWN } from '@/lib/realtime-protocol';
import { createSession } from '@/server/auth/session';
import { withTenant } from '@/server/db/tenant';
import { createProject } from '@/server/projects/project-service';
import { signTicket } from '@/server/realtime/ticket';
import { testDb } from '../support/db';
import { connectClient, settle, startSidecar, type Sidecar, type TestClient } from '../support/realtime';
import { makeUser, makeWorkspace } from '../support/trpc';

const SECRET = process.env.AUTH_SECRET!;
/** A long coalescing window, so "a burst of joins is a few frames" does not depend on this machine's speed. */
const FLUSH_MS = 1500;

describe('presence at room scale (real sidecar)', () => {
  let sidecar: Sidecar;
  let workspace: { id: string; slug: string };
  const people: Array<{ id: string; sessionId: string }> = [];
  const open: TestClient[] = [];

  async function socket(person: { id: string; sessionId: string }, projectId: string): Promise<TestClient> {
    const { ticket } = signTicket(SECRET, { userId: person.id, sessionId: person.sessionId, workspaceId: workspace.id, projectId });
    const client = connectClient(sidecar.port, `?ticket=${encodeURIComponent(ticket)}`);
    open.push(client);
    await client.next('joined', (m) => m.projectId === projectId, 10_000);
    return client;
  }

  async function project(): Promise<string> {
    const id = randomUUID();
    await withTenant(testDb(), { workspaceId: workspace.id, userId: people[0]!.id }, (tx) =>
      createProject(tx, { userId: people[0]!.id, role: 'owner', requestId: 'test' }, { workspaceId: workspace.id }, { id, name: `Room ${id.slice(0, 4)}` }),
    );
    return id;
  }

  const ids = (room: { people: Array<{ userId: string }> }) => room.people.map((p) => p.userId);

  beforeAll(async () => {
    const users = await Promise.all(Array.from({ length: PRESENCE_SHOWN + 10 }, () => makeUser()));
    workspace = await makeWorkspace(users.map((u, i) => ({ userId: u.id, role: i === 0 ? ('owner' as const) : ('member' as const) })));
    for (const u of users) people.push({ id: u.id, sessionId: (await createSession(testDb(), u.id, {})).sessionId });
    sidecar = await startSidecar({ REALTIME_PRESENCE_FLUSH_MS: String(FLUSH_MS) });
  }, 60_000);

  afterAll(async () => {
    for (const c of open) c.ws.terminate();
    await sidecar?.stop();
  });

  it('one entry per user: a second tab adds nobody; the user leaves with their last tab', async () => {
    const room = await project();
    const [observer, alice] = [people[0]!, people[1]!];
    const watch = await socket(observer, room);
    const tab1 = await socket(alice, room);
    const tab2 = await socket(alice, room);
    const seen = await watch.presenceUntil(room, (r) => r.count === 2 && ids(r).includes(alice.id), 5000);
    expect(ids(seen).filter((id) => id === alice.id)).toHaveLength(1);

    // What one tab edits shows; closing that tab falls back to what the other tab edits.
    const [task1, task2] = [randomUUID(), randomUUID()];
    tab2.send({ type: 'presence', projectId: room, editingTaskId: task2 });
    await settle(50);
    tab1.send({ type: 'presence', projectId: room, editingTaskId: task1 });
    await watch.presenceUntil(room, (r) => r.people.some((p) => p.userId === alice.id && p.editingTaskId === task1), 5000);

    tab1.ws.close();
    await watch.presenceUntil(room, (r) => r.people.some((p) => p.userId === alice.id && p.editingTaskId === task2), 5000);
    await settle(FLUSH_MS + 500);
    expect(watch.presence(room)).toMatchObject({ count: 2 });
    expect(ids(watch.presence(room))).toContain(alice.id);

    tab2.ws.close();
    const after = await watch.presenceUntil(room, (r) => !ids(r).includes(alice.id), 5000);
    expect(after.count).toBe(1);
    watch.ws.close();
  });

  it('a burst of joins reaches the room as a few coalesced frames, not one per join', async () => {
    const room = await project();
    const watch = await socket(people[0]!, room);
    const joiners = people.slice(1, 21);
    const sockets = await Promise.all(joiners.map((p) => socket(p, room)));
    const final = await watch.presenceUntil(room, (r) => r.count === 21, 3 * FLUSH_MS + 5000);
    expect(ids(final).sort()).toEqual([people[0]!.id, ...joiners.map((p) => p.id)].sort());
    // 20 joins; each frame carries every change of its window (a per-join design sends 20).
    expect(watch.presenceFrames(room)).toBeLessThanOrEqual(4);
    // Leaves coalesce too.
    const before = watch.presenceFrames(room);
    for (const s of sockets) s.ws.close();
    await watch.presenceUntil(room, (r) => r.count === 1, 3 * FLUSH_MS + 5000);
    expect(watch.presenceFrames(room) - before).toBeLessThanOrEqual(3);
    watch.ws.close();
  });

  it(`the shown list is bounded (the first ${PRESENCE_SHOWN} people plus editors) and the count is everyone`, async () => {
    const room = await project();
    const watch = await socket(people[0]!, room);
    const everyone = people.slice(0, PRESENCE_SHOWN + 5);
    const sockets = new Map<string, TestClient>();
    // In order, so who arrived first is known: the first PRESENCE_SHOWN are shown.
    for (const p of everyone.slice(1)) sockets.set(p.id, await socket(p, room));
    const full = await watch.presenceUntil(room, (r) => r.count === everyone.length, 3 * FLUSH_MS + 5000);
    expect(ids(full).sort()).toEqual(everyone.slice(0, PRESENCE_SHOWN).map((p) => p.id).sort());

    // A late joiner gets the bounded list (plus itself) and the count, not everyone.
    const late = people[PRESENCE_SHOWN + 5]!;
    const lateSocket = await socket(late, room);
    const joined = lateSocket.messages.find((m) => m.type === 'joined' && m.projectId === room);
    expect(joined).toMatchObject({ count: everyone.length });
    expect(joined!.type === 'joined' && joined!.presence.length).toBe(PRESENCE_SHOWN + 1);

    // Someone beyond the bound who starts editing is shown (with what they edit).
    const beyond = everyone[PRESENCE_SHOWN + 2]!;
    const task = randomUUID();
    sockets.get(beyond.id)!.send({ type: 'presence', projectId: room, editingTaskId: task });
    await watch.presenceUntil(room, (r) => r.people.some((p) => p.userId === beyond.id && p.editingTaskId === task), 3 * FLUSH_MS + 5000);

    // One of the first leaves: the next by arrival takes the slot; the count drops.
    const leaver = everyone[3]!;
    sockets.get(leaver.id)!.ws.close();
    const next = everyone[PRESENCE_SHOWN]!;
    const after = await watch.presenceUntil(room, (r) => !ids(r).includes(leaver.id) && ids(r).includes(next.id), 3 * FLUSH_MS + 5000);
    expect(after.count).toBe(everyone.length); // the late joiner came, the leaver went
    expect(after.people).toHaveLength(PRESENCE_SHOWN + 1); // the first 50 + one editor beyond them
    for (const s of [...sockets.values(), lateSocket, watch]) s.ws.close();
  });
});
