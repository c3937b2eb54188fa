/**
 * The outbox relay and its retention (JOBS-2) against PostgreSQL: every event reaches every consumer
 * once (a repeat of the relay is a no-op), private projects' events too, a failing consumer does not
 * hold the others back, lag is measured; retention prunes only what every consumer relayed, and
 * `realtime.events` answers a cursor below the pruned range with a typed "too old".
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '@/server/db/tenant';
import type { BoardActor } from '@/server/projects/access';
import { createProject } from '@/server/projects/project-service';
import { createTask } from '@/server/tasks/task-service';
import { outboxConsumers, registerOutboxConsumer } from '@/server/outbox/outbox-consumers';
import { outboxLag, relayWorkspace, workspacesBehind } from '@/server/outbox/outbox-relay';
import { pruneOutbox } from '@/server/jobs/maintenance-tasks';
import { createLogger } from '@/server/platform/logger';
import type { WorkerRuntime } from '@/server/jobs/worker-runtime';
import { superSql, testDb } from '../support/db';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../support/trpc';
import { startTestWorker, waitForJobsIdle } from '../support/jobs';

const log = createLogger({ level: 'silent' });
const seen: Array<{ consumer: string; id: number; type: string }> = [];
let failNext = 0;

beforeAll(() => {
  registerOutboxConsumer({
    name: 'test-recorder',
    async handle(tx, event) {
      // A write of the consumer's own, in the relay's transaction (rolled back with it).
      await tx.execute(sql`SELECT 1`);
      seen.push({ consumer: 'test-recorder', id: event.id, type: event.type });
    },
  });
  registerOutboxConsumer({
    name: 'test-flaky',
    async handle(_tx, event) {
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('flaky consumer');
      }
      seen.push({ consumer: 'test-flaky', id: event.id, type: event.type });
    },
  });
});

let worker: WorkerRuntime | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

async function setup(visibility: 'workspace' | 'private' = 'workspace') {
  const user = await makeUser();
  const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
  const actor: BoardActor = { userId: user.id, role: 'owner', requestId: 'req-relay' };
  const scope = { workspaceId: ws.id, userId: user.id };
  const project = await withTenant(testDb(), scope, (tx) => createProject(tx, actor, { workspaceId: ws.id }, { id: randomUUID(), name: 'P', visibility }));
  const addTasks = async (n: number) => {
    for (let i = 0; i < n; i += 1) {
      await withTenant(testDb(), scope, (tx) => createTask(tx, actor, { workspaceId: ws.id }, { id: randomUUID(), projectId: project.id, title: `T${i}` }));
    }
  };
  return { user, ws, project, addTasks };
}

const ofConsumer = (consumer: string, workspaceEvents: number[]) => seen.filter((s) => s.consumer === consumer && workspaceEvents.includes(s.id));
const eventIds = async (workspaceId: string) =>
  (await superSql()<{ id: string }[]>`SELECT id::text FROM outbox_events WHERE workspace_id = ${workspaceId} ORDER BY outbox_events.id`).map((r) => Number(r.id));

describe('the outbox relay', () => {
  it('hands every event of a workspace — private projects included — to every consumer once, in order', async () => {
    const { ws, addTasks } = await setup('private');
    await addTasks(5);
    worker = await startTestWorker();
    // The worker's LISTEN sees new events; the 5 above were written before it ran: the start sweep finds them.
    await waitForJobsIdle();
    const ids = await eventIds(ws.id);
    expect(ids).toHaveLength(6);
    expect(ofConsumer('test-recorder', ids).map((s) => s.id)).toEqual(ids);
    // Live: an event written now is relayed through LISTEN/NOTIFY.
    await addTasks(1);
    const deadline = Date.now() + 10_000;
    while (ofConsumer('test-recorder', await eventIds(ws.id)).length < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await waitForJobsIdle();
    const all = await eventIds(ws.id);
    expect(ofConsumer('test-recorder', all).map((s) => s.id)).toEqual(all);
    expect(ofConsumer('test-flaky', all).map((s) => s.id)).toEqual(all);
    // Relaying again (a duplicate job, a crash before the completion) hands nothing over twice.
    expect(await relayWorkspace(testDb(), ws.id, log)).toBe(0);
    expect(ofConsumer('test-recorder', all)).toHaveLength(7);
  });

  it('keeps relaying to healthy consumers while one fails; the failing one catches up on retry; lag shows it', async () => {
    const { ws, addTasks } = await setup();
    await addTasks(2);
    failNext = 1;
    await expect(relayWorkspace(testDb(), ws.id, log)).rejects.toThrow('flaky consumer');
    const ids = await eventIds(ws.id);
    expect(ofConsumer('test-recorder', ids)).toHaveLength(3);
    expect(ofConsumer('test-flaky', ids)).toHaveLength(0);
    expect(await workspacesBehind(testDb())).toContain(ws.id);
    const lag = await outboxLag(testDb());
    expect(lag.find((l) => l.consumer === 'test-flaky')!.pendingEvents).toBeGreaterThanOrEqual(3);
    await relayWorkspace(testDb(), ws.id, log);
    expect(ofConsumer('test-flaky', ids).map((s) => s.id)).toEqual(ids);
    expect(await workspacesBehind(testDb())).not.toContain(ws.id);
  });
});

describe('outbox retention', () => {
  it('prunes old events every consumer relayed, keeps the rest, and makes realtime.events answer "too old"', async () => {
    const { user, ws, project, addTasks } = await setup();
    await addTasks(4);
    const ids = await eventIds(ws.id);
    // Relayed up to the 3rd event only (by every consumer).
    for (const consumer of outboxConsumers()) {
      await superSql()`INSERT INTO outbox_cursors (consumer, workspace_id, last_event_id) VALUES (${consumer.name}, ${ws.id}, ${ids[2]!})
        ON CONFLICT (consumer, workspace_id) DO UPDATE SET last_event_id = excluded.last_event_id`;
    }
    await superSql()`UPDATE outbox_events SET created_at = now() - interval '40 days' WHERE workspace_id = ${ws.id}`;
    expect(await pruneOutbox(testDb(), 30)).toBe(3);
    expect(await eventIds(ws.id)).toEqual(ids.slice(3));
    const [mark] = await superSql()<{ through: string }[]>`SELECT pruned_through_id::text AS through FROM outbox_retention WHERE workspace_id = ${ws.id}`;
    expect(Number(mark!.through)).toBe(ids[2]);

    const { caller } = await callerAs(user.id);
    const error = await errorOf(caller.realtime.events({ workspaceSlug: ws.slug, projectId: project.id, afterId: ids[0]! }));
    expect(error.code).toBe('CONFLICT');
    expect((error as unknown as { cause: { details: unknown } }).cause.details).toEqual({ tooOld: true });
    // From the pruned edge on, it replays as before.
    const page = await caller.realtime.events({ workspaceSlug: ws.slug, projectId: project.id, afterId: ids[2]! });
    expect(page.events.map((e) => e.id)).toEqual(ids.slice(3));
  });

  it('never prunes an event some consumer has not relayed, however old', async () => {
    const { ws, addTasks } = await setup();
    await addTasks(2);
    await superSql()`UPDATE outbox_events SET created_at = now() - interval '400 days' WHERE workspace_id = ${ws.id}`;
    expect(await pruneOutbox(testDb(), 30)).toBe(0);
    expect(await eventIds(ws.id)).toHaveLength(3);
  });

  it('the app role cannot delete outbox events itself', async () => {
    const { ws } = await setup();
    const failure = await testDb()
      .execute(sql`DELETE FROM outbox_events WHERE workspace_id = ${ws.id}`)
      .catch((e: unknown) => e);
    expect(String((failure as { cause?: { message?: string } }).cause?.message ?? failure)).toMatch(/permission denied/);
  });
});
