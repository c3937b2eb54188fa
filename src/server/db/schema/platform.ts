/**
 * Cross-cutting tables of src/server/platform.
 *
 * `rate_limits`: the shared store of the rate limiter (SEC-2, src/server/platform/rate-limit.ts,
 * ADR 0025) when no Redis is configured, so that every app instance on this database counts against
 * one budget. Keys are `<policy>:<hash of the subject>` — no address, email or user id in clear.
 * Not a tenant table (no workspace_id, no row-level security): limits are checked before a request
 * is known to belong to any workspace. Expired rows are pruned by the limiter itself. UNLOGGED
 * (drizzle/0011): counters need no crash safety, and an unlogged upsert waits for no WAL flush.
 */
import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull(),
    expire: timestamp('expire', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('rate_limits_expire_idx').on(t.expire)],
);
