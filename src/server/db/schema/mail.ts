/** The development mailbox: mail stored instead of sent when DEV_MAILBOX is on (never in production). */
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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
