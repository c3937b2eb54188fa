/**
 * Managing a workspace's webhook endpoints (JOBS-3; docs/webhooks.md) — what the `webhook` router
 * calls, inside the workspace procedure's transaction (row-level security confines it to the
 * workspace). Create, update, rotate and delete are audited in the same transaction.
 *
 * Decisions:
 * - The signing secret is answered once (create, rotate) and stored only sealed (secret-box.ts).
 * - Rotation keeps the previous secret verifying for ROTATION_OVERLAP_MS: deliveries carry both
 *   signatures meanwhile, so a receiver can switch at its own pace.
 * - URLs are checked when saved (address-guard.ts) and again by every connection.
 * - Audit entries name the URL's host only: a path or query may carry a receiver's token.
 * - Re-enabling an endpoint clears its failing state; deliveries dropped while it was disabled
 *   stay dead (replay them one by one).
 */
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { WEBHOOK_ENDPOINTS_MAX, WEBHOOK_TEST_EVENT_TYPE, type WebhookEventType } from '@/lib/webhook-events';
import { recordAudit } from '@/server/audit/audit-service';
import type { Tx } from '@/server/db/client';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '@/server/db/schema';
import { AppError } from '@/server/platform/errors';
import { checkWebhookUrl } from './address-guard';
import { enqueueDelivery } from './webhook-queue';
import { testPayload } from './webhook-payload';
import { newSigningSecret, sealSecret } from './secret-box';

/** How long the secret before a rotation keeps verifying (both signatures are sent). */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;
/** Deliveries one page of the delivery log holds. */
export const DELIVERY_PAGE_SIZE = 25;

export interface WebhookScope {
  workspace: { id: string };
  actor: { id: string };
  ip: string | null;
  requestId: string | null;
}

type EndpointRow = typeof webhookEndpoints.$inferSelect;

export interface EndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
  /** enabled; disabled by an admin; disabled automatically because it kept failing. */
  status: 'enabled' | 'disabled' | 'disabled_failing';
  failingSince: Date | null;
  disabledAt: Date | null;
  /** Until when the secret before the last rotation still verifies (null: none). */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

function view(row: EndpointRow, now = new Date()): EndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes as WebhookEventType[],
    enabled: row.enabled,
    status: row.enabled ? 'enabled' : row.disabledReason === 'failing' ? 'disabled_failing' : 'disabled',
    failingSince: row.failingSince,
    disabledAt: row.disabledAt,
    previousSecretExpiresAt: row.previousSecretExpiresAt && row.previousSecretExpiresAt > now ? row.previousSecretExpiresAt : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const hostOf = (url: string) => new URL(url).host;

async function audit(tx: Tx, scope: WebhookScope, action: 'webhook.created' | 'webhook.updated' | 'webhook.rotated' | 'webhook.deleted', endpointId: string, data: Record<string, unknown>) {
  await recordAudit(tx, {
    workspaceId: scope.workspace.id,
    actorId: scope.actor.id,
    action,
    target: { type: 'webhook_endpoint', id: endpointId },
    data,
    ip: scope.ip,
    requestId: scope.requestId,
  });
}

async function findEndpoint(tx: Tx, workspaceId: string, endpointId: string, lock = false): Promise<EndpointRow> {
  const query = tx
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.workspaceId, workspaceId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new AppError('NOT_FOUND', 'webhook.notFound');
  return row;
}

export async function listEndpoints(tx: Tx, workspaceId: string): Promise<EndpointView[]> {
  const rows = await tx
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.workspaceId, workspaceId))
    .orderBy(desc(webhookEndpoints.createdAt))
    .limit(WEBHOOK_ENDPOINTS_MAX);
  return rows.map((r) => view(r));
}

export interface EndpointInput {
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
}

/** Creates an endpoint; answers it and its signing secret (shown once, never again). */
export async function createEndpoint(tx: Tx, scope: WebhookScope, input: EndpointInput): Promise<{ endpoint: EndpointView; secret: string }> {
  const url = await checkWebhookUrl(input.url);
  const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.workspaceId, scope.workspace.id));
  if (n >= WEBHOOK_ENDPOINTS_MAX) throw new AppError('CONFLICT', 'webhook.tooMany', { params: { max: WEBHOOK_ENDPOINTS_MAX } });
  const id = randomUUID();
  const secret = newSigningSecret();
  const [row] = await tx
    .insert(webhookEndpoints)
    .values({
      id,
      workspaceId: scope.workspace.id,
      url,
      description: input.description,
      eventTypes: [...new Set(input.eventTypes)],
      enabled: input.enabled,
      secretEncrypted: sealSecret(secret, id),
      createdBy: scope.actor.id,
    })
    .returning();
  if (!row) throw new Error('webhook_endpoints insert returned no row');
  await audit(tx, scope, 'webhook.created', id, { host: hostOf(url), eventTypes: row.eventTypes, enabled: row.enabled });
  return { endpoint: view(row), secret };
}

export interface EndpointPatch {
  endpointId: string;
  url?: string;
  description?: string;
  eventTypes?: WebhookEventType[];
  enabled?: boolean;
}

export async function updateEndpoint(tx: Tx, scope: WebhookScope, patch: EndpointPatch): Promise<EndpointView> {
  const current = await findEndpoint(tx, scope.workspace.id, patch.endpointId, true);
  const url = patch.url !== undefined && patch.url !== current.url ? await checkWebhookUrl(patch.url) : current.url;
  const now = new Date();
  const values: Partial<typeof webhookEndpoints.$inferInsert> = { url, updatedAt: now };
  const changed: string[] = [];
  if (url !== current.url) changed.push('url');
  if (patch.description !== undefined && patch.description !== current.description) {
    values.description = patch.description;
    changed.push('description');
  }
  if (patch.eventTypes !== undefined) {
    const types = [...new Set(patch.eventTypes)];
    if (types.join() !== current.eventTypes.join()) changed.push('eventTypes');
    values.eventTypes = types;
  }
  if (patch.enabled !== undefined && patch.enabled !== current.enabled) {
    values.enabled = patch.enabled;
    changed.push('enabled');
    if (patch.enabled) Object.assign(values, { disabledAt: null, disabledReason: null, failingSince: null });
    else Object.assign(values, { disabledAt: now, disabledReason: 'admin' });
  }
  const [row] = await tx.update(webhookEndpoints).set(values).where(eq(webhookEndpoints.id, current.id)).returning();
  if (!row) throw new AppError('NOT_FOUND', 'webhook.notFound');
  if (changed.length > 0) {
    await audit(tx, scope, 'webhook.updated', row.id, { host: hostOf(row.url), changed, ...(changed.includes('enabled') ? { enabled: row.enabled } : {}) });
  }
  return view(row);
}

export async function deleteEndpoint(tx: Tx, scope: WebhookScope, endpointId: string): Promise<void> {
  const current = await findEndpoint(tx, scope.workspace.id, endpointId, true);
  await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, current.id));
  await audit(tx, scope, 'webhook.deleted', current.id, { host: hostOf(current.url) });
}

/** A new signing secret (answered once); the current one keeps verifying for ROTATION_OVERLAP_MS. */
export async function rotateSecret(tx: Tx, scope: WebhookScope, endpointId: string): Promise<{ endpoint: EndpointView; secret: string }> {
  const current = await findEndpoint(tx, scope.workspace.id, endpointId, true);
  const secret = newSigningSecret();
  const now = new Date();
  const previousUntil = new Date(now.getTime() + ROTATION_OVERLAP_MS);
  const [row] = await tx
    .update(webhookEndpoints)
    .set({ secretEncrypted: sealSecret(secret, current.id), previousSecretEncrypted: current.secretEncrypted, previousSecretExpiresAt: previousUntil, updatedAt: now })
    .where(eq(webhookEndpoints.id, current.id))
    .returning();
  if (!row) throw new AppError('NOT_FOUND', 'webhook.notFound');
  await audit(tx, scope, 'webhook.rotated', row.id, { host: hostOf(row.url), previousSecretExpiresAt: previousUntil.toISOString() });
  return { endpoint: view(row, now), secret };
}

/** Sends a `webhook.test` delivery (one attempt) to the endpoint, even a disabled one; answers its id. */
export async function testFire(tx: Tx, scope: WebhookScope, endpointId: string): Promise<{ deliveryId: string }> {
  const endpoint = await findEndpoint(tx, scope.workspace.id, endpointId);
  const [delivery] = await tx
    .insert(webhookDeliveries)
    .values({
      workspaceId: scope.workspace.id,
      endpointId: endpoint.id,
      eventId: null,
      eventType: WEBHOOK_TEST_EVENT_TYPE,
      payload: testPayload(scope.workspace.id, endpoint.id, scope.actor.id) as unknown as Record<string, unknown>,
      nextAttemptAt: new Date(),
    })
    .returning({ id: webhookDeliveries.id });
  if (!delivery) throw new Error('webhook_deliveries insert returned no row');
  await enqueueDelivery(tx, delivery.id);
  return { deliveryId: delivery.id };
}

/** Delivers `deliveryId` once more (one attempt outside its schedule). */
export async function replayDelivery(tx: Tx, scope: WebhookScope, deliveryId: string): Promise<void> {
  const [delivery] = await tx
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.workspaceId, scope.workspace.id)));
  if (!delivery) throw new AppError('NOT_FOUND', 'webhook.deliveryNotFound');
  await enqueueDelivery(tx, delivery.id, { replay: true });
}

export interface AttemptView {
  attemptNumber: number;
  replay: boolean;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  errorKind: string | null;
  createdAt: Date;
}

export interface DeliveryView {
  id: string;
  eventType: string;
  eventId: number | null;
  state: 'pending' | 'succeeded' | 'dead';
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  createdAt: Date;
  attemptLog: AttemptView[];
}

/** `<created at ISO>~<id>` of the last delivery of the previous page. */
export const DELIVERY_CURSOR_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z~[0-9a-f-]{36}$/;

/** An endpoint's deliveries, newest first, with their attempts (cursor-paginated, API-4). */
export async function listDeliveries(
  tx: Tx,
  workspaceId: string,
  input: { endpointId: string; cursor?: string; limit?: number },
): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
  await findEndpoint(tx, workspaceId, input.endpointId);
  const limit = Math.min(Math.max(input.limit ?? DELIVERY_PAGE_SIZE, 1), DELIVERY_PAGE_SIZE);
  let after = undefined;
  if (input.cursor) {
    const [iso = '', id = ''] = input.cursor.split('~');
    // Compared at the cursor's precision (milliseconds; the column keeps microseconds).
    after = sql`(date_trunc('milliseconds', ${webhookDeliveries.createdAt}), ${webhookDeliveries.id}) < (${iso}::timestamptz, ${id}::uuid)`;
  }
  const rows = await tx
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, input.endpointId), eq(webhookDeliveries.workspaceId, workspaceId), after))
    .orderBy(desc(sql`date_trunc('milliseconds', ${webhookDeliveries.createdAt})`), desc(webhookDeliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const attempts = page.length
    ? await tx
        .select()
        .from(webhookAttempts)
        .where(inArray(
          webhookAttempts.deliveryId,
          page.map((d) => d.id),
        ))
        .orderBy(desc(webhookAttempts.attemptNumber))
    : [];
  const items = page.map((d) => ({
    id: d.id,
    eventType: d.eventType,
    eventId: d.eventId,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt : null,
    lastStatusCode: d.lastStatusCode,
    createdAt: d.createdAt,
    attemptLog: attempts
      .filter((a) => a.deliveryId === d.id)
      .map((a) => ({
        attemptNumber: a.attemptNumber,
        replay: a.replay,
        statusCode: a.statusCode,
        latencyMs: a.latencyMs,
        responseExcerpt: a.responseExcerpt,
        errorKind: a.errorKind,
        createdAt: a.createdAt,
      })),
  }));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? `${last.createdAt.toISOString()}~${last.id}` : null };
}
