/**
 * Outbound webhooks end to end (JOBS-3) against real PostgreSQL, the real worker runtime and a real
 * HTTP receiver on 127.0.0.1: task-service writes → outbox → relay → consumer `webhooks` →
 * `webhook.deliver` jobs → signed POSTs, verified here with the `standardwebhooks` library.
 *
 * Loopback receivers are admitted by WEBHOOK_ALLOW_LOOPBACK (set below, as the env module reads it);
 * the retry schedule is shortened to 1 s steps with WEBHOOK_RETRY_SCHEDULE_SECONDS.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '@/lib/permissions';
import { withTenant } from '@/server/db/tenant';
import type { WorkerRuntime } from '@/server/jobs/worker-runtime';
import { resetEnvCache } from '@/server/platform/env';
import type { BoardActor } from '@/server/projects/access';
import { createProject } from '@/server/projects/project-service';
import { createTask, updateTask } from '@/server/tasks/task-service';
import { requeueStuckDeliveries } from '@/server/webhooks/webhook-delivery';
import { createLogger } from '@/server/platform/logger';
import { adminSql, superSql, testDb } from '../support/db';
import { startTestWorker, waitForJobsIdle } from '../support/jobs';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../support/trpc';
import { startReceiver, until, type Receiver } from '../support/webhooks';

const ENV = { WEBHOOK_ALLOW_LOOPBACK: 'true', WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,1,1', WEBHOOK_DISABLE_AFTER_HOURS: '72' };
const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
const setEnv = (values: Record<string, string>) => {
  Object.assign(process.env, values);
  resetEnvCache();
};
setEnv(ENV);
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
});

let receiver: Receiver;
let worker: WorkerRuntime | undefined;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});
beforeEach(async () => {
  receiver.requests.length = 0;
  receiver.respond(200);
  setEnv(ENV);
  worker = await startTestWorker();
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await adminSql()`DELETE FROM graphile_worker._private_jobs`;
});

async function setup() {
  const owner = await makeUser({ locale: 'de' });
  const admin = await makeUser();
  const member = await makeUser();
  const ws = await makeWorkspace([
    { userId: owner.id, role: 'owner' },
    { userId: admin.id, role: 'admin' },
    { userId: member.id, role: 'member' },
  ]);
  const { caller } = await callerAs(admin.id);
  const actor: BoardActor = { userId: member.id, role: 'member' as Role, requestId: 'req-webhooks' };
  const scope = { workspaceId: ws.id, userId: member.id };
  const project = await withTenant(testDb(), scope, (tx) => createProject(tx, actor, { workspaceId: ws.id }, { id: randomUUID(), name: 'Hooks' }));
  /** A task created through the real task service (its event comes through the outbox relay). */
  const newTask = (title: string) =>
    withTenant(testDb(), scope, (tx) => createTask(tx, actor, { workspaceId: ws.id }, { id: randomUUID(), projectId: project.id, title }));
  return { owner, admin, member, ws, caller, actor, scope, project, newTask };
}

const verify = (secret: string, request: { body: string; headers: Record<string, string> }) => new Webhook(secret).verify(request.body, request.headers);

const deliveryRows = (endpointId: string) =>
  superSql()<{ id: string; state: string; attempts: number; event_type: string }[]>`
    SELECT id, state, attempts, event_type FROM webhook_deliveries WHERE endpoint_id = ${endpointId} ORDER BY created_at`;

const attemptRows = (deliveryId: string) =>
  superSql()<{ attempt_number: number; replay: boolean; status_code: number | null; error_kind: string | null; response_excerpt: string | null; created_at: Date }[]>`
    SELECT attempt_number, replay, status_code, error_kind, response_excerpt, created_at FROM webhook_attempts WHERE delivery_id = ${deliveryId} ORDER BY attempt_number`;

describe('webhook delivery', () => {
  it('delivers subscribed events signed per Standard Webhooks, with a stable public payload', async () => {
    const { ws, caller, newTask, scope, actor } = await setup();
    const { endpoint, secret } = await caller.webhook.create({ workspaceSlug: ws.slug, url: receiver.url('/ok'), eventTypes: ['task.created'], description: 'CI' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    // The secret is stored sealed, never in clear.
    const [stored] = await superSql()<{ secret_encrypted: string }[]>`SELECT secret_encrypted FROM webhook_endpoints WHERE id = ${endpoint.id}`;
    expect(stored!.secret_encrypted).not.toContain(secret.slice(6, 20));

    const task = await newTask('Ship webhooks');
    // Not subscribed: no delivery for task.updated.
    await withTenant(testDb(), scope, (tx) => updateTask(tx, actor, { workspaceId: ws.id }, { id: task.id, expectedVersion: task.version, title: 'Ship them' }));
    await until(() => receiver.requests.length >= 1, 'the delivery');
    await waitForJobsIdle();
    expect(receiver.requests).toHaveLength(1);

    const request = receiver.requests[0]!;
    const payload = verify(secret, request) as Record<string, unknown>;
    const [delivery] = await deliveryRows(endpoint.id);
    expect(request.headers['webhook-id']).toBe(delivery!.id);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(request.headers['content-type']).toBe('application/json');
    expect(payload).toMatchObject({
      type: 'task.created',
      version: '2026-12-01',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      data: { workspaceId: ws.id, actorId: actor.userId, object: { id: task.id, title: 'Ship webhooks', status: 'todo' } },
    });
    // Internal columns stay inside.
    expect((payload.data as { object: Record<string, unknown> }).object).not.toHaveProperty('position');
    // A wrong secret does not verify.
    expect(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, request)).toThrow();

    expect(delivery).toMatchObject({ state: 'succeeded', attempts: 1, event_type: 'task.created' });
    const attempts = await attemptRows(delivery!.id);
    expect(attempts).toMatchObject([{ attempt_number: 1, replay: false, status_code: 200, error_kind: null, response_excerpt: 'ok' }]);

    // The delivery log as the settings page reads it.
    const log = await caller.webhook.deliveries({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({ id: delivery!.id, state: 'succeeded', attemptLog: [{ attemptNumber: 1, statusCode: 200 }] });
  });

  it('retries a failing receiver on the schedule, then gives the delivery up as dead; a replay delivers it exactly once more', async () => {
    const { ws, caller, newTask } = await setup();
    receiver.respond(500);
    const { endpoint, secret } = await caller.webhook.create({ workspaceSlug: ws.slug, url: receiver.url('/fail'), eventTypes: ['task.created'] });
    await newTask('Doomed');
    // Schedule "1,1,1": one first attempt and three retries, a second apart.
    await until(async () => (await deliveryRows(endpoint.id))[0]?.state === 'dead', 'the delivery to die', 12_000);
    const [delivery] = await deliveryRows(endpoint.id);
    expect(receiver.requests).toHaveLength(4);
    expect(delivery!.attempts).toBe(4);
    const attempts = await attemptRows(delivery!.id);
    expect(attempts.map((a) => [a.attempt_number, a.status_code, a.error_kind])).toEqual([
      [1, 500, 'http_status'],
      [2, 500, 'http_status'],
      [3, 500, 'http_status'],
      [4, 500, 'http_status'],
    ]);
    expect(attempts[0]!.response_excerpt).toBe('failing with 500');
    // Each retry waited for its step of the schedule (its own job, runAt), not the worker's backoff.
    for (let i = 1; i < 4; i++) expect(receiver.requests[i]!.at - receiver.requests[i - 1]!.at).toBeGreaterThanOrEqual(900);
    // Every attempt carries the same webhook-id and a valid signature.
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivery!.id]));
    for (const r of receiver.requests) verify(secret, r);

    // The receiver is fixed; the admin replays the delivery: one attempt, no more.
    receiver.respond(200);
    await caller.webhook.replay({ workspaceSlug: ws.slug, deliveryId: delivery!.id });
    await until(() => receiver.requests.length >= 5, 'the replay');
    await waitForJobsIdle();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receiver.requests).toHaveLength(5);
    expect(receiver.requests[4]!.headers['webhook-id']).toBe(delivery!.id);
    const [after] = await deliveryRows(endpoint.id);
    expect(after).toMatchObject({ state: 'succeeded', attempts: 5 });
    expect((await attemptRows(delivery!.id)).at(-1)).toMatchObject({ attempt_number: 5, replay: true, status_code: 200 });
  }, 20_000);

  it('treats a redirect as a failure and does not follow it', async () => {
    const { ws, caller } = await setup();
    receiver.respond(302, 'moved');
    const { endpoint } = await caller.webhook.create({ workspaceSlug: ws.slug, url: receiver.url('/redirect'), eventTypes: ['task.created'] });
    const { deliveryId } = await caller.webhook.testFire({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    await until(async () => (await attemptRows(deliveryId)).length === 1, 'the attempt');
    await waitForJobsIdle();
    expect(receiver.requests).toHaveLength(1);
    expect(await attemptRows(deliveryId)).toMatchObject([{ status_code: 302, error_kind: 'redirect' }]);
    // A test-fire is one attempt.
    expect((await deliveryRows(endpoint.id))[0]).toMatchObject({ state: 'dead', attempts: 1, event_type: 'webhook.test' });
  });

  it('signs with both the old and the new secret during the rotation window, then with the new one only', async () => {
    const { ws, caller } = await setup();
    const { endpoint, secret: oldSecret } = await caller.webhook.create({ workspaceSlug: ws.slug, url: receiver.url('/rotate'), eventTypes: ['task.created'] });
    const rotated = await caller.webhook.rotateSecret({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    const newSecret = rotated.secret;
    expect(newSecret).not.toBe(oldSecret);
    expect(new Date(rotated.endpoint.previousSecretExpiresAt!).getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);

    await caller.webhook.testFire({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    await until(() => receiver.requests.length >= 1, 'the test delivery');
    const during = receiver.requests[0]!;
    expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verify(oldSecret, during)).toMatchObject({ type: 'webhook.test' });
    expect(verify(newSecret, during)).toMatchObject({ type: 'webhook.test' });

    // The window is over.
    await superSql()`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = ${endpoint.id}`;
    await caller.webhook.testFire({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    await until(() => receiver.requests.length >= 2, 'the second test delivery');
    const after = receiver.requests[1]!;
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(verify(newSecret, after)).toMatchObject({ type: 'webhook.test' });
    expect(() => verify(oldSecret, after)).toThrow(/No matching signature/);
  });

  it('disables an endpoint that keeps failing and mails the workspace owners and admins', async () => {
    const { ws, caller, newTask, owner, admin, member } = await setup();
    // 0.0004 h ≈ 1.4 s of failing: the attempt a second or two after the first disables it.
    setEnv({ ...ENV, WEBHOOK_DISABLE_AFTER_HOURS: '0.0004', WEBHOOK_RETRY_SCHEDULE_SECONDS: '2,2,2,2' });
    receiver.respond(503);
    const { endpoint } = await caller.webhook.create({ workspaceSlug: ws.slug, url: receiver.url('/down'), eventTypes: ['task.created'] });
    await newTask('Nobody listens');
    await until(async () => {
      const [row] = await superSql()<{ enabled: boolean }[]>`SELECT enabled FROM webhook_endpoints WHERE id = ${endpoint.id}`;
      return row?.enabled === false;
    }, 'the endpoint to be disabled', 12_000);
    const hitsWhenDisabled = receiver.requests.length;
    expect(hitsWhenDisabled).toBe(2);

    const [row] = await superSql()<{ disabled_reason: string; disabled_at: Date | null }[]>`SELECT disabled_reason, disabled_at FROM webhook_endpoints WHERE id = ${endpoint.id}`;
    expect(row).toMatchObject({ disabled_reason: 'failing', disabled_at: expect.any(Date) });
    const [listed] = await caller.webhook.list({ workspaceSlug: ws.slug });
    expect(listed).toMatchObject({ id: endpoint.id, enabled: false, status: 'disabled_failing' });

    // The owner (in German) and the admin are mailed; the member is not.
    const mails = await superSql()<{ to: string; subject: string; kind: string }[]>`SELECT "to", subject, kind FROM mail_messages WHERE kind = 'webhook_endpoint_disabled' ORDER BY "to"`;
    expect(mails.map((m) => m.to).sort()).toEqual([owner.email, admin.email].map((e) => e.toLowerCase()).sort());
    expect(mails.map((m) => m.to)).not.toContain(member.email.toLowerCase());
    expect(mails.find((m) => m.to === owner.email.toLowerCase())!.subject).toBe(`Webhook-Endpunkt in ${ws.name} deaktiviert`);
    const audit = await adminSql()<{ action: string; actor_id: string | null }[]>`SELECT action, actor_id FROM audit_log WHERE workspace_id = ${ws.id} AND action = 'webhook.disabled'`;
    expect(audit).toEqual([{ action: 'webhook.disabled', actor_id: null }]);

    // The retry due next finds the endpoint disabled: no more requests, the delivery is dead.
    const [delivery] = await deliveryRows(endpoint.id);
    await until(async () => (await deliveryRows(endpoint.id))[0]?.state === 'dead', 'the delivery to be dropped', 6_000);
    expect(receiver.requests.length).toBe(hitsWhenDisabled);
    // New events are not delivered to it either.
    await newTask('Still nobody');
    await new Promise((r) => setTimeout(r, 1_000));
    await waitForJobsIdle();
    expect((await deliveryRows(endpoint.id)).map((d) => d.id)).toEqual([delivery!.id]);

    // Re-enabling clears the failing state.
    receiver.respond(200);
    const enabled = await caller.webhook.update({ workspaceSlug: ws.slug, endpointId: endpoint.id, enabled: true });
    expect(enabled).toMatchObject({ status: 'enabled', failingSince: null, disabledAt: null });
  }, 20_000);

  it('re-queues a delivery that was claimed and never finished (the reconciler)', async () => {
    const { ws, caller } = await setup();
    const { endpoint } = await caller.webhook.create({ workspaceSlug: ws.slug, url: receiver.url('/stuck'), eventTypes: ['task.created'] });
    await worker?.stop();
    worker = undefined;
    const { deliveryId } = await caller.webhook.testFire({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    // A worker claimed it (lease written) and died: no job is left.
    await adminSql()`DELETE FROM graphile_worker._private_jobs`;
    await superSql()`UPDATE webhook_deliveries SET next_attempt_at = now() - interval '5 minutes' WHERE id = ${deliveryId}`;
    const log = createLogger({ service: 'test', level: 'silent' });
    expect(await requeueStuckDeliveries(testDb(), log)).toBe(1);
    // A job waits now: nothing more to re-queue.
    expect(await requeueStuckDeliveries(testDb(), log)).toBe(0);
    worker = await startTestWorker();
    await until(() => receiver.requests.length >= 1, 'the re-queued delivery');
    expect(receiver.requests[0]!.headers['webhook-id']).toBe(deliveryId);
  });

  it('audits create, update, rotate and delete (host only, never the secret)', async () => {
    const { ws, caller, admin } = await setup();
    const { endpoint, secret } = await caller.webhook.create({ workspaceSlug: ws.slug, url: receiver.url('/audited?token=abc'), eventTypes: ['task.created'] });
    await caller.webhook.update({ workspaceSlug: ws.slug, endpointId: endpoint.id, eventTypes: ['task.created', 'task.moved'], description: 'moved too' });
    const rotated = await caller.webhook.rotateSecret({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    await caller.webhook.delete({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    const rows = await adminSql()<{ action: string; actor_id: string; data: Record<string, unknown>; target_id: string }[]>`
      SELECT action, actor_id, data, target_id FROM audit_log WHERE workspace_id = ${ws.id} AND action LIKE 'webhook.%' ORDER BY seq`;
    expect(rows.map((r) => r.action)).toEqual(['webhook.created', 'webhook.updated', 'webhook.rotated', 'webhook.deleted']);
    expect(rows.every((r) => r.actor_id === admin.id && r.target_id === endpoint.id)).toBe(true);
    expect(rows[1]!.data).toMatchObject({ changed: ['description', 'eventTypes'] });
    const text = JSON.stringify(rows);
    expect(text).toContain(`127.0.0.1:${receiver.port}`);
    expect(text).not.toContain('token=abc');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(rotated.secret);
    expect(await caller.webhook.list({ workspaceSlug: ws.slug })).toEqual([]);
  });

  it('is for owners and admins only: a member gets FORBIDDEN, an outsider NOT_FOUND', async () => {
    const { ws, caller, member } = await setup();
    const { endpoint } = await caller.webhook.create({ workspaceSlug: ws.slug, url: receiver.url('/perm'), eventTypes: ['task.created'] });
    const { caller: asMember } = await callerAs(member.id);
    expect((await errorOf(asMember.webhook.list({ workspaceSlug: ws.slug }))).code).toBe('FORBIDDEN');
    expect((await errorOf(asMember.webhook.create({ workspaceSlug: ws.slug, url: receiver.url(), eventTypes: ['task.created'] }))).code).toBe('FORBIDDEN');
    expect((await errorOf(asMember.webhook.rotateSecret({ workspaceSlug: ws.slug, endpointId: endpoint.id }))).code).toBe('FORBIDDEN');
    expect((await errorOf(asMember.webhook.deliveries({ workspaceSlug: ws.slug, endpointId: endpoint.id }))).code).toBe('FORBIDDEN');
    const outsider = await makeUser();
    const { caller: asOutsider } = await callerAs(outsider.id);
    expect((await errorOf(asOutsider.webhook.list({ workspaceSlug: ws.slug }))).code).toBe('NOT_FOUND');
    // Another workspace's admin cannot reach this endpoint by id.
    const other = await makeWorkspace([{ userId: outsider.id, role: 'owner' }]);
    expect((await errorOf(asOutsider.webhook.testFire({ workspaceSlug: other.slug, endpointId: endpoint.id }))).code).toBe('NOT_FOUND');
  });
});
