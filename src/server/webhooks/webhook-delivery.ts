/**
 * Delivering webhooks (JOBS-3; docs/webhooks.md).
 *
 *   outbox event ──(consumer `webhooks`, in the relay's transaction)──▶ one `webhook_deliveries` row
 *   per enabled endpoint subscribed to its type + a `webhook.deliver` job ──▶ one attempt per job.
 *
 * Each attempt is its own job. The task keeps its own published schedule (retrySchedule(), env
 * WEBHOOK_RETRY_SCHEDULE_SECONDS) rather than the worker's generic backoff: a failed attempt records
 * itself and enqueues the next one with `runAt`; after the last one the delivery is `dead`. The
 * handler throws only when the database fails (then the worker's own retry runs the same attempt
 * again; receivers dedupe on `webhook-id`, the delivery id, the same on every attempt).
 *
 * A replay (admin or operator) is one extra attempt outside the schedule: it never schedules more,
 * and only a success changes the delivery's state. A test-fire is a delivery of its own with one
 * attempt.
 *
 * An endpoint whose attempts failed without a success for WEBHOOK_DISABLE_AFTER_HOURS is disabled
 * (`disabled_reason = 'failing'`) in the transaction that records the failing attempt; its
 * workspace's owners and admins are mailed and the workspace audit log says so.
 *
 * The reconciler (`webhooks`, run by jobs.reconcile) re-queues pending deliveries past their next
 * attempt time that have no job (a worker killed between claiming and recording an attempt).
 */
import { and, arrayContains, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import { isWebhookEventType } from '@/lib/webhook-events';
import { recordAudit } from '@/server/audit/audit-service';
import type { Database, Tx } from '@/server/db/client';
import { users, webhookAttempts, webhookDeliveries, webhookEndpoints, workspaceMembers, workspaces } from '@/server/db/schema';
import { withSystem } from '@/server/db/tenant';
import { queueMail } from '@/server/email/mail-queue';
import type { OutboxConsumer } from '@/server/outbox/outbox-consumers';
import { env } from '@/server/platform/env';
import { defineTask } from '@/server/platform/jobs';
import { renderEndpointDisabledMail } from './endpoint-disabled-mail';
import { payloadOf } from './webhook-payload';
import { sendWebhook, type SendResult } from './webhook-sender';
import { openSecret } from './secret-box';
import { DELIVER_JOB_ATTEMPTS, enqueueDelivery } from './webhook-queue';

export { enqueueDelivery } from './webhook-queue';

/** The default schedule (seconds between attempts): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;

/** Seconds to wait after each failed scheduled attempt; a delivery gets `length + 1` attempts. */
export function retrySchedule(): number[] {
  return env()
    .WEBHOOK_RETRY_SCHEDULE_SECONDS.split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n >= 0);
}

/**
 * The `webhook-signature` value: one `v1,<base64>` per secret (the current one first, then the one
 * before a rotation while it still verifies), space-separated as Standard Webhooks specifies.
 */
export function signatureHeader(messageId: string, timestamp: Date, body: string, secrets: readonly string[]): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(' ');
}

/** The outbox consumer: a delivery (and its job) per subscribed endpoint, in the relay's transaction. */
export const webhookConsumer: OutboxConsumer = {
  name: 'webhooks',
  async handle(tx, event, log) {
    if (!isWebhookEventType(event.type)) return;
    const endpoints = await tx
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.workspaceId, event.workspaceId), eq(webhookEndpoints.enabled, true), arrayContains(webhookEndpoints.eventTypes, [event.type])));
    if (endpoints.length === 0) return;
    const payload = payloadOf(event, event.type);
    const created = await tx
      .insert(webhookDeliveries)
      .values(endpoints.map((e) => ({ workspaceId: event.workspaceId, endpointId: e.id, eventId: event.id, eventType: event.type, payload: payload as unknown as Record<string, unknown>, nextAttemptAt: new Date() })))
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    for (const delivery of created) await enqueueDelivery(tx, delivery.id);
    log.debug({ deliveries: created.length }, 'webhook deliveries created');
  },
};

type Claimed = {
  delivery: typeof webhookDeliveries.$inferSelect;
  endpoint: typeof webhookEndpoints.$inferSelect;
};

/** The secrets a delivery is signed with now: the current one, and the previous one until it expires. */
export function signingSecrets(endpoint: typeof webhookEndpoints.$inferSelect, now = new Date()): string[] {
  const secrets = [openSecret(endpoint.secretEncrypted, endpoint.id)];
  if (endpoint.previousSecretEncrypted && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(openSecret(endpoint.previousSecretEncrypted, endpoint.id));
  }
  return secrets;
}

/** Runs one attempt of `deliveryId` (the `webhook.deliver` job). */
export async function deliverOnce(database: Database, deliveryId: string, replay: boolean, log: Logger): Promise<SendResult | null> {
  const claimed = await withSystem(database, null, async (tx): Promise<Claimed | null> => {
    const [row] = await tx
      .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, deliveryId))
      .for('update', { of: webhookDeliveries });
    if (!row) return null;
    if (replay) return row;
    if (row.delivery.state !== 'pending') return null;
    // An event's delivery waits for a disabled endpoint no longer (a test-fire is an explicit ask).
    if (!row.endpoint.enabled && row.delivery.eventId !== null) {
      await tx.update(webhookDeliveries).set({ state: 'dead', nextAttemptAt: null, updatedAt: new Date() }).where(eq(webhookDeliveries.id, deliveryId));
      log.info({ deliveryId, endpointId: row.endpoint.id }, 'webhook delivery dropped: endpoint disabled');
      return null;
    }
    // The lease: the reconciler leaves the delivery alone while this attempt may still be running.
    const lease = new Date(Date.now() + env().WEBHOOK_TIMEOUT_MS + 60_000);
    await tx.update(webhookDeliveries).set({ nextAttemptAt: lease }).where(eq(webhookDeliveries.id, deliveryId));
    return row;
  });
  if (!claimed) return null;
  const { delivery, endpoint } = claimed;

  const body = JSON.stringify(delivery.payload);
  const timestamp = new Date();
  const result = await sendWebhook({
    url: endpoint.url,
    body,
    timeoutMs: env().WEBHOOK_TIMEOUT_MS,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Kanso-Webhooks/1.0',
      'webhook-id': delivery.id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signatureHeader(delivery.id, timestamp, body, signingSecrets(endpoint, timestamp)),
    },
  });

  await withSystem(database, delivery.workspaceId, (tx) => recordAttempt(tx, delivery.id, replay, result, log));
  log.info(
    { deliveryId, endpointId: endpoint.id, eventType: delivery.eventType, statusCode: result.statusCode, errorKind: result.errorKind, latencyMs: result.latencyMs, replay },
    result.ok ? 'webhook delivered' : 'webhook attempt failed',
  );
  return result;
}

/** Records an attempt and decides what follows it (success, the next scheduled attempt, dead). */
async function recordAttempt(tx: Tx, deliveryId: string, replay: boolean, result: SendResult, log: Logger): Promise<void> {
  const [delivery] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).for('update');
  // Deleted with its endpoint meanwhile.
  if (!delivery) return;
  const now = new Date();
  await tx.insert(webhookAttempts).values({
    workspaceId: delivery.workspaceId,
    deliveryId,
    attemptNumber: delivery.attempts + 1,
    replay,
    statusCode: result.statusCode,
    latencyMs: result.latencyMs,
    responseExcerpt: result.responseExcerpt,
    errorKind: result.errorKind,
    createdAt: now,
  });
  const common = { attempts: delivery.attempts + 1, lastStatusCode: result.statusCode, updatedAt: now };

  if (result.ok) {
    await tx.update(webhookDeliveries).set({ ...common, state: 'succeeded', nextAttemptAt: null }).where(eq(webhookDeliveries.id, deliveryId));
    await tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, delivery.endpointId));
    return;
  }

  if (replay || delivery.state !== 'pending') {
    // A replay's failure changes nothing but the log (a pending delivery keeps its schedule).
    await tx.update(webhookDeliveries).set(common).where(eq(webhookDeliveries.id, deliveryId));
  } else {
    const [{ scheduled } = { scheduled: 0 }] = await tx
      .select({ scheduled: sql<number>`count(*)::int` })
      .from(webhookAttempts)
      .where(and(eq(webhookAttempts.deliveryId, deliveryId), eq(webhookAttempts.replay, false)));
    const schedule = retrySchedule();
    const wait = delivery.eventId === null ? undefined : schedule[scheduled - 1];
    if (wait === undefined) {
      await tx.update(webhookDeliveries).set({ ...common, state: 'dead', nextAttemptAt: null }).where(eq(webhookDeliveries.id, deliveryId));
      log.warn({ deliveryId, attempts: common.attempts }, 'webhook delivery dead after its last attempt');
    } else {
      const runAt = new Date(now.getTime() + wait * 1000);
      await tx.update(webhookDeliveries).set({ ...common, nextAttemptAt: runAt }).where(eq(webhookDeliveries.id, deliveryId));
      await enqueueDelivery(tx, deliveryId, { runAt });
    }
  }
  await noteFailure(tx, delivery.endpointId, now, log);
}

/** Marks the endpoint failing (since the first failure after a success); disables it past the limit. */
async function noteFailure(tx: Tx, endpointId: string, now: Date, log: Logger): Promise<void> {
  const [endpoint] = await tx
    .update(webhookEndpoints)
    .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.toISOString()}::timestamptz)` })
    .where(eq(webhookEndpoints.id, endpointId))
    .returning();
  if (!endpoint?.failingSince || !endpoint.enabled) return;
  const hours = env().WEBHOOK_DISABLE_AFTER_HOURS;
  if (now.getTime() - endpoint.failingSince.getTime() < hours * 3_600_000) return;
  await tx
    .update(webhookEndpoints)
    .set({ enabled: false, disabledAt: now, disabledReason: 'failing', updatedAt: now })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)));
  await recordAudit(tx, {
    workspaceId: endpoint.workspaceId,
    actorId: null,
    action: 'webhook.disabled',
    target: { type: 'webhook_endpoint', id: endpoint.id },
    data: { reason: 'failing', failingSince: endpoint.failingSince.toISOString() },
  });
  const mailed = await mailAdmins(tx, endpoint, hours);
  log.warn({ endpointId, workspaceId: endpoint.workspaceId, mailed }, 'webhook endpoint disabled: failing');
}

/** Queues the "endpoint disabled" mail to each owner and admin of the endpoint's workspace; answers how many. */
async function mailAdmins(tx: Tx, endpoint: typeof webhookEndpoints.$inferSelect, hours: number): Promise<number> {
  const [workspace] = await tx.select({ name: workspaces.name, slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, endpoint.workspaceId));
  if (!workspace) return 0;
  const admins = await tx
    .select({ email: users.email, locale: users.locale })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(and(eq(workspaceMembers.workspaceId, endpoint.workspaceId), inArray(workspaceMembers.role, ['owner', 'admin'])));
  const host = new URL(endpoint.url).host;
  for (const admin of admins) {
    const message = renderEndpointDisabledMail({
      locale: admin.locale,
      workspaceName: workspace.name,
      endpointHost: host,
      hours,
      url: `${env().APP_URL}/${admin.locale}/w/${workspace.slug}/settings/webhooks`,
    });
    await queueMail(tx, { kind: 'webhook_endpoint_disabled', message: { to: admin.email, ...message } });
  }
  return admins.length;
}

export const deliverWebhookTask = defineTask({
  name: 'webhook.deliver',
  maxAttempts: DELIVER_JOB_ATTEMPTS,
  async handle({ deliveryId, replay }, ctx) {
    await deliverOnce(ctx.db, deliveryId, replay === true, ctx.log);
  },
});

/**
 * Re-queues pending deliveries whose next attempt is past due by a minute and that have no job
 * (waiting or running); answers how many (the `webhooks` reconciler of jobs.reconcile).
 */
export async function requeueStuckDeliveries(database: Database, log: Logger): Promise<number> {
  return withSystem(database, null, async (tx) => {
    const stuck = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.state, 'pending'),
          lt(webhookDeliveries.nextAttemptAt, new Date(Date.now() - 60_000)),
          sql`NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.key = 'webhook.deliver:' || ${webhookDeliveries.id}::text)`,
        ),
      )
      .limit(500);
    for (const row of stuck) {
      await enqueueDelivery(tx, row.id);
      await tx.update(webhookDeliveries).set({ nextAttemptAt: new Date() }).where(eq(webhookDeliveries.id, row.id));
    }
    if (stuck.length > 0) log.warn({ count: stuck.length }, 'webhook deliveries re-queued');
    return stuck.length;
  });
}
