/**
 * Queued mail (JOBS-4, ADR 0031): every mail is a row of `mail_messages` plus a `mail.send` job,
 * both written in the caller's transaction — a crash after COMMIT loses no mail, a rolled-back
 * change sends none, and a failed SMTP send is retried by the worker (./mail-send-task.ts).
 *
 *   await queueMail(tx, { kind: 'invitation', to, data: { locale, workspaceName, … } });   // a catalog mail
 *   await queueMail(tx, { kind: 'digest', message: { to, subject, html, text } });           // rendered by the caller
 *
 * A catalog mail (./templates/catalog.ts) is rendered by the worker from its data: queuing costs
 * two statements and no rendering, the same for every mail — a request that queues a mail for an
 * existing account takes as long as one that does not (`queueNoMail` does the same work for no one).
 *
 * Outside a transaction pass `db()`: queueMail opens one of its own so the row and its job still
 * commit together.
 */
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/server/db/client';
import { mailMessages } from '@/server/db/schema';
import { enqueueJob } from '@/server/platform/jobs';
import type { MailMessage } from './mailer';
import { composeMail, type MailData, type MailKind } from './templates/catalog';

declare module '@/server/platform/jobs' {
  interface JobPayloads {
    'mail.send': { mailId: string };
  }
}

/** Attempts of one mail before it is a dead letter (≈ 2.5 h of backoff in total). */
export const MAIL_MAX_ATTEMPTS = 9;

/** The job key of a mail's `mail.send` job (the reconciler looks for it). */
export const mailJobKey = (mailId: string) => `mail.send:${mailId}`;

/** A mail of the catalog, rendered by the worker from `data`. */
export type CatalogMail = { [K in MailKind]: { kind: K; to: string; data: MailData[K] } }[MailKind];

/** A mail its caller rendered (`kind` names it in logs and metrics, never the address). */
export interface RenderedQueuedMail {
  kind: string;
  message: MailMessage;
}

export type QueuedMail = CatalogMail | RenderedQueuedMail;

/** Queues one mail in `database`'s transaction; answers its id. */
export async function queueMail(database: DbOrTx, mail: QueuedMail): Promise<string> {
  const values =
    'message' in mail
      ? { kind: mail.kind, to: mail.message.to.trim().toLowerCase(), subject: mail.message.subject, html: mail.message.html, text: mail.message.text }
      : {
          kind: mail.kind,
          to: mail.to.trim().toLowerCase(),
          // Strings only (no React): the subject is there for operators before the worker renders.
          subject: composeMail(mail.kind, mail.data as never).subject,
          data: JSON.parse(JSON.stringify(mail.data)) as Record<string, unknown>,
        };
  return database.transaction(async (tx) => {
    const [row] = await tx.insert(mailMessages).values(values).returning({ id: mailMessages.id });
    if (!row) throw new Error('mail_messages insert returned no row');
    await enqueueJob(tx, 'mail.send', { mailId: row.id }, { jobKey: mailJobKey(row.id), maxAttempts: MAIL_MAX_ATTEMPTS });
    return row.id;
  });
}

/**
 * The database work of `queueMail` done for no one (a savepoint, a write that matches no row and a
 * read of the queue), for the branch of a flow that must not tell by its timing that it sent no
 * mail (an unknown address asking for a reset link).
 */
export async function queueNoMail(database: DbOrTx): Promise<void> {
  // Parameterised like queueMail's statements (postgres.js describes each before binding: the same round trips).
  await database.transaction(async (tx) => {
    await tx.execute(sql`UPDATE mail_messages SET attempts = attempts WHERE id = ${NO_MAIL_ID}::uuid`);
    await tx.execute(sql`SELECT id FROM graphile_worker._private_jobs WHERE key = ${mailJobKey(NO_MAIL_ID)}::text`);
  });
}

/** No mail has this id: `queueNoMail` aims its statements at it. */
const NO_MAIL_ID = '00000000-0000-0000-0000-000000000000';
