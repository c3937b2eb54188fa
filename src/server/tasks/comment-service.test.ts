import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/permissions';
import { superSql } from '../../../test/support/db';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../../../test/support/trpc';

type Caller = Awaited<ReturnType<typeof callerAs>>['caller'];

describe('comments', () => {
  it('members edit and delete their own, admins any, viewers none; edits are compare-and-set; creates idempotent', async () => {
    const roles: Role[] = ['admin', 'member', 'member', 'viewer'];
    const users = await Promise.all(roles.map(() => makeUser()));
    const ws = await makeWorkspace(users.map((u, i) => ({ userId: u.id, role: roles[i] as Role })));
    const [admin, author, other, viewer] = (await Promise.all(users.map((u) => callerAs(u.id)))).map((c) => c.caller) as [Caller, Caller, Caller, Caller];
    const slug = ws.slug;
    const project = await author.project.create({ workspaceSlug: slug, id: randomUUID(), name: 'P' });
    const task = await author.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title: 'T' });

    const input = { workspaceSlug: slug, id: randomUUID(), taskId: task.id, body: 'First!' };
    const comment = await author.comment.create(input);
    await author.comment.create(input);
    expect(await author.comment.list({ workspaceSlug: slug, taskId: task.id })).toHaveLength(1);
    expect((await errorOf(other.comment.create({ ...input, body: 'hijack' }))).code).toBe('CONFLICT');
    expect((await errorOf(viewer.comment.create({ ...input, id: randomUUID() }))).code).toBe('FORBIDDEN');

    // Someone else's comment: refused for a member and a viewer, allowed for an admin.
    expect((await errorOf(other.comment.update({ workspaceSlug: slug, commentId: comment.id, expectedVersion: 1, body: 'x' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(other.comment.delete({ workspaceSlug: slug, commentId: comment.id }))).code).toBe('FORBIDDEN');
    expect((await errorOf(viewer.comment.update({ workspaceSlug: slug, commentId: comment.id, expectedVersion: 1, body: 'x' }))).code).toBe('FORBIDDEN');

    const edited = await author.comment.update({ workspaceSlug: slug, commentId: comment.id, expectedVersion: 1, body: 'First (edited)' });
    expect(edited).toMatchObject({ version: 2, body: 'First (edited)' });
    // A late replay of the create is still the same create; other content under that id is not.
    expect(await author.comment.create(input)).toMatchObject({ id: comment.id, version: 2, body: 'First (edited)' });
    expect((await errorOf(author.comment.create({ ...input, body: 'Second' }))).code).toBe('CONFLICT');
    const stale = await errorOf(admin.comment.update({ workspaceSlug: slug, commentId: comment.id, expectedVersion: 1, body: 'moderated' }));
    expect(stale.code).toBe('CONFLICT');
    expect(await admin.comment.update({ workspaceSlug: slug, commentId: comment.id, expectedVersion: 2, body: 'moderated' })).toMatchObject({ version: 3 });

    const mine = await other.comment.create({ workspaceSlug: slug, id: randomUUID(), taskId: task.id, body: 'mine' });
    await other.comment.delete({ workspaceSlug: slug, commentId: mine.id });
    await admin.comment.delete({ workspaceSlug: slug, commentId: comment.id });
    expect(await author.comment.list({ workspaceSlug: slug, taskId: task.id })).toEqual([]);

    const activity = await author.task.listActivity({ workspaceSlug: slug, taskId: task.id });
    expect(activity.map((a) => a.kind)).toEqual(['comment_deleted', 'comment_deleted', 'commented', 'comment_edited', 'comment_edited', 'commented', 'created']);
    const events = await superSql()`SELECT type FROM outbox_events WHERE type LIKE 'comment.%' ORDER BY id`;
    expect(events.map((e) => e.type)).toEqual(['comment.created', 'comment.updated', 'comment.updated', 'comment.created', 'comment.deleted', 'comment.deleted']);
  });
});
