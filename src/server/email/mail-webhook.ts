/**
 * Bounces and complaints from the mail provider (JOBS-4): `POST /api/webhooks/email`
 * (src/app/api/webhooks/email/route.ts), server to server. Documented in docs/email.md.
 *
 *   { "type": "bounce" | "complaint", "email": "rita@example.com", "permanent": true, "reason": "550 5.1.1 user unknown" }
 *
 * Authenticated by a Standard Webhooks signature (headers `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA-256>`; the timestamp within 5 minutes) under
 * MAIL_WEBHOOK_SECRET (`whsec_…`). Without the secret the endpoint does not exist (404).
 *
 * A complaint, and a bounce the provider calls permanent, put the address on the suppression list
 * (./suppression.ts); a transient bounce is acknowledged and changes nothing. Answers: 200
 * `{ ok, suppressed }`; 401 bad or missing signature; 400 a body that is not such an event; 413 a
 * body over the edge's limit — each `{ error: { message, appCode, httpStatus, requestId } }`.
 * Logs carry the event's type and outcome, never the address.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { translator } from '@/i18n/messages';
import type { DbOrTx } from '@/server/db/client';
import { DEFAULT_BODY_LIMIT } from '@/server/platform/edge';
import { env } from '@/server/platform/env';
import { logger } from '@/server/platform/logger';
import { suppressAddress } from './suppression';

export const mailEventSchema = z.object({
  type: z.enum(['bounce', 'complaint']),
  email: z.string().trim().max(320).email(),
  /** Bounces: whether the provider gave up on the address (hard bounce). Complaints always suppress. */
  permanent: z.boolean().default(false),
  reason: z.string().max(1000).optional(),
});

export type MailEvent = z.infer<typeof mailEventSchema>;

export interface WebhookAnswer {
  status: 200 | 400 | 401 | 404 | 413;
  body: Record<string, unknown>;
}

type Refusal = { status: 400 | 401 | 404 | 413; appCode: string; key: 'mailWebhook.signature' | 'mailWebhook.payload' | 'generic.notFound' | 'generic.tooLarge' };

function refuse({ status, appCode, key }: Refusal, requestId: string): WebhookAnswer {
  return { status, body: { error: { message: translator('en')(`errors.${key}`), appCode, httpStatus: status, requestId } } };
}

let verifier: { secret: string; webhook: Webhook } | undefined;

/** Handles one delivery: the raw body and the request's headers. */
export async function handleMailWebhook(
  database: DbOrTx,
  request: { body: string; header(name: string): string | null },
  requestId: string,
): Promise<WebhookAnswer> {
  const secret = env().MAIL_WEBHOOK_SECRET;
  if (!secret) return refuse({ status: 404, appCode: 'NOT_FOUND', key: 'generic.notFound' }, requestId);
  if (Buffer.byteLength(request.body) > DEFAULT_BODY_LIMIT) return refuse({ status: 413, appCode: 'PAYLOAD_TOO_LARGE', key: 'generic.tooLarge' }, requestId);

  if (verifier?.secret !== secret) verifier = { secret, webhook: new Webhook(secret) };
  const headers = {
    'webhook-id': request.header('webhook-id') ?? '',
    'webhook-timestamp': request.header('webhook-timestamp') ?? '',
    'webhook-signature': request.header('webhook-signature') ?? '',
  };
  try {
    verifier.webhook.verify(request.body, headers, { jsonParse: false });
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    logger.warn({ requestId, err: error.message }, 'mail webhook refused: bad signature');
    return refuse({ status: 401, appCode: 'UNAUTHORIZED', key: 'mailWebhook.signature' }, requestId);
  }

  let json: unknown;
  try {
    json = JSON.parse(request.body);
  } catch {
    json = undefined;
  }
  const parsed = mailEventSchema.safeParse(json);
  if (!parsed.success) {
    logger.warn({ requestId, webhookId: headers['webhook-id'] }, 'mail webhook refused: not a mail event');
    return refuse({ status: 400, appCode: 'BAD_REQUEST', key: 'mailWebhook.payload' }, requestId);
  }

  const event = parsed.data;
  const suppress = event.type === 'complaint' || event.permanent;
  if (suppress) await suppressAddress(database, event.email, { reason: event.type, source: 'webhook', detail: event.reason });
  logger.info({ requestId, webhookId: headers['webhook-id'], type: event.type, permanent: event.permanent, suppressed: suppress }, 'mail webhook event');
  return { status: 200, body: { ok: true, suppressed: suppress } };
}
