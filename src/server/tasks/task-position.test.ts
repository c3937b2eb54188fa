/** Exact positions for undo/redo: task.create and task.move with `position` (a fractional-index key). */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { superSql } from '../../../test/support/db';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../../../test/support/trpc';

async function board() {
  const user = await makeUser();
  const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
  const caller = (await callerAs(user.id)).caller;
  const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'P' });
  const slug = ws.slug;
  const create = (title: string, extra: { position?: string; status?: 'todo' | 'done'; id?: string } = {}) =>
    caller.task.create({ workspaceSlug: slug, id: extra.id ?? randomUUID(), projectId: project.id, title, ...extra });
  const order = async (status: 'todo' | 'done' = 'todo') =>
    (await caller.task.list({ workspaceSlug: slug, projectId: project.id, status })).items.map((t) => t.title);
  return { caller, slug, project, create, order };
}

describe('exact task positions', () => {
  it('create puts the task at exactly the given key; an equal key is allowed and ties order by id', async () => {
    const { create, order, caller, slug, project } = await board();
    const a = await create('a', { position: 'a' });
    await create('c', { position: 'c' });
    const b = await create('b', { position: 'b' });
    expect(a.position).toBe('a');
    expect(b.position).toBe('b');
    expect(await order()).toEqual(['a', 'b', 'c']);
    // Two cards on the same key: the smaller id first, in the list and across pages.
    const ids = [randomUUID(), randomUUID()].sort();
    await create('tie-2', { position: 'b', id: ids[1] });
    await create('tie-1', { position: 'b', id: ids[0] });
    const tied = ['a', ...[['b', b.id], ['tie-1', ids[0]!], ['tie-2', ids[1]!]].sort((x, y) => (x[1]! < y[1]! ? -1 : 1)).map((x) => x[0]!), 'c'];
    expect(await order()).toEqual(tied);
    const page1 = await caller.task.list({ workspaceSlug: slug, projectId: project.id, limit: 2 });
    const page2 = await caller.task.list({ workspaceSlug: slug, projectId: project.id, limit: 10, cursor: page1.nextCursor! });
    expect([...page1.items, ...page2.items].map((t) => t.title)).toEqual(tied);
    // Without a position: the end of the column.
    const end = await create('end');
    expect(end.position > 'c').toBe(true);
  });

  it('move to an exact key (and column); the activity and the event carry it', async () => {
    const { create, order, caller, slug } = await board();
    const a = await create('a', { position: 'a' });
    await create('b', { position: 'b' });
    const moved = await caller.task.move({ workspaceSlug: slug, taskId: a.id, expectedVersion: 1, position: 'bV' });
    expect(moved).toMatchObject({ position: 'bV', status: 'todo', version: 2 });
    expect(await order()).toEqual(['b', 'a']);
    const back = await caller.task.move({ workspaceSlug: slug, taskId: a.id, expectedVersion: 2, status: 'done', position: 'a' });
    expect(back).toMatchObject({ position: 'a', status: 'done', version: 3 });
    expect(await order('done')).toEqual(['a']);
    const [event] = await superSql()`SELECT payload FROM outbox_events WHERE type = 'task.moved' AND payload->>'id' = ${a.id} ORDER BY id DESC LIMIT 1`;
    expect(event?.payload).toMatchObject({ position: 'a', status: 'done', version: 3 });
  });

  it('refuses a malformed key and position together with neighbours (BAD_REQUEST), changing nothing', async () => {
    const { create, caller, slug } = await board();
    const a = await create('a', { position: 'a' });
    const b = await create('b', { position: 'b' });
    for (const position of ['a0', '', 'a-b', 'ä', 'x'.repeat(201)]) {
      const error = await errorOf(caller.task.move({ workspaceSlug: slug, taskId: a.id, expectedVersion: 1, position }));
      expect(error.code).toBe('BAD_REQUEST');
      expect((await errorOf(create('bad', { position }))).code).toBe('BAD_REQUEST');
    }
    const both = await errorOf(caller.task.move({ workspaceSlug: slug, taskId: a.id, expectedVersion: 1, position: 'c', afterId: b.id }));
    expect(both.code).toBe('BAD_REQUEST');
    expect(both.cause).toMatchObject({ key: 'task.positionWithNeighbours', fieldErrors: { position: 'task.positionWithNeighbours' } });
    expect((await errorOf(caller.task.move({ workspaceSlug: slug, taskId: a.id, expectedVersion: 1, position: 'c', beforeId: b.id }))).code).toBe('BAD_REQUEST');
    const [row] = await superSql()`SELECT position, version FROM tasks WHERE id = ${a.id}`;
    expect(row).toEqual({ position: 'a', version: 1 });
    const [count] = await superSql()`SELECT count(*)::int AS n FROM tasks WHERE title = 'bad'`;
    expect(count).toEqual({ n: 0 });
  });
});
