/**
 * The `webhook.deliver` job (JOBS-3): its payload and how an attempt is queued. Apart from
 * webhook-delivery.ts (the handler, which pulls in the mail queue) so that the web process and the
 * CLI can queue attempts without loading delivery code.
 */
import type { DbOrTx } from '@/server/db/client';
import { enqueueJob } from '@/server/platform/jobs';

declare module '@/server/platform/jobs' {
  interface JobPayloads {
    'webhook.deliver': { deliveryId: string; replay?: boolean };
  }
}

/** Database failures around one attempt are retried this many times (the worker's backoff), then the reconciler. */
export const DELIVER_JOB_ATTEMPTS = 5;

/** Enqueues the next attempt of `deliveryId` in `tx` (one waiting job per delivery and kind). */
export async function enqueueDelivery(tx: DbOrTx, deliveryId: string, options: { runAt?: Date; replay?: boolean } = {}): Promise<void> {
  await enqueueJob(tx, 'webhook.deliver', options.replay ? { deliveryId, replay: true } : { deliveryId }, {
    jobKey: `webhook.${options.replay ? 'replay' : 'deliver'}:${deliveryId}`,
    runAt: options.runAt,
    maxAttempts: DELIVER_JOB_ATTEMPTS,
  });
}
