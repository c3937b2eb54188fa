/** COLLAB-2 "the loser is told": `baseVersion` on task.update reports the fields it overwrote. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { superSql } from '../../../test/support/db';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../../../test/support/trpc';

async function pair() {
  const [a, b, c] = await Promise.all([makeUser(), makeUser(), makeUser()]);
  const ws = await makeWorkspace([
    { userId: a.id, role: 'owner' },
    { userId: b.id, role: 'member' },
    { userId: c.id, role: 'member' },
  ]);
  const asC = (await callerAs(c.id)).caller;
  const asA = (await callerAs(a.id)).caller;
  const asB = (await callerAs(b.id)).caller;
  const project = await asA.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'P' });
  const task = await asA.task.create({ workspaceSlug: ws.slug, id: randomUUID(), projectId: project.id, title: 'v1', description: 'd1' });
  return { a, b, c, asA, asB, asC, slug: ws.slug, task };
}

async function lastEvent(taskId: string) {
  const [row] = await superSql()`SELECT payload FROM outbox_events WHERE payload->>'id' = ${taskId} AND type = 'task.updated' ORDER BY id DESC LIMIT 1`;
  return row?.payload as Record<string, unknown>;
}

async function lastActivity(taskId: string) {
  const [row] = await superSql()`SELECT data FROM task_activity WHERE task_id = ${taskId} ORDER BY id DESC LIMIT 1`;
  return row?.data as Record<string, unknown>;
}

describe('task.update baseVersion → overwrote', () => {
  it('B re-applies a title over A’s newer title: the event and the activity say whose change was overwritten', async () => {
    const { a, asA, asB, slug, task } = await pair();
    await asA.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, title: 'A title' });
    expect(await lastActivity(task.id)).toMatchObject({ title: { from: 'v1', to: 'A title' }, version: 2 });

    const merged = await asB.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 2, baseVersion: 1, title: 'B title' });
    // The procedure output stays the task record.
    expect(merged).toMatchObject({ id: task.id, title: 'B title', version: 3 });
    expect(merged).not.toHaveProperty('overwrote');
    expect(await lastEvent(task.id)).toMatchObject({ title: 'B title', version: 3, overwrote: [{ field: 'title', actorId: a.id }] });
    expect(await lastActivity(task.id)).toMatchObject({ version: 3, overwrote: [{ field: 'title', actorId: a.id }] });
  });

  it('no overwrote when the fields do not intersect, when it is the caller’s own change, or without baseVersion', async () => {
    const { asA, asB, slug, task } = await pair();
    await asA.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, title: 'A title' });
    await asB.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 2, baseVersion: 1, description: 'B description' });
    expect(await lastEvent(task.id)).not.toHaveProperty('overwrote');
    expect(await lastActivity(task.id)).not.toHaveProperty('overwrote');

    await asA.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 3, baseVersion: 1, title: 'A again' });
    expect(await lastEvent(task.id)).not.toHaveProperty('overwrote');

    await asB.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 4, title: 'B without base' });
    expect(await lastEvent(task.id)).not.toHaveProperty('overwrote');
  });

  it('one entry per field, the latest other actor; moves do not count', async () => {
    const { a, c, asA, asB, asC, slug, task } = await pair();
    await asA.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, title: 'A1', priority: 'high' });
    await asC.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 2, title: 'C1' });
    await asA.task.move({ workspaceSlug: slug, taskId: task.id, expectedVersion: 3, status: 'done' });
    expect(await lastActivity(task.id)).toMatchObject({ to: { status: 'done' }, version: 4 });
    await asB.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 4, baseVersion: 1, title: 'B', priority: 'low', labels: ['x'] });
    const payload = await lastEvent(task.id);
    expect(payload.overwrote).toEqual([
      { field: 'title', actorId: c.id },
      { field: 'priority', actorId: a.id },
    ]);
  });

  it('refuses a baseVersion newer than expectedVersion (BAD_REQUEST)', async () => {
    const { asB, slug, task } = await pair();
    const error = await errorOf(asB.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: 1, baseVersion: 2, title: 'x' }));
    expect(error.code).toBe('BAD_REQUEST');
    const [row] = await superSql()`SELECT version, title FROM tasks WHERE id = ${task.id}`;
    expect(row).toEqual({ version: 1, title: 'v1' });
  });
});
