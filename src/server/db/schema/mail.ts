/** The development mailbox: mail stored instead of sent when DEV_MAILBOX is on (never in production). */
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
    /**
     * A catalog mail (src/server/email/templates/catalog.ts): the data it is rendered from by the
     * worker (locale, links, names), instead of `html`/`text`. Holds links with tokens: cleared
     * with the body once the mail is sent or given up.
     */
    data: jsonb('data').$type<Record<string, unknown>>(),
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

export const SUPPRESSION_REASONS = ['bounce', 'complaint', 'smtp_5xx', 'manual'] as const;

/**
 * Addresses no mail is sent to any more (JOBS-4, src/server/email/suppression.ts): a permanent
 * bounce or a complaint reported by the provider's webhook, a permanent (5xx) SMTP refusal, or an
 * operator. Keyed by a keyed hash (HMAC-SHA-256 under a key derived from AUTH_SECRET) of the
 * normalised address: the table never holds an address in clear.
 */
export const mailSuppressions = pgTable(
  'mail_suppressions',
  {
    addressHash: text('address_hash').primaryKey(),
    reason: text('reason', { enum: SUPPRESSION_REASONS }).notNull(),
    /** Who reported it: `webhook`, `smtp`, `operator`. */
    source: text('source').notNull(),
    /** The SMTP code or the provider's reason, without addresses (bounded). */
    detail: text('detail'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('mail_suppressions_created_at_idx').on(t.createdAt)],
);
