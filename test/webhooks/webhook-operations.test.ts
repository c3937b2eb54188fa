/**
 * Operators and dead webhook deliveries (JOBS-3, JOBS-5): list, show, retry (one more attempt) and
 * purge — the functions behind `npm run cli -- webhooks:*` — each retry and purge audited in the
 * operations chain.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS_CHAIN_ID } from '@/server/audit/audit-service';
import type { WorkerRuntime } from '@/server/jobs/worker-runtime';
import { resetEnvCache } from '@/server/platform/env';
import { listDeadDeliveries, purgeDeadDeliveries, retryDeadDelivery, showDelivery } from '@/server/webhooks/webhook-operations';
import { adminSql, superSql, testDb } from '../support/db';
import { startTestWorker, waitForJobsIdle } from '../support/jobs';
import { callerAs, makeUser, makeWorkspace } from '../support/trpc';
import { startReceiver, until, type Receiver } from '../support/webhooks';

const saved = process.env.WEBHOOK_ALLOW_LOOPBACK;
process.env.WEBHOOK_ALLOW_LOOPBACK = 'true';
resetEnvCache();

let receiver: Receiver;
let worker: WorkerRuntime;
beforeAll(async () => {
  receiver = await startReceiver();
  worker = await startTestWorker();
});
afterAll(async () => {
  await worker.stop();
  await receiver.close();
  if (saved === undefined) delete process.env.WEBHOOK_ALLOW_LOOPBACK;
  else process.env.WEBHOOK_ALLOW_LOOPBACK = saved;
  resetEnvCache();
});
afterEach(async () => {
  await waitForJobsIdle();
});

const operationsAudit = () =>
  adminSql()<{ action: string; data: Record<string, unknown>; target_id: string | null }[]>`
    SELECT action, data, target_id FROM audit_log WHERE chain_id = ${OPERATIONS_CHAIN_ID} ORDER BY seq`;

async function deadDelivery(): Promise<string> {
  const user = await makeUser();
  const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
  const { caller } = await callerAs(user.id);
  receiver.respond(500);
  const { endpoint } = await caller.webhook.create({ workspaceSlug: ws.slug, url: receiver.url('/ops?key=secret-token'), eventTypes: ['task.created'] });
  const { deliveryId } = await caller.webhook.testFire({ workspaceSlug: ws.slug, endpointId: endpoint.id });
  await until(async () => (await superSql()<{ state: string }[]>`SELECT state FROM webhook_deliveries WHERE id = ${deliveryId}`)[0]?.state === 'dead', 'the delivery to die');
  return deliveryId;
}

describe('dead webhook deliveries (operators)', () => {
  it('lists and shows them without payload or full URL, retries one (one attempt, audited)', async () => {
    const id = await deadDelivery();
    const listed = await listDeadDeliveries(testDb());
    expect(listed.map((d) => d.id)).toContain(id);
    const detail = await showDelivery(testDb(), id);
    expect(detail).toMatchObject({ id, state: 'dead', eventType: 'webhook.test', host: `127.0.0.1:${receiver.port}`, attemptLog: [{ attemptNumber: 1, statusCode: 500 }] });
    expect(JSON.stringify(detail)).not.toContain('secret-token');

    receiver.respond(200);
    const before = receiver.requests.length;
    expect(await retryDeadDelivery(testDb(), id, { name: 'ops-test' })).toBe(true);
    await until(async () => (await showDelivery(testDb(), id))?.state === 'succeeded', 'the retried delivery');
    expect(receiver.requests.length).toBe(before + 1);
    // Not dead any more: nothing to retry.
    expect(await retryDeadDelivery(testDb(), id, { name: 'ops-test' })).toBe(false);
    const audit = await operationsAudit();
    expect(audit.at(-1)).toMatchObject({ action: 'webhooks.delivery_retried', target_id: id, data: { operator: 'ops-test', eventType: 'webhook.test' } });
  });

  it('purges dead deliveries (audited with the count)', async () => {
    const a = await deadDelivery();
    const b = await deadDelivery();
    // Not old enough for a 1-day purge.
    expect(await purgeDeadDeliveries(testDb(), { name: 'ops-test' }, { olderThanDays: 1 })).toBe(0);
    const purged = await purgeDeadDeliveries(testDb(), { name: 'ops-test' });
    expect(purged).toBeGreaterThanOrEqual(2);
    expect(await showDelivery(testDb(), a)).toBeNull();
    expect(await showDelivery(testDb(), b)).toBeNull();
    const [{ n } = { n: -1 }] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id IN (${a}, ${b})`;
    expect(n).toBe(0);
    expect((await operationsAudit()).at(-1)).toMatchObject({ action: 'webhooks.dead_deliveries_purged', data: { count: purged, operator: 'ops-test' } });
  });
});
