import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/permissions';
import { projects, taskComments, tasks } from '@/server/db/schema';
import { withTenant } from '@/server/db/tenant';
import { readEvents } from '@/server/realtime-events/outbox';
import { AppError } from '@/server/platform/errors';
import { superSql, testDb } from '../../../test/support/db';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../../../test/support/trpc';
import { canViewProject } from './access';

type Caller = Awaited<ReturnType<typeof callerAs>>['caller'];

async function setup() {
  const roles: Role[] = ['owner', 'admin', 'member', 'member', 'viewer'];
  const users = await Promise.all(roles.map(() => makeUser()));
  const ws = await makeWorkspace(users.map((u, i) => ({ userId: u.id, role: roles[i] as Role })));
  const callers = (await Promise.all(users.map((u) => callerAs(u.id)))).map((c) => c.caller) as [Caller, Caller, Caller, Caller, Caller];
  const ids = users.map((u) => u.id) as [string, string, string, string, string];
  return { ws, slug: ws.slug, callers, ids, roles };
}

/** What the user sees through row-level security alone (no application check). */
function seenByRls(workspaceId: string, userId: string) {
  return withTenant(testDb(), { workspaceId, userId }, async (tx) => ({
    projects: (await tx.select({ id: projects.id }).from(projects)).map((r) => r.id),
    tasks: (await tx.select({ id: tasks.id }).from(tasks)).map((r) => r.id),
    comments: (await tx.select({ id: taskComments.id }).from(taskComments)).map((r) => r.id),
    events: (await readEvents(tx, workspaceId, 0)).map((e) => e.type),
  }));
}

describe('projects', () => {
  it('a private project is invisible to a workspace member who is not in it — app, RLS and canViewProject', async () => {
    const { ws, slug, callers, ids } = await setup();
    const [, admin, creator, other] = callers;
    const priv = await creator.project.create({ workspaceSlug: slug, id: randomUUID(), name: 'Secret', visibility: 'private' });
    const open = await creator.project.create({ workspaceSlug: slug, id: randomUUID(), name: 'Open' });
    const task = await creator.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: priv.id, title: 'hidden' });
    await creator.comment.create({ workspaceSlug: slug, id: randomUUID(), taskId: task.id, body: 'psst' });

    // Application layer.
    expect((await other.project.list({ workspaceSlug: slug })).map((p) => p.name)).toEqual(['Open']);
    expect((await errorOf(other.project.get({ workspaceSlug: slug, projectId: priv.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(other.task.list({ workspaceSlug: slug, projectId: priv.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(other.task.get({ workspaceSlug: slug, taskId: task.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(other.comment.list({ workspaceSlug: slug, taskId: task.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(other.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: priv.id, title: 'x' }))).code).toBe('NOT_FOUND');
    // Workspace admins and the creator see it.
    expect((await admin.project.list({ workspaceSlug: slug })).map((p) => p.name).sort()).toEqual(['Open', 'Secret']);
    expect((await creator.project.list({ workspaceSlug: slug })).map((p) => p.name).sort()).toEqual(['Open', 'Secret']);

    // Row-level security alone.
    const hidden = await seenByRls(ws.id, ids[3]);
    expect(hidden).toEqual({ projects: [open.id], tasks: [], comments: [], events: ['project.created'] });
    const seen = await seenByRls(ws.id, ids[1]);
    expect(seen.projects.sort()).toEqual([priv.id, open.id].sort());
    expect(seen.tasks).toEqual([task.id]);
    expect(seen.comments).toHaveLength(1);

    // The sidecar's join check.
    const can = (userId: string, role: Role, projectId: string) =>
      withTenant(testDb(), { workspaceId: ws.id, userId }, (tx) => canViewProject(tx, { userId, role }, projectId));
    expect(await can(ids[3], 'member', priv.id)).toBe(false);
    expect(await can(ids[3], 'member', open.id)).toBe(true);
    expect(await can(ids[2], 'member', priv.id)).toBe(true);
    expect(await can(ids[1], 'admin', priv.id)).toBe(true);
    expect(await can(ids[3], 'member', randomUUID())).toBe(false);

    // Shared → visible; revoked → gone again, with a member_removed event for the sidecar.
    await creator.project.addMember({ workspaceSlug: slug, projectId: priv.id, userId: ids[3] });
    expect(await can(ids[3], 'member', priv.id)).toBe(true);
    expect((await seenByRls(ws.id, ids[3])).tasks).toEqual([task.id]);
    // A plain member of the project is not a project admin.
    expect((await errorOf(other.project.removeMember({ workspaceSlug: slug, projectId: priv.id, userId: ids[2] }))).code).toBe('FORBIDDEN');
    expect(await creator.project.removeMember({ workspaceSlug: slug, projectId: priv.id, userId: ids[3] })).toEqual({ removed: true });
    expect(await can(ids[3], 'member', priv.id)).toBe(false);
    expect((await seenByRls(ws.id, ids[3])).tasks).toEqual([]);
    const [removed] = await superSql()`SELECT payload FROM outbox_events WHERE type = 'project.member_removed'`;
    expect(removed?.payload).toEqual({ projectId: priv.id, userId: ids[3], visibility: 'private' });

    // Leaving the workspace ends the project memberships too (a later re-invite does not restore access).
    await creator.project.addMember({ workspaceSlug: slug, projectId: priv.id, userId: ids[3] });
    await callers[0].member.remove({ workspaceSlug: slug, userId: ids[3] });
    const left = await superSql()`SELECT count(*)::int AS n FROM project_members WHERE user_id = ${ids[3]}`;
    expect(left[0]?.n).toBe(0);
  });

  it('refuses members of another workspace as project members, and a non-admin turning a project private', async () => {
    const { slug, callers, ids } = await setup();
    const [, , creator, other] = callers;
    const project = await creator.project.create({ workspaceSlug: slug, id: randomUUID(), name: 'P' });
    const stranger = await makeUser();
    expect((await errorOf(creator.project.addMember({ workspaceSlug: slug, projectId: project.id, userId: stranger.id }))).code).toBe('BAD_REQUEST');
    // `other` is no project admin of P (the creator of a workspace project is its admin member).
    const refused = await errorOf(other.project.update({ workspaceSlug: slug, projectId: project.id, expectedVersion: 1, visibility: 'private' }));
    expect(refused.code).toBe('FORBIDDEN');
    const updated = await creator.project.update({ workspaceSlug: slug, projectId: project.id, expectedVersion: 1, visibility: 'private', name: 'P2' });
    expect(updated).toMatchObject({ version: 2, visibility: 'private', name: 'P2' });
    expect((await creator.project.listMembers({ workspaceSlug: slug, projectId: project.id })).map((m) => m.userId)).toEqual([ids[2]]);
  });

  it('updates and deletes compare-and-set; creates are idempotent; a viewer is refused', async () => {
    const { slug, callers } = await setup();
    const [owner, , member, , viewer] = callers;
    const input = { workspaceSlug: slug, id: randomUUID(), name: 'Roadmap', description: '# Goals' };
    for (let i = 0; i < 10; i += 1) await member.project.create(input);
    const [count] = await superSql()`SELECT count(*)::int AS n FROM projects WHERE id = ${input.id}`;
    expect(count?.n).toBe(1);
    expect((await errorOf(member.project.create({ ...input, name: 'Other' }))).code).toBe('CONFLICT');

    await member.project.update({ workspaceSlug: slug, projectId: input.id, expectedVersion: 1, name: 'Roadmap 2027' });
    const stale = await errorOf(owner.project.update({ workspaceSlug: slug, projectId: input.id, expectedVersion: 1, name: 'Mine' }));
    expect(stale.code).toBe('CONFLICT');
    expect((stale.cause as AppError).details).toMatchObject({ current: { name: 'Roadmap 2027', version: 2 } });

    expect((await errorOf(viewer.project.create({ ...input, id: randomUUID() }))).code).toBe('FORBIDDEN');
    expect((await errorOf(member.project.delete({ workspaceSlug: slug, projectId: input.id, expectedVersion: 2 }))).code).toBe('FORBIDDEN');
    await owner.project.delete({ workspaceSlug: slug, projectId: input.id, expectedVersion: 2 });
    expect((await errorOf(member.project.get({ workspaceSlug: slug, projectId: input.id }))).code).toBe('NOT_FOUND');
  });
});
