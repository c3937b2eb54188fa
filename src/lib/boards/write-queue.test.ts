/**
 * The write queue against the real API: the browser's tRPC client and transport, through the app's
 * route handler, on PostgreSQL; ops persisted in IndexedDB (fake-indexeddb, an in-memory
 * implementation of the real API). "Offline" is a fetch that fails like a dropped network does.
 */
import { randomUUID } from 'node:crypto';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { AppRouter } from '@/server/api/root';
import { superSql } from '../../../test/support/db';
import { callerAs, makeUser, makeWorkspace } from '../../../test/support/trpc';
import { applyPending, type PendingOp, type Task } from './board-model';
import { indexedDbOpStore } from './op-store';
import { trpcTransport } from './trpc-transport';
import { WriteQueue, type QueueNotice, type SendOutcome } from './write-queue';

interface Network {
  offline: boolean;
  /** Requests that reach the server but whose response is lost (the connection drops after). */
  loseResponses: number;
  sent: number;
}

/** A new session of `userId`, as the Cookie header a browser sends. */
async function sessionCookie(userId: string): Promise<string> {
  const { jar } = await callerAs(userId);
  return [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function setup() {
  const [owner, teammate] = [await makeUser(), await makeUser()];
  const ws = await makeWorkspace([
    { userId: owner.id, role: 'owner' },
    { userId: teammate.id, role: 'member' },
  ]);
  const { caller: ownerApi } = await callerAs(owner.id);
  const { caller: teammateApi } = await callerAs(teammate.id);
  const project = await ownerApi.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Launch' });
  /** The browser's session cookie (a new sign-in replaces it). */
  const browser = { cookie: await sessionCookie(owner.id) };
  const { GET, POST } = await import('@/app/api/trpc/[trpc]/route');
  const network: Network = { offline: false, loseResponses: 0, sent: 0 };
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: 'http://localhost/api/trpc',
        headers: () => ({ cookie: browser.cookie, 'x-forwarded-for': '127.0.0.1' }),
        fetch: async (url, init) => {
          if (network.offline) throw new TypeError('Failed to fetch');
          network.sent += 1;
          const request = new Request(url, init as RequestInit);
          const response = await (request.method === 'GET' ? GET(request) : POST(request));
          if (network.loseResponses > 0) {
            network.loseResponses -= 1;
            throw new TypeError('network connection lost');
          }
          return response;
        },
      }),
    ],
  });
  return { owner, ws, project, ownerApi, teammateApi, client, network, browser };
}

function makeQueue(ctx: Awaited<ReturnType<typeof setup>>, factory: IDBFactory) {
  const applied: SendOutcome[] = [];
  const notices: QueueNotice[] = [];
  const queue = new WriteQueue({
    store: indexedDbOpStore(factory),
    transport: trpcTransport(ctx.client, ctx.ws.slug),
    userId: ctx.owner.id,
    workspaceSlug: ctx.ws.slug,
    onApplied: (_op, outcome) => applied.push(outcome),
    onNotice: (notice) => notices.push(notice),
    minBackoffMs: 5,
    maxBackoffMs: 20,
  });
  return { queue, applied, notices };
}

async function settled(queue: WriteQueue, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (queue.getSnapshot().ops.some((op) => op.state === 'pending') || queue.getSnapshot().sending) {
    if (Date.now() - started > timeoutMs) throw new Error(`queue did not settle: ${JSON.stringify(queue.getSnapshot().ops.map((o) => o.kind))}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const newTask = (projectId: string, title: string, position: string) => ({
  id: randomUUID(),
  projectId,
  title,
  description: '',
  status: 'todo' as const,
  assigneeId: null,
  priority: 'none' as const,
  dueDate: null,
  labels: [],
  position,
});

describe('write queue (offline replay, idempotent creates, merges) against the real API', () => {
  it('keeps offline edits and a create across a reload and replays them in order when back online', async () => {
    const ctx = await setup();
    const slug = ctx.ws.slug;
    const a = await ctx.ownerApi.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: ctx.project.id, title: 'A' });
    const b = await ctx.ownerApi.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: ctx.project.id, title: 'B' });
    const idb = new IDBFactory();

    ctx.network.offline = true;
    const first = makeQueue(ctx, idb);
    first.queue.setOnline(false);
    await first.queue.start();
    first.queue.enqueue({ kind: 'update', taskId: a.id, projectId: ctx.project.id, changes: { title: 'A offline' }, base: { title: 'A' }, expectedVersion: 1, baseVersion: 1 });
    first.queue.enqueue({ kind: 'update', taskId: a.id, projectId: ctx.project.id, changes: { priority: 'high' }, base: { priority: 'none' }, expectedVersion: 1, baseVersion: 1 });
    first.queue.enqueue({ kind: 'update', taskId: b.id, projectId: ctx.project.id, changes: { labels: ['offline'] }, base: { labels: [] }, expectedVersion: 1, baseVersion: 1 });
    const created = newTask(ctx.project.id, 'Made offline', 'zz');
    first.queue.enqueue({ kind: 'create', taskId: created.id, projectId: ctx.project.id, task: created });
    // The view shows them at once, marked pending.
    const shown = applyPending([a, b], first.queue.getSnapshot().ops);
    expect(shown.map((t) => [t.title, t.pending])).toEqual([
      ['A offline', true],
      ['B', true],
      ['Made offline', true],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ctx.network.sent).toBe(0);
    first.queue.stop();

    // "Reload": a new queue over the same IndexedDB finds the four ops, in order.
    ctx.network.offline = false;
    const second = makeQueue(ctx, idb);
    await second.queue.start();
    await settled(second.queue);
    expect(second.queue.getSnapshot().ops).toEqual([]);
    const rows = await superSql()`SELECT title, priority, labels, version FROM tasks WHERE project_id = ${ctx.project.id} ORDER BY title`;
    expect(rows).toEqual([
      { title: 'A offline', priority: 'high', labels: [], version: 3 },
      { title: 'B', priority: 'none', labels: ['offline'], version: 2 },
      { title: 'Made offline', priority: 'none', labels: [], version: 1 },
    ]);
    expect(second.notices).toEqual([]);
    // Nothing left behind for a third page load.
    expect(await indexedDbOpStore(idb).load(ctx.owner.id, slug)).toEqual([]);
  });

  it('keeps a write made after the session ended (not rolled back, not failed) and sends it once signed in again', async () => {
    const ctx = await setup();
    const task = await ctx.ownerApi.task.create({ workspaceSlug: ctx.ws.slug, id: randomUUID(), projectId: ctx.project.id, title: 'Before' });
    const { queue, notices } = makeQueue(ctx, new IDBFactory());
    await queue.start();
    // Signed out everywhere (another device, or an admin revoked the sessions).
    await superSql()`DELETE FROM sessions WHERE user_id = ${ctx.owner.id}`;
    queue.enqueue({ kind: 'update', taskId: task.id, projectId: ctx.project.id, changes: { title: 'After' }, base: { title: 'Before' }, expectedVersion: 1, baseVersion: 1 });
    // Tried a few times (or given up on, which is what must not happen).
    while (ctx.network.sent < 3 && queue.getSnapshot().ops.every((op) => op.state === 'pending')) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(queue.getSnapshot().ops.map((op) => op.state)).toEqual(['pending']);
    expect(notices).toEqual([]);
    const [before] = await superSql()`SELECT title, version FROM tasks WHERE id = ${task.id}`;
    expect(before).toEqual({ title: 'Before', version: 1 });

    ctx.browser.cookie = await sessionCookie(ctx.owner.id);
    await settled(queue);
    const [after] = await superSql()`SELECT title, version FROM tasks WHERE id = ${task.id}`;
    expect(after).toEqual({ title: 'After', version: 2 });
    expect(notices).toEqual([]);
  });

  it('a create whose response is lost 9 times is sent 10 times and yields one task', async () => {
    const ctx = await setup();
    ctx.network.loseResponses = 9;
    const { queue } = makeQueue(ctx, new IDBFactory());
    // Stopped and started again (React runs effects twice in development): still sends.
    await queue.start();
    queue.stop();
    await queue.start();
    const created = newTask(ctx.project.id, 'Flaky train Wi-Fi', 'k');
    queue.enqueue({ kind: 'create', taskId: created.id, projectId: ctx.project.id, task: created });
    await settled(queue);
    expect(ctx.network.sent).toBe(10);
    const [row] = await superSql()`SELECT count(*)::int AS n FROM tasks WHERE id = ${created.id}`;
    expect(row).toEqual({ n: 1 });
    const [events] = await superSql()`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'task.created' AND payload->>'id' = ${created.id}`;
    expect(events).toEqual({ n: 1 });
  });

  it('merges a stale edit field by field: their title survives, my description lands; an edit of a deleted task is dropped and told', async () => {
    const ctx = await setup();
    const slug = ctx.ws.slug;
    const t = await ctx.ownerApi.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: ctx.project.id, title: 'Original' });
    await ctx.teammateApi.task.update({ workspaceSlug: slug, taskId: t.id, expectedVersion: 1, title: 'Their title' });
    const { queue, notices } = makeQueue(ctx, new IDBFactory());
    await queue.start();
    queue.enqueue({ kind: 'update', taskId: t.id, projectId: ctx.project.id, changes: { description: 'My notes' }, base: { description: '' }, expectedVersion: 1, baseVersion: 1 });
    await settled(queue);
    const [row] = await superSql()`SELECT title, description, version FROM tasks WHERE id = ${t.id}`;
    expect(row).toEqual({ title: 'Their title', description: 'My notes', version: 3 });

    await ctx.teammateApi.task.delete({ workspaceSlug: slug, taskId: t.id });
    queue.enqueue({ kind: 'update', taskId: t.id, projectId: ctx.project.id, changes: { title: 'Too late' }, base: { title: 'Their title' }, expectedVersion: 3, baseVersion: 3 });
    await settled(queue);
    expect(notices.map((n) => n.kind)).toEqual(['lost']);
    expect(queue.getSnapshot().ops).toEqual([]);
  });

  it('refuses an undo that would overwrite a newer change, and keeps a refused write as failed (rolled back from the view)', async () => {
    const ctx = await setup();
    const slug = ctx.ws.slug;
    const t = await ctx.ownerApi.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: ctx.project.id, title: 'Mine' });
    await ctx.teammateApi.task.update({ workspaceSlug: slug, taskId: t.id, expectedVersion: 1, title: 'Theirs' });
    const { queue, notices } = makeQueue(ctx, new IDBFactory());
    await queue.start();
    // Undo of my earlier "Before → Mine" edit, queued before the teammate's change reached me.
    queue.enqueue({ kind: 'update', taskId: t.id, projectId: ctx.project.id, changes: { title: 'Before' }, base: { title: 'Mine' }, expectedVersion: 1, baseVersion: 1, guarded: true });
    await settled(queue);
    const [row] = await superSql()`SELECT title FROM tasks WHERE id = ${t.id}`;
    expect(row).toEqual({ title: 'Theirs' });
    expect(notices.map((n) => n.kind)).toEqual(['refused']);

    // A stranger as assignee is refused by the server: the op stays, failed, and is not shown.
    const stranger = await makeUser();
    queue.enqueue({ kind: 'update', taskId: t.id, projectId: ctx.project.id, changes: { assigneeId: stranger.id }, base: { assigneeId: null }, expectedVersion: 2, baseVersion: 2 });
    await settled(queue);
    const [failed] = queue.getSnapshot().ops as PendingOp[];
    expect(failed).toMatchObject({ state: 'failed', kind: 'update' });
    expect(failed?.error).toBeTruthy();
    const current = (await ctx.ownerApi.task.get({ workspaceSlug: slug, taskId: t.id })) as Task;
    expect(applyPending([current], queue.getSnapshot().ops)[0]).toMatchObject({ assigneeId: null, pending: false });
    queue.discard(failed!.opId);
    expect(queue.getSnapshot().ops).toEqual([]);
  });

  it('an undo whose answer was lost is applied once and not reported as refused on the retry', async () => {
    const ctx = await setup();
    const slug = ctx.ws.slug;
    const t = await ctx.ownerApi.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: ctx.project.id, title: 'Before' });
    await ctx.ownerApi.task.update({ workspaceSlug: slug, taskId: t.id, expectedVersion: 1, title: 'Mine' });
    const { queue, notices, applied } = makeQueue(ctx, new IDBFactory());
    await queue.start();
    // The undo reaches the server and is applied; its response is lost; the retry meets a CONFLICT
    // whose current record already holds the undo's value.
    ctx.network.loseResponses = 1;
    queue.enqueue({ kind: 'update', taskId: t.id, projectId: ctx.project.id, changes: { title: 'Before' }, base: { title: 'Mine' }, expectedVersion: 2, baseVersion: 2, guarded: true });
    await settled(queue);
    expect(ctx.network.sent).toBe(2);
    const [row] = await superSql()`SELECT title, version FROM tasks WHERE id = ${t.id}`;
    expect(row).toEqual({ title: 'Before', version: 3 });
    expect(notices).toEqual([]);
    expect(queue.getSnapshot().ops).toEqual([]);
    expect(applied.at(-1)).toMatchObject({ task: { id: t.id, title: 'Before', version: 3 } });
  });
});
