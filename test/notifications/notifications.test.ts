/**
 * Notifications (COLLAB-7) against real PostgreSQL and the real worker runtime: changes go through
 * the task and comment routers, the outbox relay hands them to the `notifications` consumer, and the
 * inbox is read through the `notification` router — as each user.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mentionToken } from '@/lib/mentions';
import { withSystem } from '@/server/db/tenant';
import { handleNotificationEvent } from '@/server/notifications/notification-consumer';
import { sendDigest } from '@/server/notifications/digest';
import { enqueueJob } from '@/server/platform/jobs';
import { createLogger } from '@/server/platform/logger';
import type { OutboxEvent } from '@/server/realtime-events/outbox';
import type { WorkerRuntime } from '@/server/jobs/worker-runtime';
import { superSql, testDb } from '../support/db';
import { queuedJobs, startTestWorker, waitForJobsIdle } from '../support/jobs';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../support/trpc';

type Caller = Awaited<ReturnType<typeof callerAs>>['caller'];

let worker: WorkerRuntime;
let slug: string;
let workspaceId: string;
const people = {} as Record<'alice' | 'bob' | 'carol' | 'dave', { id: string; name: string | null; caller: Caller }>;
let outsider: { id: string; caller: Caller };
let projectId: string;

beforeAll(async () => {
  for (const name of ['alice', 'bob', 'carol', 'dave'] as const) {
    const user = await makeUser({ name: name[0]!.toUpperCase() + name.slice(1) });
    people[name] = { id: user.id, name: user.name, caller: (await callerAs(user.id)).caller };
  }
  const stranger = await makeUser();
  outsider = { id: stranger.id, caller: (await callerAs(stranger.id)).caller };
  const ws = await makeWorkspace([
    { userId: people.alice.id, role: 'owner' },
    { userId: people.bob.id, role: 'member' },
    { userId: people.carol.id, role: 'member' },
    { userId: people.dave.id, role: 'member' },
  ]);
  slug = ws.slug;
  workspaceId = ws.id;
  projectId = (await people.alice.caller.project.create({ workspaceSlug: slug, id: randomUUID(), name: 'Open' })).id;
  worker = await startTestWorker();
}, 30_000);

afterAll(async () => {
  await worker?.stop();
});

beforeEach(async () => {
  await superSql()`DELETE FROM notifications`;
  await superSql()`DELETE FROM notification_preferences`;
});

/**
 * Waits until the relay has handed every committed outbox event to the notifications consumer
 * (its cursor at each workspace's head), then until the jobs that enqueued are done.
 */
async function relayed(): Promise<void> {
  await waitForJobsIdle();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [row] = await superSql()<{ ok: boolean | null }[]>`
      SELECT bool_and(coalesce(c.last_event_id, 0) >= h.head) AS ok
        FROM (SELECT workspace_id, max(id) AS head FROM outbox_events GROUP BY workspace_id) h
        LEFT JOIN outbox_cursors c ON c.workspace_id = h.workspace_id AND c.consumer = 'notifications'`;
    if (row?.ok !== false) break;
    if (Date.now() > deadline) throw new Error('the notifications consumer did not catch up');
    await new Promise((r) => setTimeout(r, 50));
  }
  await waitForJobsIdle();
}

const inbox = async (who: keyof typeof people) => (await people[who].caller.notification.list({})).items;
const count = async (who: keyof typeof people) => (await people[who].caller.notification.unreadCount()).count;
const mention = (who: keyof typeof people) => mentionToken(people[who].name ?? who, people[who].id);

async function createTask(by: keyof typeof people, input: { title: string; assigneeId?: string | null; description?: string; projectId?: string }) {
  const task = await people[by].caller.task.create({ workspaceSlug: slug, id: randomUUID(), projectId: input.projectId ?? projectId, ...input });
  await relayed();
  return task;
}

async function comment(by: keyof typeof people, taskId: string, body: string) {
  const row = await people[by].caller.comment.create({ workspaceSlug: slug, id: randomUUID(), taskId, body });
  await relayed();
  return row;
}

describe('the notifications consumer', () => {
  it('tells the assignee of a new task (kind assigned), never the actor who assigned themself', async () => {
    const task = await createTask('alice', { title: 'Write the spec', assigneeId: people.bob.id });
    await createTask('carol', { title: 'Mine', assigneeId: people.carol.id });
    const items = await inbox('bob');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'assigned', read: false, actor: { id: people.alice.id, name: 'Alice' }, task: { id: task.id, title: 'Write the spec' }, workspace: { slug } });
    expect(await count('bob')).toBe(1);
    expect(await inbox('carol')).toEqual([]);
    expect(await inbox('alice')).toEqual([]);
  });

  it('tells a new assignee when the assignee changes, and nobody when another field changes', async () => {
    const task = await createTask('alice', { title: 'Reassign me' });
    const v2 = await people.alice.caller.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: task.version, assigneeId: people.carol.id });
    await relayed();
    const v3 = await people.alice.caller.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: v2.version, title: 'Reassigned' });
    await relayed();
    expect((await inbox('carol')).map((n) => n.kind)).toEqual(['assigned']);
    await people.alice.caller.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: v3.version, assigneeId: people.dave.id });
    await relayed();
    expect((await inbox('dave')).map((n) => [n.kind, n.task?.title])).toEqual([['assigned', 'Reassigned']]);
    expect(await inbox('carol')).toHaveLength(1);
  });

  it('tells members newly @mentioned in a description once, ignoring outsiders, unknown ids and the actor', async () => {
    const bogus = randomUUID();
    const task = await createTask('alice', {
      title: 'Mentions',
      description: `Hey ${mention('bob')} and ${mention('alice')}, also @[Nobody](user:${bogus}) and @[Out](user:${outsider.id})`,
    });
    expect((await inbox('bob')).map((n) => n.kind)).toEqual(['mentioned']);
    expect(await inbox('alice')).toEqual([]);
    expect(await outsider.caller.notification.list({})).toEqual({ items: [], nextCursor: null });
    // Editing the description again with the same mention plus a new one: only the new one is told.
    await people.alice.caller.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: task.version, description: `${mention('bob')} ${mention('carol')}` });
    await relayed();
    expect(await inbox('bob')).toHaveLength(1);
    expect((await inbox('carol')).map((n) => n.kind)).toEqual(['mentioned']);
  });

  it('tells followers of a new comment (creator, assignee, earlier commenters), not its author; a mention wins over commented', async () => {
    const task = await createTask('alice', { title: 'Followed', assigneeId: people.bob.id });
    await comment('carol', task.id, 'First!');
    expect((await inbox('alice')).map((n) => n.kind)).toEqual(['commented']);
    expect((await inbox('bob')).map((n) => n.kind).sort()).toEqual(['assigned', 'commented']);
    expect(await inbox('carol')).toEqual([]);
    await comment('bob', task.id, `Thanks ${mention('dave')} ${mention('carol')}`);
    // Carol follows since she commented: mentioned (not also commented); Dave was mentioned.
    expect((await inbox('carol')).map((n) => n.kind)).toEqual(['mentioned']);
    expect((await inbox('dave')).map((n) => n.kind)).toEqual(['mentioned']);
    // Dave follows now, as a mentioned user.
    await comment('alice', task.id, 'Done');
    expect((await inbox('dave')).map((n) => n.kind).sort()).toEqual(['commented', 'mentioned']);
  });

  it('never tells someone who cannot see the task (a private project they are not a member of)', async () => {
    const secret = await people.alice.caller.project.create({ workspaceSlug: slug, id: randomUUID(), name: 'Secret', visibility: 'private' });
    await people.alice.caller.project.addMember({ workspaceSlug: slug, projectId: secret.id, userId: people.carol.id });
    await relayed();
    const task = await createTask('alice', { title: 'Hidden', projectId: secret.id, description: `${mention('bob')} ${mention('carol')}` });
    expect(await inbox('bob')).toEqual([]);
    expect((await inbox('carol')).map((n) => n.kind)).toEqual(['mentioned']);
    await comment('carol', task.id, `${mention('bob')} can you see this?`);
    expect(await inbox('bob')).toEqual([]);
    expect((await inbox('alice')).map((n) => n.kind)).toEqual(['commented']);
  });

  it('respects preferences: in-app off keeps it out of the inbox (email still digests it); both off writes nothing', async () => {
    await people.bob.caller.notification.preferences.set({ preferences: [{ kind: 'assigned', inApp: false, email: true }] });
    await people.carol.caller.notification.preferences.set({ preferences: [{ kind: 'assigned', inApp: false, email: false }] });
    expect(await people.bob.caller.notification.preferences.get()).toEqual([
      { kind: 'assigned', inApp: false, email: true },
      { kind: 'mentioned', inApp: true, email: true },
      { kind: 'commented', inApp: true, email: true },
    ]);
    await createTask('alice', { title: 'For Bob', assigneeId: people.bob.id });
    await createTask('alice', { title: 'For Carol', assigneeId: people.carol.id });
    expect(await inbox('bob')).toEqual([]);
    expect(await count('bob')).toBe(0);
    const rows = await superSql()<{ user_id: string; in_app: boolean; email: boolean }[]>`SELECT user_id::text, in_app, email FROM notifications`;
    expect(rows).toEqual([{ user_id: people.bob.id, in_app: false, email: true }]);
  });

  it('an event handled twice (at-least-once delivery) writes one notification', async () => {
    const task = await createTask('alice', { title: 'Once', assigneeId: people.bob.id });
    const [event] = await superSql()<Array<{ id: string; project_id: string; payload: Record<string, unknown>; actor_id: string; created_at: Date }>>`
      SELECT id::text, project_id::text, payload, actor_id::text, created_at FROM outbox_events WHERE type = 'task.created' AND payload->>'id' = ${task.id}`;
    const replay: OutboxEvent = {
      id: Number(event!.id),
      workspaceId,
      projectId: event!.project_id,
      type: 'task.created',
      payload: event!.payload,
      actorId: event!.actor_id,
      requestId: null,
      createdAt: event!.created_at,
    };
    const log = createLogger({ service: 'test', level: 'silent' });
    for (let i = 0; i < 3; i += 1) await withSystem(testDb(), workspaceId, (tx) => handleNotificationEvent(tx, replay, log));
    expect(await inbox('bob')).toHaveLength(1);
  });
});

describe('the inbox', () => {
  it('lists unread first, marks one read, marks all read; someone else cannot mark yours (NOT_FOUND), bad input is a 400', async () => {
    const t1 = await createTask('alice', { title: 'One', assigneeId: people.bob.id });
    await createTask('alice', { title: 'Two', assigneeId: people.bob.id });
    await createTask('alice', { title: 'Three', assigneeId: people.bob.id });
    const first = await inbox('bob');
    expect(first.map((n) => n.task?.title)).toEqual(['Three', 'Two', 'One']);
    const one = first.find((n) => n.task?.id === t1.id)!;
    expect((await errorOf(people.carol.caller.notification.markRead({ id: one.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(outsider.caller.notification.markRead({ id: one.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(people.bob.caller.notification.markRead({ id: 'nope' }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(people.bob.caller.notification.list({ cursor: 'garbage' }))).code).toBe('BAD_REQUEST');
    await people.bob.caller.notification.markRead({ id: first[0]!.id });
    expect(await count('bob')).toBe(2);
    expect((await inbox('bob')).map((n) => [n.task?.title, n.read])).toEqual([
      ['Two', false],
      ['One', false],
      ['Three', true],
    ]);
    // Paging: one at a time, same order.
    const page1 = await people.bob.caller.notification.list({ limit: 2 });
    const page2 = await people.bob.caller.notification.list({ limit: 2, cursor: page1.nextCursor! });
    expect([...page1.items, ...page2.items].map((n) => n.task?.title)).toEqual(['Two', 'One', 'Three']);
    expect(page2.nextCursor).toBeNull();
    expect(await people.bob.caller.notification.markAllRead()).toEqual({ updated: 2 });
    expect(await count('bob')).toBe(0);
  });

  it('refuses a signed-out caller', async () => {
    const { caller } = await callerAs(null);
    expect((await errorOf(caller.notification.unreadCount())).code).toBe('UNAUTHORIZED');
  });

  it('hides a removed member’s notifications of that workspace', async () => {
    const other = await makeWorkspace([{ userId: people.alice.id, role: 'owner' }, { userId: people.dave.id, role: 'member' }], 'Other');
    const p = await people.alice.caller.project.create({ workspaceSlug: other.slug, id: randomUUID(), name: 'P' });
    await people.alice.caller.task.create({ workspaceSlug: other.slug, id: randomUUID(), projectId: p.id, title: 'Elsewhere', assigneeId: people.dave.id });
    await relayed();
    expect(await count('dave')).toBe(1);
    await superSql()`DELETE FROM workspace_members WHERE workspace_id = ${other.id} AND user_id = ${people.dave.id}`;
    expect(await count('dave')).toBe(0);
  });
});

describe('the email digest', () => {
  /** The digests delivered to `userId` (the test mail transport keeps what it sent in dev_mails). */
  const digests = async (userId: string) => {
    await waitForJobsIdle();
    return superSql()<{ subject: string; text: string; to: string }[]>`
      SELECT d.subject, d.text, d.to FROM dev_mails d JOIN users u ON u.email = d.to
       WHERE u.id = ${userId} ORDER BY d.created_at`;
  };

  it('is scheduled once per burst (one job per user, its time kept), mails exactly what is still unread, once', async () => {
    await superSql()`DELETE FROM graphile_worker._private_jobs`;
    await createTask('alice', { title: 'Digest one', assigneeId: people.carol.id });
    const jobs = await queuedJobs('notifications.digest');
    expect(jobs).toHaveLength(1);
    const runAt = jobs[0]!.runAt.getTime();
    expect(runAt - Date.now()).toBeGreaterThan(3000 * 1000);
    await createTask('alice', { title: 'Digest two', assigneeId: people.carol.id });
    await createTask('alice', { title: 'Digest three', assigneeId: people.carol.id });
    const after = await queuedJobs('notifications.digest');
    expect(after.map((j) => j.runAt.getTime())).toEqual([runAt]);

    // Carol reads "Digest two" before the digest goes out.
    const read = (await inbox('carol')).find((n) => n.task?.title === 'Digest two')!;
    await people.carol.caller.notification.markRead({ id: read.id });

    // Due now: the worker runs it.
    await superSql()`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${`notifications.digest:${people.carol.id}`}`;
    await relayed();
    const mails = await digests(people.carol.id);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('2 unread notifications on Kanso');
    expect(mails[0]!.text).toContain('Alice assigned you to “Digest one”');
    expect(mails[0]!.text).toContain('Alice assigned you to “Digest three”');
    expect(mails[0]!.text).not.toContain('Digest two');
    expect(mails[0]!.text).toContain(`/w/${slug}/p/${projectId}?task=`);

    // Again (a job run twice, or the sweep): nothing more is mailed.
    expect(await sendDigest(testDb(), people.carol.id)).toBe(0);
    expect(await digests(people.carol.id)).toHaveLength(1);
    const [{ n } = { n: -1 }] = await superSql()<{ n: number }[]>`
      SELECT count(*)::int AS n FROM notifications WHERE user_id = ${people.carol.id} AND emailed_at IS NOT NULL`;
    expect(n).toBe(2);
  });

  it('is in the recipient’s language, and not sent for email-off kinds', async () => {
    await superSql()`UPDATE users SET locale = 'de' WHERE id = ${people.dave.id}`;
    await people.dave.caller.notification.preferences.set({ preferences: [{ kind: 'commented', inApp: true, email: false }] });
    const task = await createTask('alice', { title: 'Auf Deutsch', assigneeId: people.dave.id });
    await comment('alice', task.id, 'Kommentar');
    expect(await sendDigest(testDb(), people.dave.id)).toBe(1);
    const mails = await digests(people.dave.id);
    expect(mails.at(-1)!.subject).toBe('1 ungelesene Benachrichtigung bei Kanso');
    expect(mails.at(-1)!.text).toContain('Alice hat dir „Auf Deutsch“ zugewiesen');
    await superSql()`UPDATE users SET locale = 'en' WHERE id = ${people.dave.id}`;
  });

  it('the daily sweep schedules overdue digests', async () => {
    await createTask('alice', { title: 'Overdue', assigneeId: people.bob.id });
    await superSql()`DELETE FROM graphile_worker._private_jobs`;
    await superSql()`UPDATE notifications SET created_at = now() - interval '2 hours'`;
    await enqueueJob(testDb(), 'notifications.digest-sweep', {});
    await relayed();
    expect((await digests(people.bob.id)).some((m) => m.text?.includes('Overdue'))).toBe(true);
  });
});
