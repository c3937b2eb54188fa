/**
 * Sign-in protection (AUTH-4): account lockout, per-address failure counts and spent CAPTCHA
 * solutions. Not tenant tables (no workspace_id, no row-level security): they are read before a
 * request is known to belong to anyone.
 *
 * `account_lockouts` is keyed by a keyed hash of the email address (src/server/auth/lockout.ts),
 * not by the user id, so that an address without an account counts and locks exactly like one with
 * an account (no enumeration); `user_id` names the account when there is one (notice mail, unlock
 * link, cascade on delete). No address, IP or solution is stored in clear.
 */
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';

export const accountLockouts = pgTable(
  'account_lockouts',
  {
    /** HMAC-SHA-256 of the normalised address (key derived from AUTH_SECRET), base64url. */
    subject: text('subject').primaryKey(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** Failed password attempts since the last lock ended (or the last success). */
    failures: integer('failures').notNull().default(0),
    /** How many times the subject was locked in a row (the cooldown doubles with each). */
    lockLevel: integer('lock_level').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('account_lockouts_user_id_idx').on(t.userId), index('account_lockouts_updated_at_idx').on(t.updatedAt)],
);

/** Failed sign-ins per client address in a fixed window (a CAPTCHA is asked for after a few). */
export const signInAddressFailures = pgTable(
  'sign_in_address_failures',
  {
    /** SHA-256 of the address, base64url. */
    addressKey: text('address_key').primaryKey(),
    failures: integer('failures').notNull().default(0),
    windowStartedAt: timestamp('window_started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('sign_in_address_failures_window_idx').on(t.windowStartedAt)],
);

/** Signatures of accepted ALTCHA solutions, kept until the challenge expires (replay). */
export const captchaSolutions = pgTable(
  'captcha_solutions',
  {
    signature: text('signature').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('captcha_solutions_expires_at_idx').on(t.expiresAt)],
);
