/**
 * Queued mail (JOBS-4): every mail is a row of `mail_messages` plus a `mail.send` job, both written
 * in the caller's transaction — a crash after COMMIT loses no mail, a rolled-back change sends none,
 * and a failed SMTP send is retried by the worker (backoff and jitter, then a dead letter).
 *
 *   await queueMail(tx, { kind: 'invitation', message: { to, subject, html, text } });
 *
 * Outside a transaction pass `db()`: the row and its job are then one statement's transaction each
 * (queueMail opens one of its own so they still commit together).
 */
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/server/db/client';
import { mailMessages } from '@/server/db/schema';
import { claimEffect, defineTask, enqueueJob } from '@/server/platform/jobs';
import { sendMail, MailTransportError, type MailMessage } from './mailer';

declare module '@/server/platform/jobs' {
  interface JobPayloads {
    'mail.send': { mailId: string };
  }
}

/** Attempts of one mail before it is a dead letter (≈ 2.5 h of backoff in total). */
export const MAIL_MAX_ATTEMPTS = 9;

export interface QueuedMail {
  /** What kind of mail: logs and metrics name it (never the address). */
  kind: string;
  message: MailMessage;
}

/** Queues one mail in `database`'s transaction; answers its id. */
export async function queueMail(database: DbOrTx, mail: QueuedMail): Promise<string> {
  return database.transaction(async (tx) => {
    const [row] = await tx
      .insert(mailMessages)
      .values({ kind: mail.kind, to: mail.message.to.toLowerCase(), subject: mail.message.subject, html: mail.message.html, text: mail.message.text })
      .returning({ id: mailMessages.id });
    if (!row) throw new Error('mail_messages insert returned no row');
    await enqueueJob(tx, 'mail.send', { mailId: row.id }, { jobKey: `mail.send:${row.id}`, maxAttempts: MAIL_MAX_ATTEMPTS });
    return row.id;
  });
}

export const sendMailTask = defineTask({
  name: 'mail.send',
  maxAttempts: MAIL_MAX_ATTEMPTS,
  async handle({ mailId }, ctx) {
    const [mail] = await ctx.db.select().from(mailMessages).where(eq(mailMessages.id, mailId));
    if (!mail || mail.state !== 'queued' || mail.html === null || mail.text === null) return;
    try {
      const result = await sendMail({ to: mail.to, subject: mail.subject, html: mail.html, text: mail.text });
      await ctx.db.transaction(async (tx) => {
        await claimEffect(tx, `mail.send:${mailId}`);
        await tx
          .update(mailMessages)
          .set({ state: 'sent', messageId: result.messageId, html: null, text: null, attempts: sql`${mailMessages.attempts} + 1`, finishedAt: new Date(), lastError: null })
          .where(eq(mailMessages.id, mailId));
      });
    } catch (error) {
      const cause = error instanceof MailTransportError ? (error.cause as { code?: unknown; responseCode?: unknown } | undefined) : undefined;
      const described = `${error instanceof Error ? error.name : 'Error'}${cause?.responseCode ? ` ${String(cause.responseCode)}` : ''}${cause?.code ? ` ${String(cause.code)}` : ''}`;
      await ctx.db
        .update(mailMessages)
        .set({ attempts: sql`${mailMessages.attempts} + 1`, lastError: described, ...(ctx.attempt >= ctx.maxAttempts ? { state: 'failed', html: null, text: null, finishedAt: new Date() } : {}) })
        .where(eq(mailMessages.id, mailId));
      throw error;
    }
  },
});
