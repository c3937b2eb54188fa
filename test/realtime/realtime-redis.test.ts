/**
 * Two sidecar processes sharing Redis (REDIS_URL; needs a Redis server — TEST_REDIS_URL, default
 * redis://127.0.0.1:6379 — and fails, not skips, without one): a ticket opens one connection across
 * instances, presence is shared, and events still reach both from PostgreSQL LISTEN.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '@/server/db/tenant';
import { appendEvent } from '@/server/realtime-events/outbox';
import { testDb } from '../support/db';
import { connectClient, readyClient, startSidecar, type Sidecar } from '../support/realtime';
import { callerAs, makeUser, makeWorkspace } from '../support/trpc';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('realtime sidecar: two instances over Redis (redis)', () => {
  let one: Sidecar;
  let two: Sidecar;

  beforeAll(async () => {
    [one, two] = await Promise.all([startSidecar({ REDIS_URL }), startSidecar({ REDIS_URL })]);
  }, 40_000);

  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it('both report the redis adapter', async () => {
    for (const s of [one, two]) {
      expect(await (await fetch(`http://127.0.0.1:${s.port}/health`)).json()).toMatchObject({ status: 'ok', adapter: 'redis' });
    }
  });

  it('a ticket used on one instance is refused on the other (4401)', async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    const { caller } = await callerAs(user.id);
    const { ticket } = await caller.realtime.ticket({ workspaceSlug: ws.slug });
    const first = connectClient(one.port, `?ticket=${encodeURIComponent(ticket)}`);
    await first.next('ready');
    expect(await connectClient(two.port, `?ticket=${encodeURIComponent(ticket)}`).closed).toEqual({ code: 4401, reason: 'ticket already used' });
    first.ws.close();
  });

  it('presence is shared across instances; events reach sockets of both', async () => {
    const [alice, bob] = await Promise.all([makeUser(), makeUser()]);
    const ws = await makeWorkspace([
      { userId: alice.id, role: 'owner' },
      { userId: bob.id, role: 'member' },
    ]);
    const { caller } = await callerAs(alice.id);
    const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Shared' });

    const a = await readyClient(one.port, alice.id, ws.slug, project.id);
    await a.next('joined');
    const b = await readyClient(two.port, bob.id, ws.slug, project.id);
    await b.next('joined');
    const both = [alice.id, bob.id].sort().join();
    const people = (room: { people: Array<{ userId: string }> }) => room.people.map((p) => p.userId).sort().join();
    await b.presenceUntil(project.id, (room) => people(room) === both && room.count === 2);
    await a.presenceUntil(project.id, (room) => people(room) === both && room.count === 2);

    const taskId = randomUUID();
    b.send({ type: 'presence', projectId: project.id, editingTaskId: taskId });
    await a.presenceUntil(project.id, (room) => room.people.some((p) => p.userId === bob.id && p.editingTaskId === taskId));

    await withTenant(testDb(), { workspaceId: ws.id, userId: alice.id }, (tx) =>
      appendEvent(tx, { workspaceId: ws.id, projectId: project.id, type: 'task.updated', payload: { id: taskId, title: 'both' }, actorId: alice.id, requestId: null }),
    );
    for (const client of [a, b]) {
      expect((await client.next('event', (m) => m.event.payload.id === taskId)).event.payload).toMatchObject({ title: 'both' });
    }

    b.ws.close();
    await a.presenceUntil(project.id, (room) => room.count === 1 && !room.people.some((p) => p.userId === bob.id));
    a.ws.close();
  });

  it('one entry per user across instances: tabs on both count once; the user leaves with the last (redis)', async () => {
    const [erin, frank] = await Promise.all([makeUser(), makeUser()]);
    const ws = await makeWorkspace([
      { userId: erin.id, role: 'owner' },
      { userId: frank.id, role: 'member' },
    ]);
    const { caller } = await callerAs(erin.id);
    const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Tabs' });
    const watch = await readyClient(one.port, erin.id, ws.slug, project.id);
    await watch.next('joined');
    const tabOne = await readyClient(one.port, frank.id, ws.slug, project.id);
    const tabTwo = await readyClient(two.port, frank.id, ws.slug, project.id);
    await Promise.all([tabOne.next('joined'), tabTwo.next('joined')]);
    const frankIn = (room: { people: Array<{ userId: string }> }) => room.people.filter((p) => p.userId === frank.id).length;
    for (const c of [watch, tabTwo]) await c.presenceUntil(project.id, (room) => room.count === 2 && frankIn(room) === 1);

    tabTwo.ws.close();
    await new Promise((r) => setTimeout(r, 600));
    expect(watch.presence(project.id)).toMatchObject({ count: 2 });
    expect(frankIn(watch.presence(project.id))).toBe(1);
    tabOne.ws.close();
    await watch.presenceUntil(project.id, (room) => room.count === 1 && frankIn(room) === 0);
    watch.ws.close();
  });

  it('an instance that stops takes its users out of the others\' rooms; one that starts learns who is there (redis)', async () => {
    const [gina, hal] = await Promise.all([makeUser(), makeUser()]);
    const ws = await makeWorkspace([
      { userId: gina.id, role: 'owner' },
      { userId: hal.id, role: 'member' },
    ]);
    const { caller } = await callerAs(gina.id);
    const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Comings and goings' });
    const watch = await readyClient(one.port, gina.id, ws.slug, project.id);
    await watch.next('joined');
    const three = await startSidecar({ REDIS_URL });
    try {
      // The new instance asked for the full state (gina changes nothing): its joiner sees her.
      const late = await readyClient(three.port, hal.id, ws.slug, project.id);
      await late.next('joined');
      await late.presenceUntil(project.id, (room) => room.count === 2 && room.people.some((p) => p.userId === gina.id));
      await watch.presenceUntil(project.id, (room) => room.count === 2 && room.people.some((p) => p.userId === hal.id));
    } finally {
      await three.stop();
    }
    await watch.presenceUntil(project.id, (room) => room.count === 1 && !room.people.some((p) => p.userId === hal.id));
    watch.ws.close();
  });

  it('a socket of another project or workspace does not see that presence', async () => {
    const [carol, dave] = await Promise.all([makeUser(), makeUser()]);
    const ws = await makeWorkspace([
      { userId: carol.id, role: 'owner' },
      { userId: dave.id, role: 'member' },
    ]);
    const { caller } = await callerAs(carol.id);
    const p1 = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'One' });
    const p2 = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Two' });
    const c = await readyClient(one.port, carol.id, ws.slug, p1.id);
    await c.next('joined');
    const d = await readyClient(two.port, dave.id, ws.slug, p2.id);
    expect((await d.next('joined')).presence.map((p) => p.userId)).toEqual([dave.id]);
    d.send({ type: 'presence', projectId: p2.id, editingTaskId: randomUUID() });
    await d.presenceUntil(p2.id, (room) => room.people.some((p) => p.userId === dave.id && p.editingTaskId !== null));
    await new Promise((r) => setTimeout(r, 500));
    expect(c.presence(p1.id).people.map((p) => p.userId)).toEqual([carol.id]);
    expect(c.messages.filter((m) => m.type === 'presence_delta' && m.projectId !== p1.id)).toEqual([]);
    c.ws.close();
    d.ws.close();
  });
});
