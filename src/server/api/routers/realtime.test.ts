import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/permissions';
import { withTenant } from '@/server/db/tenant';
import { appendEvent, READ_EVENTS_MAX } from '@/server/realtime-events/outbox';
import { testDb } from '../../../../test/support/db';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../../../../test/support/trpc';

async function board(roles: Role[] = ['owner', 'member']) {
  const users = await Promise.all(roles.map(() => makeUser()));
  const ws = await makeWorkspace(users.map((u, i) => ({ userId: u.id, role: roles[i] as Role })));
  const callers = await Promise.all(users.map(async (u) => (await callerAs(u.id)).caller));
  const owner = callers[0]!;
  const open = await owner.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Open' });
  const secret = await owner.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Secret', visibility: 'private' });
  return { ws, users, callers, owner, member: callers[1]!, open, secret, slug: ws.slug };
}

describe('realtime.events / realtime.cursor', () => {
  it("a private project's events and cursor are NOT_FOUND for a workspace member who cannot see it, and for an outsider", async () => {
    const { owner, member, secret, slug } = await board();
    await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: secret.id, title: 'Hidden' });
    expect((await errorOf(member.realtime.events({ workspaceSlug: slug, projectId: secret.id, afterId: 0 }))).code).toBe('NOT_FOUND');
    expect((await errorOf(member.realtime.cursor({ workspaceSlug: slug, projectId: secret.id }))).code).toBe('NOT_FOUND');
    const outsider = (await callerAs((await makeUser()).id)).caller;
    expect((await errorOf(outsider.realtime.events({ workspaceSlug: slug, projectId: secret.id, afterId: 0 }))).code).toBe('NOT_FOUND');
    // The owner sees them.
    const page = await owner.realtime.events({ workspaceSlug: slug, projectId: secret.id, afterId: 0 });
    expect(page.events.map((e) => e.type)).toEqual(['project.created', 'task.created']);
  });

  it('returns only the project’s events after afterId, oldest first, mapped like the sidecar’s frames; lastId and hasMore page on', async () => {
    const { owner, member, open, secret, slug, users } = await board();
    const t = await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: open.id, title: 'One' });
    await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: secret.id, title: 'Not this project' });
    await owner.task.update({ workspaceSlug: slug, taskId: t.id, expectedVersion: 1, title: 'Two' });

    const all = await member.realtime.events({ workspaceSlug: slug, projectId: open.id, afterId: 0 });
    expect(all.events.map((e) => e.type)).toEqual(['project.created', 'task.created', 'task.updated']);
    expect(all.hasMore).toBe(false);
    expect(all.lastId).toBe(all.events.at(-1)!.id);
    const updated = all.events[2]!;
    expect(updated).toMatchObject({ projectId: open.id, actorId: users[0]!.id, payload: { id: t.id, title: 'Two', version: 2 } });
    expect(new Date(updated.createdAt).toISOString()).toBe(updated.createdAt);

    const after = await member.realtime.events({ workspaceSlug: slug, projectId: open.id, afterId: all.events[1]!.id });
    expect(after.events.map((e) => e.id)).toEqual([updated.id]);
    // Nothing new: lastId stays afterId.
    const none = await member.realtime.events({ workspaceSlug: slug, projectId: open.id, afterId: all.lastId });
    expect(none).toEqual({ events: [], lastId: all.lastId, hasMore: false });
  });

  it('pages by 500', async () => {
    const { owner, open, slug, ws, users } = await board(['owner']);
    const start = (await owner.realtime.cursor({ workspaceSlug: slug, projectId: open.id })).lastId;
    await withTenant(testDb(), { workspaceId: ws.id, userId: users[0]!.id }, async (tx) => {
      for (let i = 0; i < READ_EVENTS_MAX + 1; i++) {
        await appendEvent(tx, { workspaceId: ws.id, projectId: open.id, type: 'task.updated', payload: { n: i }, actorId: users[0]!.id, requestId: null });
      }
    });
    const first = await owner.realtime.events({ workspaceSlug: slug, projectId: open.id, afterId: start });
    expect(first.events).toHaveLength(READ_EVENTS_MAX);
    expect(first.hasMore).toBe(true);
    expect(first.events[0]!.payload).toEqual({ n: 0 });
    expect(first.lastId).toBe(first.events.at(-1)!.id);
    const second = await owner.realtime.events({ workspaceSlug: slug, projectId: open.id, afterId: first.lastId });
    expect(second.events.map((e) => e.payload)).toEqual([{ n: READ_EVENTS_MAX }]);
    expect(second.hasMore).toBe(false);
  });

  it('cursor: the highest event id of the workspace the caller may see', async () => {
    const { owner, member, open, secret, slug } = await board();
    const base = await member.realtime.cursor({ workspaceSlug: slug, projectId: open.id });
    const ownerBase = await owner.realtime.cursor({ workspaceSlug: slug, projectId: open.id });
    // The owner also sees the private project's creation event, which came later.
    expect(ownerBase.lastId).toBeGreaterThan(base.lastId);
    const events = await member.realtime.events({ workspaceSlug: slug, projectId: open.id, afterId: 0 });
    expect(base.lastId).toBe(events.lastId);
    await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: secret.id, title: 'Hidden' });
    expect(await member.realtime.cursor({ workspaceSlug: slug, projectId: open.id })).toEqual(base);
    const t = await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: open.id, title: 'Seen' });
    const moved = await member.realtime.cursor({ workspaceSlug: slug, projectId: open.id });
    expect(moved.lastId).toBeGreaterThan(base.lastId);
    const page = await member.realtime.events({ workspaceSlug: slug, projectId: open.id, afterId: base.lastId });
    expect(page.events.map((e) => e.payload.id)).toEqual([t.id]);
    expect(page.lastId).toBe(moved.lastId);
  });
});
