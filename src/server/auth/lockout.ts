/**
 * Account lockout with an escalating cooldown, and failed sign-ins per client address (AUTH-4).
 *
 * - Per account: `LOCKOUT.threshold` wrong passwords (within `failureWindowMs` of each other) lock
 *   the address for 1 minute; each further lock doubles the cooldown (2, 4, 8 … minutes), capped at
 *   one hour. While locked even the right password is refused. A successful sign-in after the
 *   cooldown forgets everything; so does the unlock link mailed to the owner; a day without a
 *   failure starts the escalation again from 1 minute.
 * - The count is keyed by a keyed hash of the ADDRESS, not by the user id: an address without an
 *   account is counted and locked exactly like one with an account, so the answers tell nothing
 *   about which addresses exist. Only the notice mail differs, and that goes to the owner's inbox.
 * - Per client address: failed sign-ins in a fixed 15-minute window. From `captchaAfterAddressFailures()`
 *   on, a sign-in from that address must carry a solved CAPTCHA (./captcha.ts). The hard per-address
 *   ceiling stays the `sign-in-ip` rate limit.
 * - Every time is the database's clock (one clock for every app instance; tests move a lock by
 *   updating `locked_until`). Rows are small and pruned opportunistically.
 */
import 'server-only';
import { createHash, createHmac } from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/server/db/client';
import { statement } from '@/server/db/prepared';
import { accountLockouts, captchaSolutions, signInAddressFailures } from '@/server/db/schema';
import { env } from '@/server/platform/env';

export const LOCKOUT = {
  /** Wrong passwords that lock the account. */
  threshold: 5,
  /** A failure further apart than this from the previous one starts the count again. */
  failureWindowMs: 15 * 60_000,
  /** The first lock; each further one doubles. */
  baseCooldownMs: 60_000,
  maxCooldownMs: 60 * 60_000,
  /** This long without a failure and the escalation starts again from the first lock. */
  forgetLevelAfterMs: 24 * 60 * 60_000,
} as const;

/**
 * Failed sign-ins from one client address (per window) after which a CAPTCHA is required: 3, times
 * RATE_LIMIT_SCALE like every per-address allowance (the harnesses and the E2E suite share one address).
 */
export function captchaAfterAddressFailures(): number {
  return Math.max(1, Math.round(3 * env().RATE_LIMIT_SCALE));
}
export const ADDRESS_FAILURE_WINDOW_SECONDS = 15 * 60;

/** The cooldown of the `level`-th lock in a row (1-based). */
export function cooldownMs(level: number): number {
  return Math.min(LOCKOUT.baseCooldownMs * 2 ** Math.max(0, level - 1), LOCKOUT.maxCooldownMs);
}

let subjectKey: { secret: string; key: Buffer } | undefined;

/** The lockout key of an address: HMAC-SHA-256 under a key derived from AUTH_SECRET (no address in clear). */
export function lockoutSubject(email: string): string {
  const secret = env().AUTH_SECRET;
  if (subjectKey?.secret !== secret) subjectKey = { secret, key: createHmac('sha256', secret).update('kanso:account-lockout:v1').digest() };
  return createHmac('sha256', subjectKey.key).update(email.trim().toLowerCase()).digest('base64url');
}

function addressKey(ip: string): string {
  return createHash('sha256').update(`sign-in-address:${ip}`).digest('base64url');
}

export interface ActiveLock {
  lockedUntil: Date;
  /** Whole seconds until the lock ends (≥ 1). */
  retryAfter: number;
  /** The lock's number in the escalation (1 = the first, 1 minute). */
  level: number;
}

function activeLock(lockedUntil: Date | null, now: Date, level: number): ActiveLock | null {
  if (!lockedUntil || lockedUntil.getTime() <= now.getTime()) return null;
  return { lockedUntil, retryAfter: Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000)), level };
}

async function dbNow(database: DbOrTx): Promise<Date> {
  const [row] = await database.execute<{ now: Date | string }>(sql`select now() as now`);
  return new Date(row!.now);
}

export interface SignInGuard {
  /** The lock in force now, if any. */
  lock: ActiveLock | null;
  /** Whether the address has a lockout row (a success then deletes it). */
  tracked: boolean;
  /** Failed sign-ins from the client address in its current window. */
  addressFailures: number;
}

const guardStatement = statement<
  { subject: string; addressKey: string },
  { locked_until: Date | string | null; lock_level: number | null; tracked: boolean; address_failures: number; now: Date | string }
>(
  () => sql`
    select l.locked_until, l.lock_level, l.subject is not null as tracked,
      coalesce((select f.failures from sign_in_address_failures f
                where f.address_key = ${sql.placeholder('addressKey')}
                  and f.window_started_at > now() - ${sql.raw(`interval '${ADDRESS_FAILURE_WINDOW_SECONDS} seconds'`)}), 0)::int as address_failures,
      now() as now
    from (select 1) as one left join account_lockouts l on l.subject = ${sql.placeholder('subject')}`,
);

/** What sign-in checks before a password: the address's lock and the client address's failures (one prepared round trip). */
export async function signInGuard(database: DbOrTx, subject: string, ip: string | null | undefined): Promise<SignInGuard> {
  const [row] = await guardStatement(database, { subject, addressKey: ip ? addressKey(ip) : '' });
  if (!row) return { lock: null, tracked: false, addressFailures: 0 };
  const lockedUntil = row.locked_until === null ? null : new Date(row.locked_until);
  return { lock: activeLock(lockedUntil, new Date(row.now), row.lock_level ?? 0), tracked: row.tracked, addressFailures: row.address_failures };
}

/** The lock on an address, if one is in force now. */
export async function currentLock(database: DbOrTx, subject: string): Promise<ActiveLock | null> {
  const [row] = await database
    .select({ lockedUntil: accountLockouts.lockedUntil, level: accountLockouts.lockLevel, now: sql<string>`now()` })
    .from(accountLockouts)
    .where(eq(accountLockouts.subject, subject));
  if (!row) return null;
  return activeLock(row.lockedUntil, new Date(row.now), row.level);
}

export interface FailureOutcome {
  /** The lock in force after this failure (new or already there), else null. */
  lock: ActiveLock | null;
  /** True exactly once per lock: for the failure that started it (the notice mail goes out then). */
  newlyLocked: boolean;
  failures: number;
}

/**
 * Counts one wrong password against an address and locks it when the threshold is reached. Atomic
 * (the row is locked for the update), so concurrent failures lock once and mail once.
 */
export async function recordFailedPassword(database: DbOrTx, subject: string, userId: string | null): Promise<FailureOutcome> {
  return database.transaction(async (tx) => {
    await tx.insert(accountLockouts).values({ subject, userId }).onConflictDoNothing({ target: accountLockouts.subject });
    const [row] = await tx.select().from(accountLockouts).where(eq(accountLockouts.subject, subject)).for('update');
    if (!row) throw new Error('account lockout row vanished');
    const now = await dbNow(tx);
    const already = activeLock(row.lockedUntil, now, row.lockLevel);
    // A guess that raced past the check while a lock began: refused, not counted again.
    if (already) return { lock: already, newlyLocked: false, failures: row.failures };

    const quiet = now.getTime() - (row.lastFailureAt ?? row.updatedAt).getTime();
    let level = quiet > LOCKOUT.forgetLevelAfterMs ? 0 : row.lockLevel;
    let failures = row.lastFailureAt && quiet <= LOCKOUT.failureWindowMs ? row.failures + 1 : 1;
    let lockedUntil: Date | null = row.lockedUntil;
    let newlyLocked = false;
    if (failures >= LOCKOUT.threshold) {
      level += 1;
      lockedUntil = new Date(now.getTime() + cooldownMs(level));
      failures = 0;
      newlyLocked = true;
    }
    await tx
      .update(accountLockouts)
      .set({ userId: userId ?? row.userId, failures, lockLevel: level, lockedUntil, lastFailureAt: now, updatedAt: now })
      .where(eq(accountLockouts.subject, subject));
    return { lock: newlyLocked ? activeLock(lockedUntil, now, level) : null, newlyLocked, failures };
  });
}

/** Forgets an address's failures and locks (a successful sign-in, an unlock link). */
export async function clearLockout(database: DbOrTx, subject: string): Promise<boolean> {
  const deleted = await database.delete(accountLockouts).where(eq(accountLockouts.subject, subject)).returning({ subject: accountLockouts.subject });
  return deleted.length > 0;
}

/** Counts one failed sign-in from a client address; returns the count in the current window. */
export async function recordAddressFailure(database: DbOrTx, ip: string | null | undefined): Promise<number> {
  if (!ip) return 0;
  const window = sql.raw(`interval '${ADDRESS_FAILURE_WINDOW_SECONDS} seconds'`);
  const fresh = sql`${signInAddressFailures.windowStartedAt} > now() - ${window}`;
  const [row] = await database
    .insert(signInAddressFailures)
    .values({ addressKey: addressKey(ip), failures: 1 })
    .onConflictDoUpdate({
      target: signInAddressFailures.addressKey,
      set: {
        failures: sql`case when ${fresh} then ${signInAddressFailures.failures} + 1 else 1 end`,
        windowStartedAt: sql`case when ${fresh} then ${signInAddressFailures.windowStartedAt} else now() end`,
      },
    })
    .returning({ failures: signInAddressFailures.failures });
  if (Math.random() < 0.02) await pruneSignInProtection(database);
  return row?.failures ?? 0;
}

/** Failed sign-ins from a client address in its current window. */
export async function addressFailures(database: DbOrTx, ip: string | null | undefined): Promise<number> {
  if (!ip) return 0;
  const [row] = await database
    .select({ failures: signInAddressFailures.failures })
    .from(signInAddressFailures)
    .where(
      and(
        eq(signInAddressFailures.addressKey, addressKey(ip)),
        gt(signInAddressFailures.windowStartedAt, sql`now() - ${sql.raw(`interval '${ADDRESS_FAILURE_WINDOW_SECONDS} seconds'`)}`),
      ),
    );
  return row?.failures ?? 0;
}

/** Deletes what no longer counts: old address windows, spent CAPTCHA solutions past expiry, idle unlocked rows. */
export async function pruneSignInProtection(database: DbOrTx): Promise<void> {
  await database
    .delete(signInAddressFailures)
    .where(lt(signInAddressFailures.windowStartedAt, sql`now() - ${sql.raw(`interval '${ADDRESS_FAILURE_WINDOW_SECONDS} seconds'`)}`));
  await database.delete(captchaSolutions).where(lt(captchaSolutions.expiresAt, sql`now()`));
  await database
    .delete(accountLockouts)
    .where(
      and(
        lt(accountLockouts.updatedAt, sql`now() - ${sql.raw(`interval '${LOCKOUT.forgetLevelAfterMs / 1000} seconds'`)}`),
        sql`(${accountLockouts.lockedUntil} is null or ${accountLockouts.lockedUntil} < now())`,
      ),
    );
}
