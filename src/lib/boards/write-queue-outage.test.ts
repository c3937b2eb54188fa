/**
 * The write queue through a database outage, against the real API (route handler, PostgreSQL):
 * a write answered 503 stays queued — not failed, not rolled back from the view, no notice — and is
 * sent again until it lands, exactly once. Also when the connection drops in the middle of the
 * write's transaction: PostgreSQL rolls it back and the retry applies it once — and the connection's
 * next query neither hangs nor crashes the process (patches/postgres+3.4.9.patch).
 */
import { randomUUID } from 'node:crypto';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { AppRouter } from '@/server/api/root';
import { superSql, testDatabase } from '../../../test/support/db';
import { outageSwitch, refusedUrl } from '../../../test/support/outage';
import { callerAs, makeUser, makeWorkspace } from '../../../test/support/trpc';
import { indexedDbOpStore } from './op-store';
import { trpcTransport } from './trpc-transport';
import { WriteQueue, type QueueNotice } from './write-queue';

async function setup(backoffMs = { min: 5, max: 20 }) {
  const owner = await makeUser();
  const ws = await makeWorkspace([{ userId: owner.id, role: 'owner' }]);
  const { caller, jar } = await callerAs(owner.id);
  const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Launch' });
  const task = await caller.task.create({ workspaceSlug: ws.slug, id: randomUUID(), projectId: project.id, title: 'Before' });
  const cookie = [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
  const { GET, POST } = await import('@/app/api/trpc/[trpc]/route');
  const statuses: number[] = [];
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: 'http://localhost/api/trpc',
        headers: () => ({ cookie, 'x-request-id': randomUUID() }),
        fetch: async (url, init) => {
          const request = new Request(url, init as RequestInit);
          const response = await (request.method === 'GET' ? GET(request) : POST(request));
          statuses.push(response.status);
          return response;
        },
      }),
    ],
  });
  const notices: QueueNotice[] = [];
  const queue = new WriteQueue({
    store: indexedDbOpStore(new IDBFactory()),
    transport: trpcTransport(client, ws.slug),
    userId: owner.id,
    workspaceSlug: ws.slug,
    onApplied: () => {},
    onNotice: (notice) => notices.push(notice),
    minBackoffMs: backoffMs.min,
    maxBackoffMs: backoffMs.max,
  });
  await queue.start();
  return { ws, project, task, queue, notices, statuses };
}

/** Waits (bounded) until `done()`; fails naming `what` otherwise. */
async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const outage = outageSwitch();

describe('write queue through a database outage (real API)', () => {
  it('keeps a write answered 503 pending (no notice, no failure) and sends it once the database is back', async () => {
    const ctx = await setup();
    await outage.start(await refusedUrl(testDatabase().appUrl));
    ctx.queue.enqueue({ kind: 'update', taskId: ctx.task.id, projectId: ctx.project.id, changes: { title: 'After' }, base: { title: 'Before' }, expectedVersion: 1, baseVersion: 1 });
    await until('three 503s', () => ctx.statuses.filter((s) => s === 503).length >= 3);
    expect(ctx.queue.getSnapshot().ops.map((op) => op.state)).toEqual(['pending']);
    expect(ctx.notices).toEqual([]);

    await outage.end();
    await until('the queue to drain', () => ctx.queue.getSnapshot().ops.length === 0);
    const [row] = await superSql()`SELECT title, version FROM tasks WHERE id = ${ctx.task.id}`;
    expect(row).toEqual({ title: 'After', version: 2 });
    expect(ctx.notices).toEqual([]);
    ctx.queue.stop();
  });

  it('resume() sends what waits at once when the API is back, not after the backoff', async () => {
    // A minute of backoff: without resume() the op would still be waiting when the bound below ends.
    const ctx = await setup({ min: 60_000, max: 60_000 });
    await outage.start(await refusedUrl(testDatabase().appUrl));
    ctx.queue.enqueue({ kind: 'update', taskId: ctx.task.id, projectId: ctx.project.id, changes: { title: 'After' }, base: { title: 'Before' }, expectedVersion: 1, baseVersion: 1 });
    await until('a 503', () => ctx.statuses.includes(503));
    await outage.end();
    ctx.queue.resume();
    await until('the queue to drain', () => ctx.queue.getSnapshot().ops.length === 0, 10_000);
    const [row] = await superSql()`SELECT title, version FROM tasks WHERE id = ${ctx.task.id}`;
    expect(row).toEqual({ title: 'After', version: 2 });
    ctx.queue.stop();
  });

  it('a write whose connection drops mid-transaction is rolled back, answered 503, retried and applied once', async () => {
    const ctx = await setup();
    // Hold the task's row lock so the write's transaction is in flight, waiting, when its backend dies.
    const locker = superSql().reserve();
    const lock = await locker;
    await lock`BEGIN`;
    await lock`SELECT 1 FROM tasks WHERE id = ${ctx.task.id} FOR UPDATE`;
    ctx.queue.enqueue({ kind: 'update', taskId: ctx.task.id, projectId: ctx.project.id, changes: { title: 'After' }, base: { title: 'Before' }, expectedVersion: 1, baseVersion: 1 });
    let victim: number | undefined;
    await until('the write to wait on the lock', async () => {
      const [row] = await superSql()<{ pid: number }[]>`
        SELECT pid FROM pg_stat_activity WHERE application_name = 'kanso' AND wait_event_type = 'Lock' AND datname = current_database()`;
      victim = row?.pid;
      return victim !== undefined;
    });
    // What a PostgreSQL restart (or an operator) does to a backend in the middle of a transaction.
    await superSql()`SELECT pg_terminate_backend(${victim!})`;
    await until('a 503', () => ctx.statuses.includes(503));
    // Nothing of the interrupted transaction is visible, and the op is still queued.
    const [during] = await superSql()`SELECT title, version FROM tasks WHERE id = ${ctx.task.id}`;
    expect(during).toEqual({ title: 'Before', version: 1 });
    expect(ctx.queue.getSnapshot().ops.map((op) => op.state)).toEqual(['pending']);

    await lock`ROLLBACK`;
    lock.release();
    await until('the queue to drain', () => ctx.queue.getSnapshot().ops.length === 0);
    const [after] = await superSql()`SELECT title, version FROM tasks WHERE id = ${ctx.task.id}`;
    expect(after).toEqual({ title: 'After', version: 2 });
    const [events] = await superSql()`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'task.updated' AND payload->>'id' = ${ctx.task.id}`;
    expect(events).toEqual({ n: 1 });
    expect(ctx.notices).toEqual([]);
    ctx.queue.stop();
  });
});
