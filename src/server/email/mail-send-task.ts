/**
 * The `mail.send` task (JOBS-4, ADR 0031; worker side of ./mail-queue.ts) and the mail reconciler.
 *
 * One attempt: the mail's row (gone or no longer `queued`: nothing to do) → the suppression list
 * (listed: `suppressed`, never attempted) → the body (rendered from the catalog data, or the
 * caller's) → the transport (./mailer.ts, the sandbox applied). Then:
 *   - sent: `sent`, the body and data cleared (they hold links with tokens);
 *   - a permanent refusal (SMTP 5xx, e.g. 550): the address is suppressed (reason `smtp_5xx`), the
 *     mail `failed`, and the job completes — no retry;
 *   - anything else (connection refused, timeouts, 4xx): the failure is recorded and thrown, and
 *     the worker retries with backoff; the last attempt marks the mail `failed` but keeps its body,
 *     so an operator's replay of the dead letter (`npm run cli -- jobs:retry`) still sends it.
 *
 * The reconciler ('mail', run by `jobs.reconcile`) re-queues mails still `queued` ten minutes after
 * they were written with no job waiting for them (nor a dead letter of one).
 */
import { eq, sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { mailMessages } from '@/server/db/schema';
import { registerReconciler } from '@/server/jobs/reconcile-task';
import { env } from '@/server/platform/env';
import { claimEffect, defineTask, enqueueJob } from '@/server/platform/jobs';
import { MAIL_MAX_ATTEMPTS, mailJobKey } from './mail-queue';
import { MailTransportError, sandboxRedirects, sendMail } from './mailer';
import { isSuppressed, suppressAddress } from './suppression';
import { renderMail } from './templates';
import { isMailKind, type MailData } from './templates/catalog';

/** A mail queued longer than this with no job for it is re-queued by the reconciler. */
export const MAIL_STUCK_AFTER_MS = 10 * 60_000;

const finished = (state: 'sent' | 'failed' | 'suppressed') => ({ state, html: null, text: null, data: null, finishedAt: new Date() });

/** The error's name and SMTP code (never the address or the server's text, which may quote it). */
function describe(error: unknown): string {
  const cause = error instanceof MailTransportError ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = error instanceof MailTransportError ? error.responseCode : undefined;
  return `${error instanceof Error ? error.name : 'Error'}${code ? ` ${code}` : ''}${cause?.code ? ` ${String(cause.code)}` : ''}`;
}

export const sendMailTask = defineTask({
  name: 'mail.send',
  maxAttempts: MAIL_MAX_ATTEMPTS,
  async handle({ mailId }, ctx) {
    const [mail] = await ctx.db.select().from(mailMessages).where(eq(mailMessages.id, mailId));
    if (!mail) return;
    // `failed` with its body kept: retries ran out on transient failures and an operator replays it.
    const replay = mail.state === 'failed' && (mail.data !== null || mail.html !== null);
    if (mail.state !== 'queued' && !replay) return;
    const log = ctx.log.child({ mailId, mail: mail.kind });

    if (await isSuppressed(ctx.db, mail.to)) {
      await ctx.db.update(mailMessages).set(finished('suppressed')).where(eq(mailMessages.id, mailId));
      log.info('mail suppressed (the address is on the suppression list)');
      return;
    }

    const data = mail.data as (MailData[keyof MailData] & { locale?: string }) | null;
    let body: { subject: string; html: string; text: string };
    if (data && isMailKind(mail.kind)) body = await renderMail(mail.kind, data as never);
    else if (mail.html !== null && mail.text !== null) body = { subject: mail.subject, html: mail.html, text: mail.text };
    else {
      await ctx.db.update(mailMessages).set({ ...finished('failed'), lastError: 'no body' }).where(eq(mailMessages.id, mailId));
      log.error('mail has neither catalog data nor a body');
      return;
    }

    try {
      const result = await sendMail({ to: mail.to, ...body }, { locale: data?.locale });
      await ctx.db.transaction(async (tx) => {
        await claimEffect(tx, mailJobKey(mailId));
        await tx
          .update(mailMessages)
          .set({ ...finished('sent'), messageId: result.messageId, attempts: sql`${mailMessages.attempts} + 1`, lastError: null })
          .where(eq(mailMessages.id, mailId));
      });
    } catch (error) {
      const described = describe(error);
      if (error instanceof MailTransportError && error.permanent) {
        // The server will never take it: no retry. In the sandbox the refused address is the
        // sandbox's own, not the recipient's — nothing to suppress.
        await ctx.db.transaction(async (tx) => {
          if (!sandboxRedirects(env())) await suppressAddress(tx, mail.to, { reason: 'smtp_5xx', source: 'smtp', detail: String(error.responseCode) });
          await tx
            .update(mailMessages)
            .set({ ...finished('failed'), attempts: sql`${mailMessages.attempts} + 1`, lastError: described })
            .where(eq(mailMessages.id, mailId));
        });
        log.warn({ responseCode: error.responseCode }, 'mail refused permanently; address suppressed');
        return;
      }
      const last = ctx.attempt >= ctx.maxAttempts;
      await ctx.db
        .update(mailMessages)
        .set({ attempts: sql`${mailMessages.attempts} + 1`, lastError: described, ...(last ? { state: 'failed' as const, finishedAt: new Date() } : {}) })
        .where(eq(mailMessages.id, mailId));
      log.warn({ err: described, attempt: ctx.attempt, last }, 'mail delivery failed; retrying');
      throw new MailTransportError(`mail delivery failed: ${described}`);
    }
  },
});

/** Re-queues mails stuck `queued` (no job waiting, no dead letter) for `MAIL_STUCK_AFTER_MS`; answers how many. */
export async function requeueStuckMail(database: Database, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - MAIL_STUCK_AFTER_MS);
  return database.transaction(async (tx) => {
    const stuck = await tx.execute<{ id: string }>(sql`
      SELECT m.id::text FROM mail_messages m
       WHERE m.state = 'queued' AND m.created_at < ${before.toISOString()}::timestamptz
         AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.key = 'mail.send:' || m.id::text)
         AND NOT EXISTS (SELECT 1 FROM dead_jobs d WHERE d.job_key = 'mail.send:' || m.id::text)
       ORDER BY m.created_at
       LIMIT 500
         FOR UPDATE OF m SKIP LOCKED`);
    for (const { id } of stuck) {
      await enqueueJob(tx, 'mail.send', { mailId: id }, { jobKey: mailJobKey(id), maxAttempts: MAIL_MAX_ATTEMPTS, jobKeyMode: 'preserve_run_at' });
    }
    return stuck.length;
  });
}

registerReconciler('mail', (database) => requeueStuckMail(database));

