/**
 * The live badge path (COLLAB-7) against the real sidecar process: a notification committed for a
 * user reaches every socket of that user — a user-level socket (ticket without a workspace, as on
 * the inbox page) and their workspace sockets — as `{type:'notifications'}`, and nobody else's.
 * A user-level socket joins no rooms and gets no board events.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerRuntime } from '@/server/jobs/worker-runtime';
import { startTestWorker } from '../support/jobs';
import { connectClient, readyClient, settle, startSidecar, type Sidecar, type TestClient } from '../support/realtime';
import { callerAs, makeUser, makeWorkspace } from '../support/trpc';

let sidecar: Sidecar;
let worker: WorkerRuntime;

beforeAll(async () => {
  sidecar = await startSidecar();
  worker = await startTestWorker();
}, 30_000);

afterAll(async () => {
  await worker?.stop();
  await sidecar?.stop();
});

async function userSocket(userId: string): Promise<TestClient> {
  const { caller } = await callerAs(userId);
  const { ticket } = await caller.realtime.userTicket();
  const client = connectClient(sidecar.port, `?ticket=${encodeURIComponent(ticket)}`);
  const ready = await client.next('ready');
  expect(ready.workspaceId).toBeNull();
  return client;
}

describe('notification frames (real sidecar)', () => {
  it('reach the recipient’s user-level and workspace sockets on commit, and no one else’s', async () => {
    const [alice, bob] = await Promise.all([makeUser(), makeUser()]);
    const ws = await makeWorkspace([
      { userId: alice.id, role: 'owner' },
      { userId: bob.id, role: 'member' },
    ]);
    const { caller } = await callerAs(alice.id);
    const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'P' });
    const bobPage = await userSocket(bob.id);
    const bobBoard = await readyClient(sidecar.port, bob.id, ws.slug, project.id);
    const alicePage = await userSocket(alice.id);

    await caller.task.create({ workspaceSlug: ws.slug, id: randomUUID(), projectId: project.id, title: 'For Bob', assigneeId: bob.id });
    await bobPage.next('notifications', () => true, 10_000);
    await bobBoard.next('notifications', () => true, 10_000);
    await settle(500);
    expect(alicePage.messages.filter((m) => m.type === 'notifications')).toEqual([]);
    // The user-level socket heard nothing of the board.
    expect(bobPage.events()).toEqual([]);

    // Marking read in one tab tells the others (their badge clears too).
    const before = bobPage.messages.filter((m) => m.type === 'notifications').length;
    const { caller: asBob } = await callerAs(bob.id);
    await asBob.notification.markAllRead();
    await bobPage.next('notifications', () => bobPage.messages.filter((m) => m.type === 'notifications').length > before, 5_000);
  });

  it('a user-level socket cannot join a project room', async () => {
    const owner = await makeUser();
    const ws = await makeWorkspace([{ userId: owner.id, role: 'owner' }]);
    const { caller } = await callerAs(owner.id);
    const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Q' });
    const page = await userSocket(owner.id);
    page.send({ type: 'join', projectId: project.id });
    const error = await page.next('error');
    expect(error.reason).toMatch(/joins no projects/);
    expect(page.messages.some((m) => m.type === 'joined')).toBe(false);
  });

  it('refuses a user-level ticket whose session ended', async () => {
    const user = await makeUser();
    const { caller } = await callerAs(user.id);
    const { ticket } = await caller.realtime.userTicket();
    await caller.auth.signOutEverywhere();
    const client = connectClient(sidecar.port, `?ticket=${encodeURIComponent(ticket)}`);
    const closed = await client.closed;
    expect(closed.code).toBe(4410);
  });
});
