/** The development mailbox: mail stored instead of sent when DEV_MAILBOX is on (never in production). */
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const devMails = pgTable(
  'dev_mails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('dev_mails_to_idx').on(t.to, t.createdAt)],
);

export const MAIL_STATES = ['queued', 'sent', 'failed', 'suppressed'] as const;

/**
 * The mail queue (JOBS-4, src/server/email/mail-queue.ts): one row per mail, written in the
 * transaction of the change it tells about, sent by the `mail.send` job. The rendered body holds
 * links with tokens: it is cleared once the mail is sent or given up (only the metadata stays).
 */
export const mailMessages = pgTable(
  'mail_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** What kind of mail (verify_email, invitation, …): logs and metrics name it, never the address. */
    kind: text('kind').notNull(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    html: text('html'),
    text: text('text'),
    state: text('state', { enum: MAIL_STATES }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    /** The transport's message id once sent. */
    messageId: text('message_id'),
    /** The last failure's name and SMTP code (never the address). */
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('mail_messages_state_idx').on(t.state, t.createdAt)],
);
