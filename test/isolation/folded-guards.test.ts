/**
 * The permission, project and visibility checks folded into the hot statements (ADR 0014) hold on
 * their own: every case here runs twice — through the app role (both layers) and through a
 * superuser connection that bypasses row-level security, so only the application's WHERE clauses
 * stand between the caller and the rows. And the refusals keep their order: NOT_FOUND (gone or not
 * visible) before BAD_REQUEST (assignee not a member) before CONFLICT (stale version).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@/server/api/trpc';
import { createSession, sessionCookieName } from '@/server/auth/session';
import { createDatabase, type Database } from '@/server/db/client';
import { superSql, superuserUrl, testDb } from '../support/db';
import { cookieJar, createTestCaller, errorOf, makeUser, makeWorkspace } from '../support/trpc';

let unguarded: Database;
beforeAll(() => {
  unguarded = createDatabase(superuserUrl(), 2);
});
afterAll(async () => {
  await unguarded.$client.end();
});

async function callerOn(database: Database, userId: string) {
  const { token } = await createSession(testDb(), userId, { userAgent: 'folded-guards', ip: '127.0.0.1' });
  return createTestCaller(await createContext({ headers: new Headers(), cookies: cookieJar({ [sessionCookieName(false)]: token }), secure: false, database }));
}

async function setup() {
  const [owner, member, outsider] = [await makeUser(), await makeUser(), await makeUser()];
  const ws = await makeWorkspace([
    { userId: owner.id, role: 'owner' },
    { userId: member.id, role: 'member' },
  ]);
  // The member's own workspace, with a project of its own: being a member there must not help here.
  const other = await makeWorkspace([{ userId: member.id, role: 'owner' }]);
  const ownerCaller = await callerOn(testDb(), owner.id);
  const memberCaller = await callerOn(testDb(), member.id);
  const secret = await ownerCaller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Secret', visibility: 'private' });
  const hidden = await ownerCaller.task.create({ workspaceSlug: ws.slug, id: randomUUID(), projectId: secret.id, title: 'hidden' });
  const open = await ownerCaller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Open' });
  const visible = await ownerCaller.task.create({ workspaceSlug: ws.slug, id: randomUUID(), projectId: open.id, title: 'visible' });
  const empty = await ownerCaller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Empty' });
  const elsewhere = await memberCaller.project.create({ workspaceSlug: other.slug, id: randomUUID(), name: 'Elsewhere' });
  const elsewhereTask = await memberCaller.task.create({ workspaceSlug: other.slug, id: randomUUID(), projectId: elsewhere.id, title: 'elsewhere' });
  return { ws, owner, member, outsider, secret, hidden, open, visible, empty, elsewhere, elsewhereTask };
}

describe.each([
  ['app role (both layers)', () => testDb()],
  ['RLS bypassed (the application guard alone)', () => unguarded],
])('folded guards — %s', (_label, database) => {
  it('a member cannot list, read, update or comment on a task of a private project they are not in', async () => {
    const s = await setup();
    const member = await callerOn(database(), s.member.id);
    const slug = s.ws.slug;
    expect((await errorOf(member.task.list({ workspaceSlug: slug, projectId: s.secret.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(member.task.get({ workspaceSlug: slug, taskId: s.hidden.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(member.task.update({ workspaceSlug: slug, taskId: s.hidden.id, expectedVersion: 1, title: 'mine now' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(member.comment.create({ workspaceSlug: slug, id: randomUUID(), taskId: s.hidden.id, body: 'hi' }))).code).toBe('NOT_FOUND');
    const [row] = await superSql()<{ title: string; version: number; comments: number }[]>`
      SELECT title, version, (SELECT count(*)::int FROM task_comments WHERE task_id = ${s.hidden.id}) AS comments FROM tasks WHERE id = ${s.hidden.id}`;
    expect(row).toEqual({ title: 'hidden', version: 1, comments: 0 });
  });

  it('a project or task of another workspace is not reachable through this workspace’s slug', async () => {
    const s = await setup();
    const member = await callerOn(database(), s.member.id);
    const slug = s.ws.slug;
    expect((await errorOf(member.task.list({ workspaceSlug: slug, projectId: s.elsewhere.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(member.task.update({ workspaceSlug: slug, taskId: s.elsewhereTask.id, expectedVersion: 1, title: 'x' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(member.comment.create({ workspaceSlug: slug, id: randomUUID(), taskId: s.elsewhereTask.id, body: 'x' }))).code).toBe('NOT_FOUND');
  });

  it('tells an empty board from a missing project, and a stale write from a missing task', async () => {
    const s = await setup();
    const member = await callerOn(database(), s.member.id);
    const slug = s.ws.slug;
    expect(await member.task.list({ workspaceSlug: slug, projectId: s.empty.id })).toEqual({ items: [], nextCursor: null });
    expect((await errorOf(member.task.list({ workspaceSlug: slug, projectId: randomUUID() }))).code).toBe('NOT_FOUND');
    expect((await member.task.list({ workspaceSlug: slug, projectId: s.open.id })).items.map((t) => t.id)).toEqual([s.visible.id]);

    const updated = await member.task.update({ workspaceSlug: slug, taskId: s.visible.id, expectedVersion: 1, title: 'renamed', assigneeId: s.owner.id });
    expect(updated).toMatchObject({ version: 2, title: 'renamed', assigneeId: s.owner.id });
    const stale = await errorOf(member.task.update({ workspaceSlug: slug, taskId: s.visible.id, expectedVersion: 1, title: 'stale' }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.cause).toMatchObject({ details: { current: { id: s.visible.id, version: 2, title: 'renamed' } } });
    // Assignee not a member: BAD_REQUEST before CONFLICT (as when it was checked first) …
    expect((await errorOf(member.task.update({ workspaceSlug: slug, taskId: s.visible.id, expectedVersion: 1, assigneeId: s.outsider.id }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(member.task.update({ workspaceSlug: slug, taskId: s.visible.id, expectedVersion: 2, assigneeId: s.outsider.id }))).code).toBe('BAD_REQUEST');
    // … and NOT_FOUND before either.
    expect((await errorOf(member.task.update({ workspaceSlug: slug, taskId: s.hidden.id, expectedVersion: 7, assigneeId: s.outsider.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(member.task.update({ workspaceSlug: slug, taskId: randomUUID(), expectedVersion: 1, title: 'x' }))).code).toBe('NOT_FOUND');

    // The activity row records what the update changed, from and to.
    const [activity] = await superSql()<{ data: Record<string, unknown> }[]>`
      SELECT data FROM task_activity WHERE task_id = ${s.visible.id} AND kind = 'updated' ORDER BY id`;
    expect(activity?.data).toEqual({ title: { from: 'visible', to: 'renamed' }, assigneeId: { from: null, to: s.owner.id }, version: 2 });
  });

  it('a soft-deleted project takes its tasks out of reach', async () => {
    const s = await setup();
    const owner = await callerOn(database(), s.owner.id);
    const slug = s.ws.slug;
    await owner.project.delete({ workspaceSlug: slug, projectId: s.open.id, expectedVersion: 1 });
    expect((await errorOf(owner.task.list({ workspaceSlug: slug, projectId: s.open.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(owner.task.update({ workspaceSlug: slug, taskId: s.visible.id, expectedVersion: 1, title: 'x' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(owner.comment.create({ workspaceSlug: slug, id: randomUUID(), taskId: s.visible.id, body: 'x' }))).code).toBe('NOT_FOUND');
  });
});
