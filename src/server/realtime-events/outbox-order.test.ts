/**
 * The event cursor against commit order (REL-2, ADR 0011). Outbox ids come from a sequence; without
 * ordering, a transaction that took id N can commit after the one that took N+1, and a reader whose
 * cursor already moved to N+1 (`realtime.events` reads `id > afterId`) never sees N. Within a
 * workspace the outbox now numbers rows under a per-workspace transaction lock, so ids follow
 * commit order. Real PostgreSQL, the real `realtime.events` / `realtime.cursor` procedures.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '@/server/db/tenant';
import { adminSql, superSql, testDb } from '../../../test/support/db';
import { callerAs, makeUser, makeWorkspace } from '../../../test/support/trpc';
import { appendEvent, EVENTS_CHANNEL, parseEventNotification } from './outbox';

type Caller = Awaited<ReturnType<typeof callerAs>>['caller'];

/** Every event id of the project after `afterId`, paged like a client: on each page's `lastId`. */
async function readAll(caller: Caller, workspaceSlug: string, projectId: string, afterId: number): Promise<{ ids: number[]; lastId: number }> {
  const ids: number[] = [];
  let after = afterId;
  for (let page = 0; page < 100; page += 1) {
    const result = await caller.realtime.events({ workspaceSlug, projectId, afterId: after });
    ids.push(...result.events.map((e) => e.id));
    after = result.lastId;
    if (!result.hasMore) return { ids, lastId: after };
  }
  throw new Error('more than 100 pages');
}

/** Resolves when `promise` settles or a backend of this database waits for a lock, whichever comes first (bounded). */
async function settledOrBlocked(promise: Promise<unknown>, ms = 10_000): Promise<'settled' | 'blocked'> {
  let settled = false;
  void promise.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (settled) return 'settled';
    const [row] = await superSql()<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE NOT l.granted AND a.datname = current_database()`;
    if ((row?.n ?? 0) > 0) return 'blocked';
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the second transaction neither committed nor waited');
}

const notified: string[] = [];
let unlisten: (() => Promise<void>) | undefined;

beforeAll(async () => {
  unlisten = (await adminSql().listen(EVENTS_CHANNEL, (payload) => void notified.push(payload))).unlisten;
});
afterAll(async () => {
  await unlisten?.();
});

async function setup() {
  const owner = await makeUser();
  const ws = await makeWorkspace([{ userId: owner.id, role: 'owner' }]);
  const { caller } = await callerAs(owner.id);
  const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Order' });
  const event = (n: string) => ({ workspaceId: ws.id, projectId: project.id, type: 'task.updated' as const, payload: { n }, actorId: owner.id, requestId: null });
  const scope = { workspaceId: ws.id, userId: owner.id };
  return { owner, ws, caller, project, event, scope };
}

describe('event cursor and commit order', () => {
  it('a transaction that appends first and commits last is not skipped by a reader paging with afterId', async () => {
    const { ws, caller, project, event, scope } = await setup();
    const { lastId: baseline } = await caller.realtime.cursor({ workspaceSlug: ws.slug, projectId: project.id });

    // A appends its event, then holds its transaction open.
    let releaseA!: () => void;
    const gate = new Promise<void>((r) => (releaseA = r));
    let markAppended!: () => void;
    const appended = new Promise<void>((r) => (markAppended = r));
    const a = withTenant(testDb(), scope, async (tx) => {
      await appendEvent(tx, event('A'));
      markAppended();
      await gate;
    });
    await appended;

    // B appends after A and tries to commit at once.
    const b = withTenant(testDb(), scope, (tx) => appendEvent(tx, event('B')));
    const bState = await settledOrBlocked(b);

    // A reader (a client resyncing, or loading a board) looks now and moves its cursor.
    const first = await readAll(caller, ws.slug, project.id, baseline);
    const { lastId: cursorNow } = await caller.realtime.cursor({ workspaceSlug: ws.slug, projectId: project.id });

    releaseA();
    await Promise.all([a, b]);
    const second = await readAll(caller, ws.slug, project.id, first.lastId);
    const fromCursor = await readAll(caller, ws.slug, project.id, cursorNow);

    const committed = (await superSql()<{ id: number }[]>`SELECT id::int FROM outbox_events WHERE project_id = ${project.id} AND id > ${baseline} ORDER BY id`).map((r) => r.id);
    expect(committed).toHaveLength(2);
    // Paging on lastId saw every committed event exactly once, and so did a client that started from the cursor.
    expect([...first.ids, ...second.ids]).toEqual(committed);
    expect(committed.filter((id) => id > cursorNow)).toEqual(fromCursor.ids);
    expect(new Set([...first.ids, ...fromCursor.ids])).toEqual(new Set(committed));
    // With commit-ordered ids B waited for A (it did not commit first) and was numbered after it.
    expect(bState).toBe('blocked');
    const [rowA] = await superSql()<{ id: number }[]>`SELECT id::int FROM outbox_events WHERE project_id = ${project.id} AND payload->>'n' = 'A'`;
    const [rowB] = await superSql()<{ id: number }[]>`SELECT id::int FROM outbox_events WHERE project_id = ${project.id} AND payload->>'n' = 'B'`;
    expect(rowA!.id).toBeLessThan(rowB!.id);
  });

  it('a rolled-back transaction releases the order: the next one commits and is numbered after it', async () => {
    const { ws, caller, project, event, scope } = await setup();
    const { lastId: baseline } = await caller.realtime.cursor({ workspaceSlug: ws.slug, projectId: project.id });
    let releaseA!: () => void;
    const gate = new Promise<void>((r) => (releaseA = r));
    let markAppended!: () => void;
    const appended = new Promise<void>((r) => (markAppended = r));
    const a = withTenant(testDb(), scope, async (tx) => {
      await appendEvent(tx, event('doomed'));
      markAppended();
      await gate;
      throw new Error('rollback');
    }).catch((e: unknown) => e);
    await appended;
    const b = withTenant(testDb(), scope, (tx) => appendEvent(tx, event('B')));
    await settledOrBlocked(b);
    releaseA();
    expect(await a).toBeInstanceOf(Error);
    await b;
    const { ids } = await readAll(caller, ws.slug, project.id, baseline);
    expect(ids).toHaveLength(1);
    const [row] = await superSql()<{ n: string }[]>`SELECT payload->>'n' AS n FROM outbox_events WHERE id = ${ids[0]!}`;
    expect(row).toEqual({ n: 'B' });
  });

  it('under concurrent writes of one workspace, NOTIFY (commit) order is id order', async () => {
    const { ws, caller, project } = await setup();
    const tasks = await Promise.all(
      Array.from({ length: 12 }, (_, i) => caller.task.create({ workspaceSlug: ws.slug, id: randomUUID(), projectId: project.id, title: `T${i}` })),
    );
    const mine = () => notified.filter((p) => p.startsWith(`${ws.id}:`)).map((p) => parseEventNotification(p)!.eventId);
    // Several rounds of concurrent updates through the real procedures (each its own transaction).
    for (let round = 0; round < 4; round += 1) {
      await Promise.all(tasks.map((t) => caller.task.update({ workspaceSlug: ws.slug, taskId: t.id, expectedVersion: round + 1, title: `${t.title} r${round}` })));
    }
    const updates = new Set(
      (await superSql()<{ id: number }[]>`SELECT id::int FROM outbox_events WHERE workspace_id = ${ws.id} AND type = 'task.updated'`).map((r) => r.id),
    );
    expect(updates.size).toBe(tasks.length * 4);
    const deadline = Date.now() + 10_000;
    while (mine().filter((id) => updates.has(id)).length < updates.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // In the order the NOTIFYs arrived (= commit order): ascending ids.
    const arrived = mine().filter((id) => updates.has(id));
    expect(arrived).toHaveLength(updates.size);
    expect(arrived).toEqual([...arrived].sort((x, y) => x - y));
  });

  it('an outbox row cannot be inserted with an id of its own choosing (the trigger numbers every row)', async () => {
    const { ws, project, scope } = await setup();
    const [{ max: highest } = { max: 0 }] = await superSql()<{ max: number }[]>`SELECT coalesce(max(id), 0)::int AS max FROM outbox_events`;
    await withTenant(testDb(), scope, (tx) =>
      tx.execute(sql`INSERT INTO outbox_events (id, workspace_id, project_id, type, payload) VALUES (1, ${ws.id}, ${project.id}, 'task.updated', '{"n":"explicit"}')`),
    ).catch(() => undefined);
    const [row] = await superSql()<{ id: number }[]>`SELECT id::int FROM outbox_events WHERE payload->>'n' = 'explicit'`;
    expect(row?.id).toBeGreaterThan(highest);
  });
});
