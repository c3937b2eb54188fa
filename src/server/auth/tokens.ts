/**
 * Single-use tokens of our own flows (email verification, password reset, account unlock) in `auth_tokens`.
 *
 * The link carries a random 256-bit token; the row keeps only its SHA-256 hash, so a database
 * leak does not hand out working links. Consuming is one conditional UPDATE (unused, unexpired,
 * right purpose) so two concurrent clicks cannot both succeed.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database, DbOrTx, Tx } from '@/server/db/client';
import { authTokens } from '@/server/db/schema';
import { hashToken } from './session';

export type AuthTokenPurpose = 'verify_email' | 'reset_password' | 'unlock_account';

/** Lifetimes: a verification link lasts a day, a reset link and an unlock link (AUTH-4) an hour. */
export const AUTH_TOKEN_TTL_MS: Record<AuthTokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
  unlock_account: 60 * 60 * 1000,
};

export type AuthTokenStatus = 'valid' | 'expired' | 'used' | 'unknown';

/** Creates a token for `purpose`; returns the raw value (only ever put in the emailed link). */
export async function createAuthToken(
  database: DbOrTx,
  userId: string,
  purpose: AuthTokenPurpose,
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + AUTH_TOKEN_TTL_MS[purpose]);
  await database.insert(authTokens).values({ userId, purpose, tokenHash: hashToken(token), expiresAt });
  return { token, expiresAt };
}

/** Marks every still-unused token of a user and purpose as used (a newer link supersedes them). */
export async function invalidateAuthTokens(database: DbOrTx, userId: string, purpose: AuthTokenPurpose, now: Date = new Date()): Promise<void> {
  await database
    .update(authTokens)
    .set({ usedAt: now })
    .where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt)));
}

/**
 * Supersedes the user's open links of `purpose` and issues a new one, in one transaction; `andThen`
 * runs in it with the new token (e.g. queues the mail with the link: both commit or neither).
 */
export function issueAuthToken(
  database: Database,
  userId: string,
  purpose: AuthTokenPurpose,
  andThen?: (tx: Tx, token: string) => Promise<void>,
): Promise<{ token: string; expiresAt: Date }> {
  return database.transaction(async (tx) => {
    await invalidateAuthTokens(tx, userId, purpose);
    const issued = await createAuthToken(tx, userId, purpose);
    await andThen?.(tx, issued.token);
    return issued;
  });
}

/** No account has this id: `issueNoAuthToken` aims its statements at it. */
const NO_USER_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The database work of `issueAuthToken` (BEGIN, supersede the open links, one more statement on
 * auth_tokens, COMMIT) done for no one: an address without an account (or one that needs no link)
 * takes the same path as one that gets a link, so the answer's timing does not tell them apart (issue 11).
 */
export async function issueNoAuthToken(database: Database, purpose: AuthTokenPurpose, andThen?: (tx: Tx) => Promise<void>): Promise<void> {
  await database.transaction(async (tx) => {
    await invalidateAuthTokens(tx, NO_USER_ID, purpose);
    await tx.select({ id: authTokens.id }).from(authTokens).where(eq(authTokens.userId, NO_USER_ID)).limit(1);
    await andThen?.(tx);
  });
}

/** The token of `purpose` that is unused and unexpired at `now`. */
function usable(token: string, purpose: AuthTokenPurpose, now: Date) {
  return and(eq(authTokens.tokenHash, hashToken(token)), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt), gt(authTokens.expiresAt, now));
}

/**
 * Consumes a token atomically: returns its user id when it was unused, unexpired and of this
 * purpose (and marks it used), else null. Run it inside the transaction that acts on it.
 */
export async function consumeAuthToken(
  database: DbOrTx,
  token: string,
  purpose: AuthTokenPurpose,
  now: Date = new Date(),
): Promise<string | null> {
  const [row] = await database
    .update(authTokens)
    .set({ usedAt: now })
    .where(usable(token, purpose, now))
    .returning({ userId: authTokens.userId });
  return row?.userId ?? null;
}

/** Reads a token's state without consuming it (pages check a link before showing a form). */
export async function inspectAuthToken(
  database: DbOrTx,
  token: string,
  purpose: AuthTokenPurpose,
  now: Date = new Date(),
): Promise<AuthTokenStatus> {
  const [row] = await database
    .select({ expiresAt: authTokens.expiresAt, usedAt: authTokens.usedAt })
    .from(authTokens)
    .where(and(eq(authTokens.tokenHash, hashToken(token)), eq(authTokens.purpose, purpose)));
  if (!row) return 'unknown';
  if (row.usedAt) return 'used';
  if (row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}

/**
 * The user a token would act for, without consuming it: their id when the token is unused,
 * unexpired and of this purpose, else null (the reset form checks the new password against the
 * account before the link is spent; consuming stays the authoritative, atomic step).
 */
export async function peekAuthTokenUser(
  database: DbOrTx,
  token: string,
  purpose: AuthTokenPurpose,
  now: Date = new Date(),
): Promise<string | null> {
  const [row] = await database
    .select({ userId: authTokens.userId })
    .from(authTokens)
    .where(usable(token, purpose, now));
  return row?.userId ?? null;
}
