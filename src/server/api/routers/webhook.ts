/**
 * Outbound webhooks (JOBS-3; docs/webhooks.md): the workspace's admins manage endpoints, see the
 * delivery log and replay deliveries. Every procedure needs `webhook:manage` and the plan feature
 * `webhooks` (src/server/billing/entitlements.ts); the service (src/server/webhooks) does the work.
 */
import { z } from 'zod';
import type { Permission } from '@/lib/permissions';
import { WEBHOOK_DESCRIPTION_MAX, WEBHOOK_EVENT_TYPES, WEBHOOK_URL_MAX } from '@/lib/webhook-events';
import { requireFeature } from '@/server/billing/entitlements';
import { text } from '@/server/platform/input';
import { isoTimestamp, toWire } from '@/server/platform/wire';
import {
  createEndpoint,
  DELIVERY_CURSOR_PATTERN,
  DELIVERY_PAGE_SIZE,
  deleteEndpoint,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  rotateSecret,
  testFire,
  updateEndpoint,
  type WebhookScope,
} from '@/server/webhooks/webhook-service';
import { toTRPCError } from '../errors';
import { router, workspaceProcedure } from '../trpc';

/** A workspace procedure that also needs the plan's `webhooks` feature (a typed, localised FORBIDDEN otherwise). */
function webhookProcedure(permission: Permission) {
  return workspaceProcedure(permission).use(async ({ ctx, next }) => {
    try {
      await requireFeature(ctx.db, ctx.workspace.id, 'webhooks');
    } catch (error) {
      throw toTRPCError(error);
    }
    return next();
  });
}

const eventTypes = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length);
const url = text().trim().min(1).max(WEBHOOK_URL_MAX);
const description = text().trim().max(WEBHOOK_DESCRIPTION_MAX);
const endpointId = z.string().uuid();

const endpointOutput = z.object({
  id: z.string().uuid(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  enabled: z.boolean(),
  status: z.enum(['enabled', 'disabled', 'disabled_failing']),
  failingSince: isoTimestamp.nullable(),
  disabledAt: isoTimestamp.nullable(),
  previousSecretExpiresAt: isoTimestamp.nullable(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});

const withSecret = z.object({ endpoint: endpointOutput, secret: z.string() });

const attemptOutput = z.object({
  attemptNumber: z.number().int(),
  replay: z.boolean(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  responseExcerpt: z.string().nullable(),
  errorKind: z.string().nullable(),
  createdAt: isoTimestamp,
});

const deliveryOutput = z.object({
  id: z.string().uuid(),
  eventType: z.string(),
  eventId: z.number().int().nullable(),
  state: z.enum(['pending', 'succeeded', 'dead']),
  attempts: z.number().int(),
  nextAttemptAt: isoTimestamp.nullable(),
  lastStatusCode: z.number().int().nullable(),
  createdAt: isoTimestamp,
  attemptLog: z.array(attemptOutput),
});

interface Ctx {
  workspace: { id: string };
  user: { id: string };
  ip: string | null;
  requestId: string;
}

const scopeOf = (ctx: Ctx): WebhookScope => ({ workspace: ctx.workspace, actor: { id: ctx.user.id }, ip: ctx.ip, requestId: ctx.requestId });

const ok = z.object({ ok: z.literal(true) });

export const webhookRouter = router({
  /** The workspace's endpoints (no secrets), newest first. */
  list: webhookProcedure('webhook:manage')
    .output(z.array(endpointOutput))
    .query(async ({ ctx }) => toWire(await listEndpoints(ctx.db, ctx.workspace.id))),

  /** Adds an endpoint; the answer carries its signing secret, shown this once. */
  create: webhookProcedure('webhook:manage')
    .input(z.object({ url, description: description.default(''), eventTypes, enabled: z.boolean().default(true) }))
    .output(withSecret)
    .mutation(async ({ ctx, input }) => {
      const result = await createEndpoint(ctx.db, scopeOf(ctx), input);
      ctx.log.info({ endpointId: result.endpoint.id }, 'webhook.created');
      return toWire(result);
    }),

  update: webhookProcedure('webhook:manage')
    .input(z.object({ endpointId, url: url.optional(), description: description.optional(), eventTypes: eventTypes.optional(), enabled: z.boolean().optional() }))
    .output(endpointOutput)
    .mutation(async ({ ctx, input }) => toWire(await updateEndpoint(ctx.db, scopeOf(ctx), input))),

  delete: webhookProcedure('webhook:manage')
    .input(z.object({ endpointId }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await deleteEndpoint(ctx.db, scopeOf(ctx), input.endpointId);
      return { ok: true as const };
    }),

  /** A new secret (shown once); the previous one keeps verifying for 24 hours. */
  rotateSecret: webhookProcedure('webhook:manage')
    .input(z.object({ endpointId }))
    .output(withSecret)
    .mutation(async ({ ctx, input }) => toWire(await rotateSecret(ctx.db, scopeOf(ctx), input.endpointId))),

  /** Sends a `webhook.test` event to the endpoint now (one attempt; see the delivery log). */
  testFire: webhookProcedure('webhook:manage')
    .input(z.object({ endpointId }))
    .output(z.object({ deliveryId: z.string().uuid() }))
    .mutation(async ({ ctx, input }) => testFire(ctx.db, scopeOf(ctx), input.endpointId)),

  /** An endpoint's deliveries with their attempts, newest first (cursor-paginated). */
  deliveries: webhookProcedure('webhook:manage')
    .input(z.object({ endpointId, cursor: z.string().regex(DELIVERY_CURSOR_PATTERN).optional(), limit: z.number().int().min(1).max(DELIVERY_PAGE_SIZE).optional() }))
    .output(z.object({ items: z.array(deliveryOutput), nextCursor: z.string().nullable() }))
    .query(async ({ ctx, input }) => toWire(await listDeliveries(ctx.db, ctx.workspace.id, input))),

  /** Delivers one delivery once more (one attempt outside its retry schedule). */
  replay: webhookProcedure('webhook:manage')
    .input(z.object({ deliveryId: z.string().uuid() }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await replayDelivery(ctx.db, scopeOf(ctx), input.deliveryId);
      return { ok: true as const };
    }),
});
