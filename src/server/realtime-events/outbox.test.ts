import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@/lib/permissions';
import { withTenant } from '@/server/db/tenant';
import type { BoardActor } from '@/server/projects/access';
import { createProject } from '@/server/projects/project-service';
import { createTask, updateTask } from '@/server/tasks/task-service';
import { adminSql, superSql, testDb } from '../../../test/support/db';
import { makeUser, makeWorkspace } from '../../../test/support/trpc';
import { EVENTS_CHANNEL, parseEventNotification, readEvents } from './outbox';

const received: string[] = [];
let unlisten: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const listener = await adminSql().listen(EVENTS_CHANNEL, (payload) => void received.push(payload));
  unlisten = listener.unlisten;
});
afterAll(async () => {
  await unlisten?.();
});

/** Waits (bounded) until `predicate` holds; the bound is a safety net, not a timing assertion. */
async function until(predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function setup(role: Role = 'member') {
  const user = await makeUser();
  const ws = await makeWorkspace([{ userId: user.id, role }]);
  const actor: BoardActor = { userId: user.id, role, requestId: 'req-outbox' };
  const scope = { workspaceId: ws.id, userId: user.id };
  const project = await withTenant(testDb(), scope, (tx) => createProject(tx, actor, { workspaceId: ws.id }, { id: randomUUID(), name: 'P' }));
  return { ws, actor, scope, project };
}

describe('outbox', () => {
  it('is written in the same transaction as the change, with the new record and version', async () => {
    const { ws, actor, scope, project } = await setup();
    const id = randomUUID();
    await withTenant(testDb(), scope, async (tx) => {
      const task = await createTask(tx, actor, { workspaceId: ws.id }, { id, projectId: project.id, title: 'T' });
      await updateTask(tx, actor, { workspaceId: ws.id }, { id, expectedVersion: task.version, title: 'T2' });
      // Visible inside the transaction, before commit.
      const inside = await readEvents(tx, ws.id, 0);
      expect(inside.map((e) => e.type)).toEqual(['project.created', 'task.created', 'task.updated']);
    });
    const rows = await superSql()`SELECT type, project_id, actor_id, request_id, payload FROM outbox_events WHERE workspace_id = ${ws.id} ORDER BY id`;
    expect(rows.map((r) => r.type)).toEqual(['project.created', 'task.created', 'task.updated']);
    expect(rows[2]).toMatchObject({ project_id: project.id, actor_id: actor.userId, request_id: 'req-outbox', payload: { id, title: 'T2', version: 2 } });
  });

  it('writes nothing — no task, no activity, no event — when the transaction rolls back', async () => {
    const { ws, actor, scope, project } = await setup();
    const id = randomUUID();
    const failure = await withTenant(testDb(), scope, async (tx) => {
      await createTask(tx, actor, { workspaceId: ws.id }, { id, projectId: project.id, title: 'doomed' });
      throw new Error('boom');
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    const [counts] = await superSql()`
      SELECT (SELECT count(*) FROM tasks WHERE id = ${id})::int AS tasks,
             (SELECT count(*) FROM task_activity WHERE task_id = ${id})::int AS activity,
             (SELECT count(*) FROM outbox_events WHERE payload->>'id' = ${id})::int AS events`;
    expect(counts).toEqual({ tasks: 0, activity: 0, events: 0 });
  });

  it('NOTIFYs kanso_events "<workspace>:<event id>" only after COMMIT, never for a rollback', async () => {
    const { ws, actor, scope, project } = await setup();
    const mine = () => received.filter((p) => p.startsWith(`${ws.id}:`));
    await until(() => mine().length === 1); // project.created
    expect(mine()).toHaveLength(1);

    const rolledBack = randomUUID();
    await withTenant(testDb(), scope, async (tx) => {
      await createTask(tx, actor, { workspaceId: ws.id }, { id: rolledBack, projectId: project.id, title: 'never' });
      throw new Error('rollback');
    }).catch(() => undefined);

    const id = randomUUID();
    let eventId = 0;
    await withTenant(testDb(), scope, async (tx) => {
      await createTask(tx, actor, { workspaceId: ws.id }, { id, projectId: project.id, title: 'live' });
      eventId = (await readEvents(tx, ws.id, 0)).at(-1)?.id ?? 0;
      // The event is in the table but not announced: give a NOTIFY the chance to (wrongly) arrive.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(mine()).toHaveLength(1);
    });
    await until(() => mine().length === 2);
    expect(mine()).toHaveLength(2);
    expect(parseEventNotification(mine()[1] as string)).toEqual({ workspaceId: ws.id, eventId });
    // The announced event is the committed one; the rolled-back create left no trace.
    const [event] = await superSql()`SELECT type, payload->>'id' AS task_id FROM outbox_events WHERE id = ${eventId}`;
    expect(event).toEqual({ type: 'task.created', task_id: id });
  });

  it('readEvents answers events after an id, ordered, bounded, per project, and hides other workspaces', async () => {
    const { ws, actor, scope, project } = await setup();
    const other = await setup();
    const second = await withTenant(testDb(), scope, (tx) => createProject(tx, actor, { workspaceId: ws.id }, { id: randomUUID(), name: 'Q' }));
    await withTenant(testDb(), scope, async (tx) => {
      for (let i = 0; i < 5; i += 1) await createTask(tx, actor, { workspaceId: ws.id }, { id: randomUUID(), projectId: project.id, title: `t${i}` });
      await createTask(tx, actor, { workspaceId: ws.id }, { id: randomUUID(), projectId: second.id, title: 'q' });
    });
    await withTenant(testDb(), scope, async (tx) => {
      const all = await readEvents(tx, ws.id, 0);
      expect(all).toHaveLength(8);
      expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => a - b));
      const page = await readEvents(tx, ws.id, all[2]?.id ?? 0, undefined, 3);
      expect(page.map((e) => e.id)).toEqual(all.slice(3, 6).map((e) => e.id));
      expect(await readEvents(tx, ws.id, 0, [second.id])).toHaveLength(2);
      expect(await readEvents(tx, ws.id, 0, [])).toEqual([]);
      // Another workspace's id through this scope: row-level security answers nothing.
      expect(await readEvents(tx, other.ws.id, 0)).toEqual([]);
    });
    // The app role may not rewrite history.
    const refused = await withTenant(testDb(), scope, (tx) => tx.execute('DELETE FROM outbox_events')).catch((e: unknown) => e);
    expect(String((refused as { cause?: unknown }).cause ?? refused)).toMatch(/permission denied/);
  });
});
