/**
 * Outbound webhooks (JOBS-3; docs/webhooks.md, src/server/webhooks/): a workspace's endpoints, one
 * delivery per (endpoint, outbox event), and every attempt made to deliver it.
 *
 * Tenant tables (row-level security in drizzle/0014_webhooks.sql): the workspace's admins manage them
 * through the `webhook` router; the worker reads and writes them in the system scope
 * (`app_is_system()` policies). Signing secrets are stored encrypted (AES-256-GCM, key derived from
 * AUTH_SECRET; src/server/webhooks/secret-box.ts), never in clear.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { workspaces } from './workspaces';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const workspaceId = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

export const WEBHOOK_DELIVERY_STATES = ['pending', 'succeeded', 'dead'] as const;
export const WEBHOOK_ERROR_KINDS = ['http_status', 'redirect', 'timeout', 'blocked_address', 'connection', 'endpoint_disabled'] as const;

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Public event types (src/lib/webhook-events.ts) this endpoint receives. */
    eventTypes: text('event_types').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** `whsec_…`, encrypted (secret-box.ts): `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
    secretEncrypted: text('secret_encrypted').notNull(),
    /** The secret before the last rotation: deliveries are signed with it too until it expires. */
    previousSecretEncrypted: text('previous_secret_encrypted'),
    previousSecretExpiresAt: at('previous_secret_expires_at'),
    /** First failed attempt since the last success (null: healthy). */
    failingSince: at('failing_since'),
    disabledAt: at('disabled_at'),
    /** Why it was disabled: 'failing' (automatically, after WEBHOOK_DISABLE_AFTER_HOURS). */
    disabledReason: text('disabled_reason'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_endpoints_workspace_idx').on(t.workspaceId, t.createdAt)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** Also the `webhook-id` header: the receiver's idempotency key, the same on every retry. */
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The outbox event it tells about; null for a test-fire. No foreign key: events are pruned. */
    eventId: bigint('event_id', { mode: 'number' }),
    eventType: text('event_type').notNull(),
    /** The versioned public payload `{ type, version, timestamp, data }` (sent as is). */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    state: text('state', { enum: WEBHOOK_DELIVERY_STATES }).notNull().default('pending'),
    /** Attempts made (scheduled and replays). */
    attempts: integer('attempts').notNull().default(0),
    /** When the next scheduled attempt is due (pending only); the reconciler re-queues past it. */
    nextAttemptAt: at('next_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    unique('webhook_deliveries_endpoint_event_key').on(t.endpointId, t.eventId),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
    index('webhook_deliveries_state_idx').on(t.state, t.nextAttemptAt),
    check('webhook_deliveries_state_check', sql`${t.state} in ('pending', 'succeeded', 'dead')`),
  ],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceId(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    /** 1 for the first attempt of the delivery, counting replays. */
    attemptNumber: integer('attempt_number').notNull(),
    /** An operator's or admin's replay (outside the retry schedule). */
    replay: boolean('replay').notNull().default(false),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    /** The first 1 KB of the response body (never the request). */
    responseExcerpt: text('response_excerpt'),
    /** null: 2xx. */
    errorKind: text('error_kind', { enum: WEBHOOK_ERROR_KINDS }),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attemptNumber)],
);
