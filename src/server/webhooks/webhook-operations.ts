/**
 * Operators and dead webhook deliveries (JOBS-3, JOBS-5): `npm run cli -- webhooks:list|show|retry|purge`.
 * System scope (every workspace); each retry and purge is an entry in the operations audit chain.
 * Nothing here prints a payload or a full URL (only the receiver's host): they may hold tenant
 * content or a receiver's token.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { OPERATIONS_CHAIN_ID, recordAudit } from '@/server/audit/audit-service';
import type { Database } from '@/server/db/client';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '@/server/db/schema';
import { withSystem } from '@/server/db/tenant';
import type { Operator } from '@/server/jobs/dead-letters';
import { enqueueDelivery } from './webhook-queue';

export interface DeadDeliverySummary {
  id: string;
  workspaceId: string;
  endpointId: string;
  host: string;
  eventType: string;
  attempts: number;
  lastStatusCode: number | null;
  updatedAt: Date;
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
};

/** Dead deliveries, newest first (at most `limit`, ≤ 1000). */
export async function listDeadDeliveries(database: Database, options: { limit?: number } = {}): Promise<DeadDeliverySummary[]> {
  const rows = await withSystem(database, null, (tx) =>
    tx
      .select({ d: webhookDeliveries, url: webhookEndpoints.url })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.state, 'dead'))
      .orderBy(desc(webhookDeliveries.updatedAt))
      .limit(Math.min(options.limit ?? 50, 1000)),
  );
  return rows.map(({ d, url }) => ({
    id: d.id,
    workspaceId: d.workspaceId,
    endpointId: d.endpointId,
    host: hostOf(url),
    eventType: d.eventType,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    updatedAt: d.updatedAt,
  }));
}

export interface DeliveryDetail extends DeadDeliverySummary {
  state: string;
  eventId: number | null;
  createdAt: Date;
  attemptLog: Array<{ attemptNumber: number; replay: boolean; statusCode: number | null; latencyMs: number; errorKind: string | null; createdAt: Date }>;
}

/** One delivery (any state) with its attempts, or null. */
export async function showDelivery(database: Database, id: string): Promise<DeliveryDetail | null> {
  return withSystem(database, null, async (tx) => {
    const [row] = await tx
      .select({ d: webhookDeliveries, url: webhookEndpoints.url })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, id));
    if (!row) return null;
    const attempts = await tx.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id)).orderBy(webhookAttempts.attemptNumber);
    const { d, url } = row;
    return {
      id: d.id,
      workspaceId: d.workspaceId,
      endpointId: d.endpointId,
      host: hostOf(url),
      eventType: d.eventType,
      eventId: d.eventId,
      state: d.state,
      attempts: d.attempts,
      lastStatusCode: d.lastStatusCode,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      attemptLog: attempts.map((a) => ({ attemptNumber: a.attemptNumber, replay: a.replay, statusCode: a.statusCode, latencyMs: a.latencyMs, errorKind: a.errorKind, createdAt: a.createdAt })),
    };
  });
}

/** Delivers dead delivery `id` once more (one attempt, as a replay); false when it is not dead. Audited. */
export async function retryDeadDelivery(database: Database, id: string, operator: Operator): Promise<boolean> {
  return withSystem(database, null, async (tx) => {
    const [dead] = await tx
      .select({ id: webhookDeliveries.id, eventType: webhookDeliveries.eventType, workspaceId: webhookDeliveries.workspaceId })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.state, 'dead')))
      .for('update');
    if (!dead) return false;
    await enqueueDelivery(tx, dead.id, { replay: true });
    await recordAudit(tx, {
      workspaceId: null,
      actorId: null,
      chainId: OPERATIONS_CHAIN_ID,
      action: 'webhooks.delivery_retried',
      target: { type: 'webhook_delivery', id },
      data: { operator: operator.name, workspaceId: dead.workspaceId, eventType: dead.eventType },
    });
    return true;
  });
}

/** Deletes dead deliveries (and their attempts), all or those dead for `olderThanDays`; answers how many. Audited. */
export async function purgeDeadDeliveries(database: Database, operator: Operator, options: { olderThanDays?: number } = {}): Promise<number> {
  return withSystem(database, null, async (tx) => {
    const doomed = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.state, 'dead'),
          options.olderThanDays !== undefined ? sql`${webhookDeliveries.updatedAt} < now() - make_interval(days => ${options.olderThanDays})` : undefined,
        ),
      )
      .limit(10_000);
    if (doomed.length === 0) return 0;
    await tx.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, doomed.map((d) => d.id)));
    await recordAudit(tx, {
      workspaceId: null,
      actorId: null,
      chainId: OPERATIONS_CHAIN_ID,
      action: 'webhooks.dead_deliveries_purged',
      target: null,
      data: { count: doomed.length, olderThanDays: options.olderThanDays ?? null, operator: operator.name },
    });
    return doomed.length;
  });
}
