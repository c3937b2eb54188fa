import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/permissions';
import { AppError } from '@/server/platform/errors';
import { superSql } from '../../../../test/support/db';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../../../../test/support/trpc';

async function board(roles: Role[] = ['owner', 'member', 'viewer']) {
  const users = await Promise.all(roles.map(() => makeUser()));
  const ws = await makeWorkspace(users.map((u, i) => ({ userId: u.id, role: roles[i] as Role })));
  const callers = await Promise.all(users.map(async (u) => (await callerAs(u.id)).caller));
  const project = await (callers[0] as (typeof callers)[number]).project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Launch' });
  return { ws, users, callers, project, slug: ws.slug };
}

describe('task procedures', () => {
  it('updates compare-and-set: the version goes up by one, a stale write is a CONFLICT carrying the current task', async () => {
    const { callers, project, slug } = await board();
    const [owner, member] = callers as [NonNullable<(typeof callers)[0]>, NonNullable<(typeof callers)[0]>];
    const task = await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title: 'Write copy' });
    expect(task.version).toBe(1);

    const a = await owner.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, title: 'Write launch copy' });
    expect(a).toMatchObject({ version: 2, title: 'Write launch copy', priority: 'none' });

    const stale = await errorOf(member.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, priority: 'high' }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.cause).toBeInstanceOf(AppError);
    expect((stale.cause as AppError).details).toMatchObject({ current: { id: task.id, version: 2, title: 'Write launch copy', priority: 'none' } });
    const [row] = await superSql()`SELECT version, priority FROM tasks WHERE id = ${task.id}`;
    expect(row).toEqual({ version: 2, priority: 'none' });

    // Only the given fields change: a merge re-applies the loser's field on the current version.
    const merged = await member.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 2, priority: 'high' });
    expect(merged).toMatchObject({ version: 3, title: 'Write launch copy', priority: 'high' });

    const missing = await errorOf(owner.task.update({ workspaceSlug: slug, taskId: randomUUID(), expectedVersion: 1, title: 'x' }));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('returns the current record as data.current over HTTP, localised', async () => {
    const { users, callers, project, slug } = await board(['owner']);
    const owner = callers[0] as NonNullable<(typeof callers)[0]>;
    const task = await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title: 'A' });
    await owner.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, title: 'B' });
    const { POST } = await import('@/app/api/trpc/[trpc]/route');
    const { jar } = await callerAs((users[0] as { id: string }).id);
    const cookie = [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = async (locale: string) => {
      const response = await POST(
        new Request('http://localhost/api/trpc/task.update', {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-kanso-locale': locale },
          body: JSON.stringify({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, title: 'C' }),
        }),
      );
      const json = (await response.json()) as { error: { message: string; data: { appCode: string; current: { title: string; version: number } } } };
      return { status: response.status, ...json.error };
    };
    const en = await post('en');
    expect(en.status).toBe(409);
    expect(en.data.appCode).toBe('CONFLICT');
    expect(en.message).toBe('Someone else changed this task in the meantime. Your change was not applied.');
    expect(en.data.current).toMatchObject({ id: task.id, title: 'B', version: 2 });
    const de = await post('de');
    expect(de.message).toBe('Jemand anderes hat diese Aufgabe inzwischen geändert. Ihre Änderung wurde nicht übernommen.');
  });

  it('replaying the same create 10 times yields one task, one activity row and one event; other content with that id is a CONFLICT', async () => {
    const { callers, project, slug } = await board(['owner']);
    const owner = callers[0] as NonNullable<(typeof callers)[0]>;
    const input = { workspaceSlug: slug, id: randomUUID(), projectId: project.id, title: 'Offline task', labels: ['ui', 'bug'], dueDate: '2026-12-01' };
    const results = [];
    for (let i = 0; i < 10; i += 1) results.push(await owner.task.create(input));
    expect(new Set(results.map((r) => `${r.id}:${r.version}`)).size).toBe(1);
    // Even after an edit, a late replay is the same create.
    await owner.task.update({ workspaceSlug: slug, taskId: input.id, expectedVersion: 1, title: 'Edited' });
    expect(await owner.task.create(input)).toMatchObject({ id: input.id, title: 'Edited', version: 2 });

    const [tasks] = await superSql()`SELECT count(*)::int AS n FROM tasks WHERE id = ${input.id}`;
    const [created] = await superSql()`SELECT count(*)::int AS n FROM task_activity WHERE task_id = ${input.id} AND kind = 'created'`;
    const [events] = await superSql()`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'task.created' AND payload->>'id' = ${input.id}`;
    expect([tasks?.n, created?.n, events?.n]).toEqual([1, 1, 1]);

    const clash = await errorOf(owner.task.create({ ...input, title: 'Something else' }));
    expect(clash.code).toBe('CONFLICT');
    expect((clash.cause as AppError).key).toBe('task.idConflict');
  });

  it('moves between neighbours with fractional keys and across columns, in board order', async () => {
    const { callers, project, slug } = await board(['owner']);
    const owner = callers[0] as NonNullable<(typeof callers)[0]>;
    const make = (title: string) => owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title });
    const a = await make('A');
    const b = await make('B');
    const c = await make('C');
    const titles = async (status?: 'todo' | 'in_progress' | 'done') =>
      (await owner.task.list({ workspaceSlug: slug, projectId: project.id, status })).items.map((t) => t.title);
    expect(await titles()).toEqual(['A', 'B', 'C']);

    // C between A and B; then A to the end (after B... no lower neighbour), then B to the top.
    const movedC = await owner.task.move({ workspaceSlug: slug, taskId: c.id, expectedVersion: 1, afterId: a.id, beforeId: b.id });
    expect(movedC.version).toBe(2);
    expect(await titles()).toEqual(['A', 'C', 'B']);
    await owner.task.move({ workspaceSlug: slug, taskId: a.id, expectedVersion: 1, afterId: b.id });
    expect(await titles()).toEqual(['C', 'B', 'A']);
    await owner.task.move({ workspaceSlug: slug, taskId: b.id, expectedVersion: 1, beforeId: c.id });
    expect(await titles()).toEqual(['B', 'C', 'A']);
    // 30 moves into the same gap keep a strict order.
    let version = 2;
    let upper = b;
    for (let i = 0; i < 30; i += 1) {
      const t = await make(`N${i}`);
      await owner.task.move({ workspaceSlug: slug, taskId: t.id, expectedVersion: 1, afterId: upper.id, beforeId: c.id });
      upper = t;
    }
    expect(await titles()).toEqual(['B', ...Array.from({ length: 30 }, (_, i) => `N${i}`), 'C', 'A']);

    // Across columns: C into "done" (empty column), with the activity recorded.
    const done = await owner.task.move({ workspaceSlug: slug, taskId: c.id, expectedVersion: version, status: 'done' });
    version = done.version;
    expect(await titles('done')).toEqual(['C']);
    const activity = await owner.task.listActivity({ workspaceSlug: slug, taskId: c.id });
    expect(activity.map((x) => x.kind)).toEqual(['moved', 'moved', 'created']);

    // A neighbour that is no longer in the column: CONFLICT, nothing written.
    const stale = await errorOf(owner.task.move({ workspaceSlug: slug, taskId: a.id, expectedVersion: 2, afterId: c.id }));
    expect(stale.code).toBe('CONFLICT');
  });

  it('lists each task exactly as task.get returns it (the raw-row mapping of the hot read matches Drizzle\'s)', async () => {
    const { callers, users, project, slug } = await board(['owner', 'member']);
    const owner = callers[0] as NonNullable<(typeof callers)[0]>;
    const a = await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title: 'Full', description: 'd', status: 'in_progress', priority: 'high', assigneeId: users[1]!.id, labels: ['x', 'y z'], dueDate: '2026-12-24' });
    await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title: 'Bare' });
    // Timestamps with every fraction length PostgreSQL prints (none, short, microseconds).
    await superSql()`UPDATE tasks SET created_at = '2026-01-02 03:04:05+00', updated_at = '2026-01-02 03:04:05.1+00' WHERE id = ${a.id}`;
    const { items } = await owner.task.list({ workspaceSlug: slug, projectId: project.id });
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toStrictEqual(await owner.task.get({ workspaceSlug: slug, taskId: item.id }));
    expect(items.find((t) => t.id === a.id)).toMatchObject({ createdAt: '2026-01-02T03:04:05.000Z', updatedAt: '2026-01-02T03:04:05.100Z', labels: ['x', 'y z'], dueDate: '2026-12-24' });
  });

  it('filters by assignee, label, status and due date; pages with a cursor', async () => {
    const { users, callers, project, slug } = await board(['owner', 'member']);
    const owner = callers[0] as NonNullable<(typeof callers)[0]>;
    const memberId = (users[1] as { id: string }).id;
    const create = (title: string, extra: Record<string, unknown> = {}) =>
      owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title, ...extra });
    await create('one', { assigneeId: memberId, labels: ['bug'], dueDate: '2026-11-30' });
    await create('two', { labels: ['ui'], status: 'done', dueDate: '2027-01-10' });
    await create('three', { assigneeId: memberId, status: 'in_progress' });
    const list = async (filters: Record<string, unknown>) =>
      (await owner.task.list({ workspaceSlug: slug, projectId: project.id, ...filters })).items.map((t) => t.title).sort();
    expect(await list({ assigneeId: memberId })).toEqual(['one', 'three']);
    expect(await list({ assigneeId: null })).toEqual(['two']);
    expect(await list({ label: 'ui' })).toEqual(['two']);
    expect(await list({ status: 'in_progress' })).toEqual(['three']);
    expect(await list({ dueBefore: '2026-12-31' })).toEqual(['one']);

    const first = await owner.task.list({ workspaceSlug: slug, projectId: project.id, limit: 2 });
    expect(first.items).toHaveLength(2);
    const rest = await owner.task.list({ workspaceSlug: slug, projectId: project.id, limit: 2, cursor: first.nextCursor ?? undefined });
    expect(rest.nextCursor).toBeNull();
    expect([...first.items, ...rest.items].map((t) => t.title).sort()).toEqual(['one', 'three', 'two']);

    const outsider = await makeUser();
    const refused = await errorOf(owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title: 'x', assigneeId: outsider.id }));
    expect(refused.code).toBe('BAD_REQUEST');
  });

  it('refuses a viewer on every task write, and deletes (hard) with a task.deleted event', async () => {
    const { callers, project, slug } = await board(['owner', 'viewer']);
    const [owner, viewer] = callers as [NonNullable<(typeof callers)[0]>, NonNullable<(typeof callers)[0]>];
    const task = await owner.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title: 'T' });
    const codes = await Promise.all([
      errorOf(viewer.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: project.id, title: 'V' })),
      errorOf(viewer.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, title: 'V' })),
      errorOf(viewer.task.move({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, status: 'done' })),
      errorOf(viewer.task.delete({ workspaceSlug: slug, taskId: task.id })),
    ]);
    expect(codes.map((e) => e.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect((await viewer.task.get({ workspaceSlug: slug, taskId: task.id })).version).toBe(1);

    const stale = await errorOf(owner.task.delete({ workspaceSlug: slug, taskId: task.id, expectedVersion: 5 }));
    expect(stale.code).toBe('CONFLICT');
    await owner.task.delete({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1 });
    const rows = await superSql()`SELECT id FROM tasks WHERE id = ${task.id}`;
    expect(rows).toHaveLength(0);
    const [event] = await superSql()`SELECT payload FROM outbox_events WHERE type = 'task.deleted' AND payload->>'id' = ${task.id}`;
    expect(event?.payload).toEqual({ id: task.id, projectId: project.id, version: 2 });
    expect((await errorOf(owner.task.get({ workspaceSlug: slug, taskId: task.id }))).code).toBe('NOT_FOUND');
  });
});
