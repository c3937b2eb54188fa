/**
 * The sidecar's LISTEN, supervised (REL-2, issue 9 defect 3) — a real sidecar process on this file's
 * database. Its LISTEN backend is terminated (as after a PostgreSQL restart) or kept from coming
 * back (CONNECT revoked), and an event's fan-out is made to fail (SELECT revoked). Each time the
 * connected client must be told to resync, `/health` must say 503 while LISTEN is not known to
 * work, and the client's own resync (`resyncBoard`, the browser's code, over the real
 * `realtime.events`) must then find every event committed meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent, type BoardData, type Task } from '@/lib/boards/board-model';
import { resyncBoard } from '@/lib/boards/board-resync';
import type { ServerMessage } from '@/lib/realtime-protocol';
import { adminSql, superSql, testDatabase, testDb } from '../support/db';
import { readyClient, startSidecar, type Sidecar, type TestClient } from '../support/realtime';
import { callerAs, makeUser, makeWorkspace } from '../support/trpc';

let sidecar: Sidecar;
let owner: { id: string };
let workspace: { id: string; slug: string };
let caller: Awaited<ReturnType<typeof callerAs>>['caller'];

const health = async () => {
  const res = await fetch(`http://127.0.0.1:${sidecar.port}/health`);
  return { status: res.status, body: (await res.json()) as { status: string; listening: boolean; restores: number } };
};

/** Polls until `check` holds (bounded: a safety net, not a timing assertion). */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms\n${sidecar.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The browser's view of one board: loaded like `useBoard`, patched by the socket's event frames. */
async function openBoard(projectId: string) {
  const { lastId } = await caller.realtime.cursor({ workspaceSlug: workspace.slug, projectId });
  const { items } = await caller.task.list({ workspaceSlug: workspace.slug, projectId });
  let data: BoardData | undefined = { tasks: items as Task[], cursor: lastId };
  const client = await readyClient(sidecar.port, owner.id, workspace.slug, projectId);
  await client.next('joined', (m) => m.projectId === projectId);
  let applied = 0;
  /**
   * Handles the frames received since the last call, in arrival order, as `onmessage` does: event
   * frames patch the board; at a frame matching `stopAt` it stops (that frame handled) and returns it.
   */
  const applyLive = (stopAt?: (m: ServerMessage) => boolean): ServerMessage | undefined => {
    while (applied < client.messages.length) {
      const m = client.messages[applied++]!;
      if (m.type === 'event' && m.event.projectId === projectId) data = data && applyEvent(data, m.event);
      if (stopAt?.(m)) return m;
    }
    return undefined;
  };
  /**
   * The browser's resync: from the board's cursor when the `resync` (or `joined`) frame is handled,
   * while later frames keep arriving and patching the board (moving its cursor) during the replay.
   */
  const resync = async () => {
    const running = resyncBoard({
      fetchPage: (afterId) => caller.realtime.events({ workspaceSlug: workspace.slug, projectId, afterId }),
      read: () => data,
      write: (update) => void (data = data && update(data)),
      minBackoffMs: 50,
      maxBackoffMs: 500,
    });
    applyLive();
    const outcome = await running;
    applyLive();
    return outcome;
  };
  /** Handles frames up to the first `resync` with this reason (it must have arrived). */
  const untilResync = async (reason: string, ms = 15_000) => {
    await client.next('resync', (m) => m.reason === reason, ms);
    const found = applyLive((m) => m.type === 'resync' && m.reason === reason);
    expect(found).toBeDefined();
  };
  const titles = () => (data?.tasks ?? []).map((t) => t.title).sort();
  return { client, applyLive, resync, untilResync, titles, projectId };
}

const create = (projectId: string, title: string) => caller.task.create({ workspaceSlug: workspace.slug, id: randomUUID(), projectId, title });
const dbTitles = async (projectId: string) => (await superSql()<{ title: string }[]>`SELECT title FROM tasks WHERE project_id = ${projectId} ORDER BY title`).map((r) => r.title);
const resyncs = (client: TestClient, reason: string) => client.messages.filter((m): m is Extract<ServerMessage, { type: 'resync' }> => m.type === 'resync' && m.reason === reason).length;

/**
 * Terminates the backend that ran the sidecar's LISTEN (found by its query, as after a PostgreSQL
 * restart it is gone); with `alsoProbes`, every other connection of its LISTEN client too.
 */
async function terminateListen(alsoProbes: boolean): Promise<number> {
  const rows = await superSql()<{ ok: boolean }[]>`
    SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid()
       AND (query ILIKE 'listen%' OR (${alsoProbes} AND application_name = 'kanso-realtime-listen'))`;
  return rows.filter((r) => r.ok).length;
}

beforeAll(async () => {
  owner = await makeUser();
  workspace = await makeWorkspace([{ userId: owner.id, role: 'owner' }]);
  ({ caller } = await callerAs(owner.id));
  sidecar = await startSidecar();
}, 30_000);

afterAll(async () => {
  await sidecar?.stop();
});

describe('sidecar LISTEN supervision (real process)', () => {
  it('/health is 200 with listening once LISTEN is up', async () => {
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok', listening: true } });
  });

  it('its LISTEN backend terminated: the connected client is told to resync and recovers what was committed around the drop', async () => {
    const project = await caller.project.create({ workspaceSlug: workspace.slug, id: randomUUID(), name: 'Drop' });
    const board = await openBoard(project.id);
    await create(project.id, 'before');
    await board.client.next('event', (m) => m.event.payload.title === 'before', 10_000);
    board.applyLive();
    const restoresBefore = (await health()).body.restores;

    expect(await terminateListen(false)).toBeGreaterThan(0);
    // Committed while postgres.js re-subscribes: these NOTIFYs may be lost.
    for (let i = 0; i < 5; i += 1) await create(project.id, `gap ${i}`);

    await board.untilResync('listen_restored');
    expect(await board.resync()).toMatchObject({ status: 'done' });
    expect(board.titles()).toEqual(await dbTitles(project.id));
    expect(board.titles()).toHaveLength(6);
    const after = await until('health after the drop', health, (h) => h.status === 200);
    expect(after.body.restores).toBeGreaterThan(restoresBefore);

    // Live delivery works again.
    await create(project.id, 'after');
    await board.client.next('event', (m) => m.event.payload.title === 'after', 10_000);
    board.client.ws.close();
  }, 30_000);

  it('LISTEN kept down: /health answers 503 until it is back, then 200; the client is told to resync and recovers the events of the outage', async () => {
    const project = await caller.project.create({ workspaceSlug: workspace.slug, id: randomUUID(), name: 'Outage' });
    const board = await openBoard(project.id);
    const { name } = testDatabase();
    // Open enough connections of this process's pool now: new ones are refused during the outage.
    await Promise.all(Array.from({ length: 6 }, () => testDb().execute(sql`SELECT pg_sleep(0.05)`)));
    board.applyLive();
    const seenBefore = resyncs(board.client, 'listen_restored');
    try {
      await superSql().unsafe(`REVOKE CONNECT ON DATABASE "${name}" FROM PUBLIC`);
      expect(await terminateListen(true)).toBeGreaterThan(0);
      const down = await until('health while LISTEN cannot reconnect', health, (h) => h.status === 503);
      expect(down.body).toMatchObject({ status: 'not_listening', listening: false });
      // Committed while the sidecar cannot listen: never delivered live.
      for (let i = 0; i < 4; i += 1) await create(project.id, `outage ${i}`);
      expect((await health()).status).toBe(503);
    } finally {
      await superSql().unsafe(`GRANT CONNECT ON DATABASE "${name}" TO PUBLIC`);
    }
    await until('health after CONNECT is back', health, (h) => h.status === 200);
    await until('a resync after LISTEN came back', async () => resyncs(board.client, 'listen_restored'), (n) => n > seenBefore);
    await board.untilResync('listen_restored');
    expect(await board.resync()).toMatchObject({ status: 'done' });
    expect(board.titles()).toEqual(['outage 0', 'outage 1', 'outage 2', 'outage 3']);
    expect(board.titles()).toEqual(await dbTitles(project.id));
    board.client.ws.close();
  }, 60_000);

  it('an event whose fan-out fails is not dropped silently: the workspace is told to resync, and the event is recoverable', async () => {
    const project = await caller.project.create({ workspaceSlug: workspace.slug, id: randomUUID(), name: 'Fan-out' });
    const board = await openBoard(project.id);
    try {
      // The sidecar reads every event row before sending it; make that read fail.
      await adminSql().unsafe(`REVOKE SELECT ON outbox_events FROM kanso_app`);
      await create(project.id, 'unreadable');
      await board.untilResync('delivery_failed');
    } finally {
      await adminSql().unsafe(`GRANT SELECT ON outbox_events TO kanso_app`);
    }
    expect(board.titles()).toEqual([]);
    expect(await board.resync()).toMatchObject({ status: 'done', events: 1 });
    expect(board.titles()).toEqual(['unreadable']);
    // The next event is delivered live again.
    await create(project.id, 'readable');
    await board.client.next('event', (m) => m.event.payload.title === 'readable', 10_000);
    board.client.ws.close();
    expect(sidecar.output()).toContain('event fan-out failed; the workspace resyncs');
  }, 30_000);
});
