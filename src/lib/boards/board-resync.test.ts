/**
 * The board resync (COLLAB-4, REL-2) — the browser's own paging loop (`resyncBoard`, used by
 * `WorkspaceLive`) against the real `realtime.events` procedure through the tRPC caller, on
 * PostgreSQL. "Live" events are real outbox rows applied to the board the way a socket's `event`
 * frame is (`applyEvent`), between pages, so they move the board's cursor past pages not yet fetched.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withTenant } from '@/server/db/tenant';
import { createTask } from '@/server/tasks/task-service';
import { superSql, testDb } from '../../../test/support/db';
import { callerAs, makeUser, makeWorkspace } from '../../../test/support/trpc';
import { applyEvent, type BoardData, type Task } from './board-model';
import { createResyncScheduler, resyncBoard, type BoardSource, type EventPage } from './board-resync';

async function setup() {
  const [owner, teammate] = [await makeUser(), await makeUser()];
  const ws = await makeWorkspace([
    { userId: owner.id, role: 'owner' },
    { userId: teammate.id, role: 'member' },
  ]);
  const { caller } = await callerAs(owner.id);
  const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Board' });
  const scope = { workspaceId: ws.id, userId: teammate.id };
  const actor = { userId: teammate.id, role: 'member' as const, requestId: null };
  /** The teammate creates `n` tasks (in transactions of 100, each task its own event). */
  const createTasks = async (n: number, prefix: string) => {
    for (let done = 0; done < n; done += 100) {
      await withTenant(testDb(), scope, async (tx) => {
        for (let i = done; i < Math.min(n, done + 100); i += 1) {
          await createTask(tx, actor, { workspaceId: ws.id }, { id: randomUUID(), projectId: project.id, title: `${prefix} ${i}` });
        }
      });
    }
  };
  /** The board as the browser loads it: the cursor first, then the tasks. */
  const load = async (): Promise<BoardData> => {
    const { lastId } = await caller.realtime.cursor({ workspaceSlug: ws.slug, projectId: project.id });
    const { items } = await caller.task.list({ workspaceSlug: ws.slug, projectId: project.id });
    return { tasks: items as Task[], cursor: lastId };
  };
  const fetchPage = (afterId: number): Promise<EventPage> => caller.realtime.events({ workspaceSlug: ws.slug, projectId: project.id, afterId });
  const dbTitles = async () => (await superSql()<{ title: string }[]>`SELECT title FROM tasks WHERE project_id = ${project.id} ORDER BY title`).map((r) => r.title);
  return { ws, project, caller, createTasks, load, fetchPage, dbTitles };
}

/** A cached board (what the TanStack Query cache holds for it). */
function cache(initial: BoardData) {
  let data: BoardData | undefined = initial;
  return {
    get: () => data,
    read: () => data,
    write: (update: (d: BoardData) => BoardData) => void (data = data && update(data)),
    drop: () => void (data = undefined),
  };
}

describe('board resync against the real realtime.events', () => {
  it('600 events missed while offline → all recovered after reconnect, while live events move the cursor past unfetched pages', async () => {
    const ctx = await setup();
    const board = cache(await ctx.load());
    // Offline: the teammate creates 600 tasks (two pages of realtime.events).
    await ctx.createTasks(600, 'offline');

    const offlineIds = (await superSql()<{ id: number }[]>`SELECT id::int FROM outbox_events WHERE project_id = ${ctx.project.id} AND payload->>'title' LIKE 'offline %'`).map((r) => r.id);
    expect(offlineIds).toHaveLength(600);

    // Back online: the resync starts; after its first page, live events arrive and move the cursor
    // past the 100 offline events of page 2 (the old loop re-read the cursor and skipped them).
    let pagesServed = 0;
    const fetchPage = async (afterId: number) => {
      const page = await ctx.fetchPage(afterId);
      pagesServed += 1;
      if (pagesServed === 1) {
        await ctx.createTasks(3, 'live');
        const live = await superSql()<{ id: number }[]>`SELECT id::int FROM outbox_events WHERE project_id = ${ctx.project.id} AND payload->>'title' LIKE 'live %' ORDER BY id`;
        const { events } = await ctx.fetchPage(live[0]!.id - 1);
        for (const event of events) board.write((d) => applyEvent(d, event));
        expect(board.get()!.cursor).toBeGreaterThan(Math.max(...offlineIds));
      }
      return page;
    };
    const outcome = await resyncBoard({ fetchPage, read: board.read, write: board.write });

    expect(outcome).toMatchObject({ status: 'done', pages: 2 });
    const titles = board.get()!.tasks.map((t) => t.title).sort();
    expect(titles).toHaveLength(603);
    expect(titles).toEqual(await ctx.dbTitles());
    // The cursor did not go back behind the live events, and a later resync finds nothing missing.
    const after = await resyncBoard({ fetchPage: ctx.fetchPage, read: board.read, write: board.write });
    expect(after).toMatchObject({ status: 'done', events: 0 });
    expect(board.get()!.tasks).toHaveLength(603);
  });

  it('a failing realtime.events call is retried with backoff; the cursor only moves once every page is in', async () => {
    const ctx = await setup();
    const board = cache(await ctx.load());
    const baseline = board.get()!.cursor;
    await ctx.createTasks(520, 'missed');
    let calls = 0;
    const errors: number[] = [];
    const fetchPage = async (afterId: number) => {
      calls += 1;
      // Page 1 is applied, the cursor has not moved yet; then two calls fail like a dropped
      // network (or a 503 while the database restarts), and the retry asks for page 2 again.
      if (calls === 2) expect(board.get()!.cursor).toBe(baseline);
      if (calls === 2 || calls === 3) throw new TypeError('Failed to fetch');
      return ctx.fetchPage(afterId);
    };
    const outcome = await resyncBoard({
      fetchPage,
      read: board.read,
      write: board.write,
      onError: (_error, attempt) => errors.push(attempt),
      minBackoffMs: 5,
      maxBackoffMs: 20,
    });
    expect(outcome).toMatchObject({ status: 'done', pages: 2, events: 520 });
    expect(errors).toEqual([0, 1]);
    expect(board.get()!.tasks.map((t) => t.title).sort()).toEqual(await ctx.dbTitles());
    const [{ max } = { max: 0 }] = await superSql()<{ max: number }[]>`SELECT max(id)::int AS max FROM outbox_events WHERE project_id = ${ctx.project.id}`;
    expect(board.get()!.cursor).toBe(max);
  });

  it('stops at an error waiting does not cure, and when the board is no longer loaded', async () => {
    const ctx = await setup();
    const board = cache(await ctx.load());
    const stranger = await makeUser();
    const { caller: outsider } = await callerAs(stranger.id);
    const refused = resyncBoard({
      fetchPage: (afterId) => outsider.realtime.events({ workspaceSlug: ctx.ws.slug, projectId: ctx.project.id, afterId }),
      read: board.read,
      write: board.write,
      shouldRetry: (error) => (error as { code?: string }).code !== 'NOT_FOUND',
    });
    await expect(refused).rejects.toMatchObject({ code: 'NOT_FOUND' });
    board.drop();
    expect(await resyncBoard({ fetchPage: ctx.fetchPage, read: board.read, write: board.write })).toEqual({ status: 'gone' });
  });
});

describe('resync scheduler (one run per board, coalesced)', () => {
  /** An in-memory outbox of one board: events 1..n, pages of `size`. */
  function outbox(size = 2) {
    const rows: Array<{ id: number; title: string }> = [];
    let failing = 0;
    const source = (board: ReturnType<typeof cache>): BoardSource => ({
      fetchPage: async (afterId) => {
        await new Promise((r) => setTimeout(r, 1));
        if (failing > 0) {
          failing -= 1;
          throw new TypeError('Failed to fetch');
        }
        const events = rows
          .filter((r) => r.id > afterId)
          .slice(0, size)
          .map((r) => ({ id: r.id, type: 'task.created', projectId: 'p', actorId: null, payload: { id: `t${r.id}`, title: r.title, version: 1, position: `a${r.id}`, createdAt: '', updatedAt: '' } }));
        const lastId = events.at(-1)?.id ?? afterId;
        return { events, lastId, hasMore: rows.some((r) => r.id > lastId) };
      },
      read: board.read,
      write: board.write,
    });
    return {
      add: (title: string) => rows.push({ id: rows.length + 1, title }),
      failNext: (n: number) => void (failing = n),
      source,
    };
  }

  it('a request during a run makes one more run from the lowest cursor asked for; a waiting retry is woken', async () => {
    const box = outbox();
    const board = cache({ tasks: [], cursor: 0 });
    for (let i = 0; i < 5; i += 1) box.add(`t${i}`);
    box.failNext(1);
    const scheduler = createResyncScheduler({ boardOf: () => box.source(board), reload: async () => {}, minBackoffMs: 60_000, maxBackoffMs: 60_000 });
    const first = scheduler.request('p');
    // The first attempt fails and waits a minute; a second request wakes it at once.
    await new Promise((r) => setTimeout(r, 20));
    box.add('t5');
    const second = scheduler.request('p');
    await Promise.all([first, second]);
    expect(board.get()!.tasks.map((t) => t.title).sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    expect(board.get()!.cursor).toBe(6);
    scheduler.stop();
    expect(await scheduler.request('p').then(() => 'stopped')).toBe('stopped');
  });
});

describe('a board whose cursor is older than the outbox keeps (JOBS-2 retention)', () => {
  it('is told "too old" by realtime.events and the scheduler reloads it instead of replaying', async () => {
    const ctx = await setup();
    const board = cache(await ctx.load());
    await ctx.createTasks(3, 'after');
    // The retention pruned everything the board has not seen (as app_outbox_prune records it).
    const [head] = await superSql()<{ id: number }[]>`SELECT max(id)::int AS id FROM outbox_events WHERE workspace_id = ${ctx.ws.id}`;
    await superSql()`INSERT INTO outbox_retention (workspace_id, pruned_through_id) VALUES (${ctx.ws.id}, ${head!.id - 1})`;
    const reloads: string[] = [];
    const scheduler = createResyncScheduler({
      boardOf: () => ({
        fetchPage: ctx.fetchPage,
        read: board.read,
        write: board.write,
        isTooOld: (error) => (error as { cause?: { details?: { tooOld?: boolean } } }).cause?.details?.tooOld === true,
        shouldRetry: () => false,
      }),
      reload: async (projectId) => void reloads.push(projectId),
    });
    await scheduler.request(ctx.project.id);
    scheduler.stop();
    expect(reloads).toEqual([ctx.project.id]);
  });
});
