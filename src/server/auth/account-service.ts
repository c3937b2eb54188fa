/**
 * Email + password accounts (AUTH-1) and the user's own sessions (AUTH-2).
 *
 * Decisions (see the report / ADR on sessions):
 * - Strict verification: an unverified account cannot sign in with its password. The refusal is
 *   only revealed after the password matched, so it does not enumerate accounts.
 * - No enumeration: sign-up with a taken address answers exactly like a new sign-up and mails the
 *   owner instead; forgot-password and resend-verification always answer "if it exists, we sent it".
 * - Every flow that SETS a password (sign-up, reset, change) applies the password policy first
 *   (AUTH-3, ./password-policy.ts) with the account's email and name as context; nothing is written
 *   and no link is spent when it refuses. Sign-in never applies it.
 * - Every flow that proves the mailbox (verify link, reset link) marks the email verified; a reset
 *   and a password change revoke sessions (all of them / all but the current one).
 * - Mail is queued (src/server/email/mail-queue.ts, ADR 0031) in the transaction of the change it
 *   tells about — the link's token and its mail commit together or not at all — and sent by the
 *   worker: no request waits for the transport, and queuing is the same small write for a known and
 *   an unknown address (the unknown branch does the same work for no one). Logs carry user ids
 *   only, never addresses, passwords or tokens.
 * - Lockout and CAPTCHA (AUTH-4, ./lockout.ts, ./captcha.ts): sign-up always needs a solved CAPTCHA;
 *   sign-in needs one once the client address failed a few times; five wrong passwords lock the
 *   address (known or not: the answers are the same) with an escalating cooldown, and the owner of a
 *   known one gets one notice mail per lock with a one-time unlock link.
 * - Audit (SEC-4): sign-up, sign-in (and a failed one for an existing account), sign-out, email
 *   verified, password changed or reset, revoked sessions, locks, unlocks and failed CAPTCHAs are appended to the user's own
 *   account chain (workspace null; one chain per user, ADR 0014) in the same transaction as the
 *   change, scoped to the user (row-level security admits account entries only for the user the
 *   transaction is scoped to).
 */
import 'server-only';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { isLocale, routing, type Locale } from '@/i18n/routing';
import { recordAudit, type AuditAction } from '@/server/audit/audit-service';
import type { Database, DbOrTx, Tx } from '@/server/db/client';
import { sessions, users } from '@/server/db/schema';
import { statement } from '@/server/db/prepared';
import { setTenant } from '@/server/db/tenant';
import { queueMail, queueNoMail } from '@/server/email/mail-queue';
import { env } from '@/server/platform/env';
import { AppError } from '@/server/platform/errors';
import { logger } from '@/server/platform/logger';
import { resetRateLimit } from '@/server/platform/rate-limit';
import { verifyCaptcha, type CaptchaVerdict } from './captcha';
import {
  captchaAfterAddressFailures,
  clearLockout,
  cooldownMs,
  LOCKOUT,
  lockoutSubject,
  recordAddressFailure,
  recordFailedPassword,
  signInGuard,
  type ActiveLock,
} from './lockout';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password';
import { checkNewPassword } from './password-policy';
import { postSignInPath, safeCallbackPath } from './redirect';
import type { ChangePasswordInput, ResetPasswordInput, SignInInput, SignUpInput } from './schemas';
import { createSession, deleteSessionByToken, deleteUserSessions, forgetSessionLookups, type SessionMeta } from './session';
import { AUTH_TOKEN_TTL_MS, consumeAuthToken, createAuthToken, invalidateAuthTokens, issueAuthToken, issueNoAuthToken, peekAuthTokenUser } from './tokens';
import { describeUserAgent, type DeviceInfo } from './user-agent';

export interface RequestMeta extends SessionMeta {
  /** The language of the request (used for a new account and for mail to unknown users). */
  locale: Locale;
  requestId?: string | null;
}

/** What an account audit entry records about the request. */
export interface AuditMeta {
  ip?: string | null;
  requestId?: string | null;
}

/**
 * Appends an account-level entry (the user's own account chain, ADR 0014) for `userId` inside `tx`.
 * Scopes the transaction to the user first: row-level security admits account entries only for
 * that user — so callers open a plain transaction, not `withTenant` (one setting, not two).
 */
async function auditAccount(tx: Tx, userId: string, action: AuditAction, meta: AuditMeta, data: Record<string, unknown> = {}): Promise<void> {
  await setTenant(tx, { userId });
  await recordAudit(tx, {
    workspaceId: null,
    actorId: userId,
    action,
    target: { type: 'user', id: userId },
    data,
    ip: meta.ip ?? null,
    requestId: meta.requestId ?? null,
  });
}

export interface IssuedSession {
  userId: string;
  token: string;
  expires: Date;
  sessionId: string;
  redirectTo: string;
}

function localeOf(value: string | null | undefined): Locale {
  return isLocale(value) ? value : routing.defaultLocale;
}

/** An absolute link into the app (mail links), e.g. appUrl('/de/verify-email', { token }). */
export function appUrl(path: string, params?: Record<string, string>): string {
  const url = new URL(path, env().APP_URL);
  for (const [key, value] of Object.entries(params ?? {})) url.searchParams.set(key, value);
  return url.toString();
}

const userByEmail = statement<
  { email: string },
  { id: string; email: string; password_hash: string | null; email_verified: string | null; locale: string }
>((database) =>
  database
    .select({ id: users.id, email: users.email, passwordHash: users.passwordHash, emailVerified: users.emailVerified, locale: users.locale })
    .from(users)
    .where(eq(users.email, sql.placeholder('email'))),
);

/** The account of an address (any case), as sign-in and the mail flows need it. */
async function findUserByEmail(database: DbOrTx, email: string) {
  const [row] = await userByEmail(database, { email: email.trim().toLowerCase() });
  if (!row) return null;
  return { id: row.id, email: row.email, passwordHash: row.password_hash, emailVerified: row.email_verified !== null, locale: row.locale };
}

/** `{ callbackUrl }` for a mail link when it is a safe same-origin path (e.g. back to an invitation), else nothing. */
function callbackParam(callbackUrl: string | null | undefined): Record<string, string> {
  const safe = safeCallbackPath(callbackUrl);
  return safe ? { callbackUrl: safe } : {};
}

/** Queues the verification mail with `token`'s link in `tx` (the token's transaction). */
async function queueVerificationMail(tx: Tx, user: { email: string; locale: string }, token: string, callbackUrl?: string | null): Promise<void> {
  const locale = localeOf(user.locale);
  await queueMail(tx, {
    kind: 'verify_email',
    to: user.email,
    data: {
      locale,
      // The verify page hands callbackUrl on, so a sign-up started from an invitation returns to it.
      url: appUrl(`/${locale}/verify-email`, { token, ...callbackParam(callbackUrl) }),
      hours: AUTH_TOKEN_TTL_MS.verify_email / 3_600_000,
    },
  });
}

/** Queues the "your password was changed" notice in `tx` (the change's transaction). */
async function queuePasswordChangedMail(tx: Tx, user: { email: string; locale: string }, changedAt: Date): Promise<void> {
  const locale = localeOf(user.locale);
  await queueMail(tx, {
    kind: 'password_changed',
    to: user.email,
    data: { locale, email: user.email, changedAt, resetUrl: appUrl(`/${locale}/forgot-password`) },
  });
}

// ─── Sign-up ───────────────────────────────────────────────────────────────────────────────────

/**
 * Creates an unverified account and mails a verification link. For an address that already has
 * an account nothing is created: its owner gets a "someone tried to sign up" mail instead, and the
 * caller answers the same "check your inbox" either way. `created` is for logs and tests only.
 */
export async function signUp(database: Database, input: SignUpInput, meta: RequestMeta): Promise<{ userId: string; created: boolean }> {
  // Rate-limited by the caller (policy sign-up-ip, src/server/platform/rate-limit-policies.ts).
  // A solved CAPTCHA first: a refused one costs no hash, no read, no mail.
  const verdict = await verifyCaptcha(database, input.captcha, meta);
  if (verdict !== 'ok') {
    logger.info({ verdict, requestId: meta.requestId ?? null }, 'auth.sign_up_captcha_refused');
    throw captchaError(verdict);
  }
  // The password policy next, before anything is read or written: it sees only what was typed, so a weak
  // password is refused the same way (and as fast) whether or not the address is taken.
  await checkNewPassword(input.password, { email: input.email, name: input.name }, { field: 'password' });
  // Hash first in both branches so the answer takes as long for a taken address as for a new one.
  const passwordHash = await hashPassword(input.password);
  const existing = await findUserByEmail(database, input.email);
  if (!existing) {
    // BEGIN, the account, its audit entry, its verification link and the mail with it, COMMIT.
    const created = await database.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name, passwordHash, locale: meta.locale })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id, email: users.email, locale: users.locale });
      if (!row) return null;
      await auditAccount(tx, row.id, 'auth.signed_up', meta, { method: 'password' });
      const { token } = await createAuthToken(tx, row.id, 'verify_email');
      await queueVerificationMail(tx, row, token, input.callbackUrl);
      return row;
    });
    if (created) return { userId: created.id, created: true };
  }
  // Taken (possibly by a concurrent sign-up that just won the race).
  const owner = existing ?? (await findUserByEmail(database, input.email));
  if (!owner) throw new Error('sign-up: user neither inserted nor found');
  const locale = localeOf(owner.locale);
  await queueMail(database, {
    kind: 'sign_up_attempt',
    to: owner.email,
    data: {
      locale,
      email: owner.email,
      signInUrl: appUrl(`/${locale}/sign-in`, callbackParam(input.callbackUrl)),
      resetUrl: appUrl(`/${locale}/forgot-password`),
    },
  });
  return { userId: owner.id, created: false };
}

/** Sends a fresh verification link when the address belongs to an unverified account; silent otherwise. */
export async function resendVerification(
  database: Database,
  email: string,
  callbackUrl?: string | null,
): Promise<{ sent: boolean; userId: string | null }> {
  // Rate-limited by the caller (verification-resend-ip / -address).
  // Unknown, verified or not: the same database work (one transaction: the links superseded, one
  // more statement on auth_tokens, the mail queued), and the mail is sent by the worker (issue 11).
  const user = await findUserByEmail(database, email);
  if (!user || user.emailVerified) {
    await issueNoAuthToken(database, 'verify_email', queueNoMail);
    return { sent: false, userId: user?.id ?? null };
  }
  await issueAuthToken(database, user.id, 'verify_email', (tx, token) => queueVerificationMail(tx, user, token, callbackUrl));
  return { sent: true, userId: user.id };
}

// ─── Sign-in / sign-out ────────────────────────────────────────────────────────────────────────

/** The refusal of a missing or failed CAPTCHA; the form then shows the widget and resubmits. */
function captchaError(verdict: Exclude<CaptchaVerdict, 'ok'>): AppError {
  const key = verdict === 'missing' ? 'auth.captchaRequired' : 'auth.captchaInvalid';
  return new AppError('BAD_REQUEST', key, { details: { captchaRequired: true } });
}

/**
 * The refusal while an address is locked: 429 with `Retry-After` and the RateLimit headers of the
 * lock (the tRPC layer sends them for any refusal of this shape), in the caller's language.
 */
function lockedError(lock: ActiveLock, extra: Record<string, unknown> = {}): AppError {
  return new AppError('TOO_MANY_REQUESTS', 'auth.accountLocked', {
    params: { minutes: Math.max(1, Math.ceil(lock.retryAfter / 60)), seconds: lock.retryAfter },
    details: {
      retryAfter: lock.retryAfter,
      rateLimit: { policy: 'account-lockout', limit: LOCKOUT.threshold, window: cooldownMs(lock.level) / 1000, remaining: 0 },
      ...extra,
    },
  });
}

/**
 * In the lock's audit transaction: the owner's one-time unlock link and the notice mail with it
 * (queued; the worker sends it, so the answer does not wait for the transport).
 */
async function queueAccountLockedMail(tx: Tx, user: { id: string; email: string; locale: string }, lock: ActiveLock): Promise<void> {
  const locale = localeOf(user.locale);
  await invalidateAuthTokens(tx, user.id, 'unlock_account');
  const { token } = await createAuthToken(tx, user.id, 'unlock_account');
  await queueMail(tx, {
    kind: 'account_locked',
    to: user.email,
    data: {
      locale,
      email: user.email,
      minutes: Math.round(cooldownMs(lock.level) / 60_000),
      lockedUntil: lock.lockedUntil,
      unlockUrl: appUrl(`/${locale}/unlock`, { token }),
      linkMinutes: AUTH_TOKEN_TTL_MS.unlock_account / 60_000,
    },
  });
}

/**
 * Password sign-in: a new server-side session (the caller sets the cookie).
 *
 * Order: the lock (refused before any password is checked), the CAPTCHA when the address has failed
 * `captchaAfterAddressFailures()` times, the password. A wrong password counts against the
 * address's lock and the client address's CAPTCHA threshold, for known and unknown addresses alike.
 */
export async function signIn(database: Database, input: SignInInput, meta: RequestMeta): Promise<IssuedSession> {
  // Rate-limited by the caller (sign-in-ip / sign-in-account).
  const subject = lockoutSubject(input.email);
  const user = await findUserByEmail(database, input.email);
  const audit = (userId: string, action: AuditAction, data: Record<string, unknown>) =>
    database.transaction((tx) => auditAccount(tx, userId, action, meta, data));

  const guard = await signInGuard(database, subject, meta.ip);
  if (guard.lock) throw lockedError(guard.lock);

  if (guard.addressFailures >= captchaAfterAddressFailures()) {
    const verdict = await verifyCaptcha(database, input.captcha, meta);
    if (verdict !== 'ok') {
      if (verdict !== 'missing' && user) await audit(user.id, 'auth.captcha_failed', { flow: 'sign_in', verdict });
      throw captchaError(verdict);
    }
  }

  // A failure is recorded for an existing account only (an unknown address has no chain to own it).
  const failed = async (reason: string): Promise<never> => {
    const addressCount = await recordAddressFailure(database, meta.ip);
    const outcome = await recordFailedPassword(database, subject, user?.id ?? null);
    if (user) await audit(user.id, 'auth.sign_in_failed', { method: 'password', reason });
    const captcha = addressCount >= captchaAfterAddressFailures() ? { captchaRequired: true } : {};
    const lock = outcome.lock;
    if (lock) {
      if (outcome.newlyLocked && user) {
        // BEGIN, the lock's audit entry, the unlock link and its mail (queued, ADR 0031), COMMIT.
        await database.transaction(async (tx) => {
          await auditAccount(tx, user.id, 'auth.account_locked', meta, { level: lock.level, seconds: cooldownMs(lock.level) / 1000 });
          await queueAccountLockedMail(tx, user, lock);
        });
      }
      throw lockedError(lock, captcha);
    }
    throw new AppError('UNAUTHORIZED', 'auth.invalidCredentials', { details: captcha });
  };
  if (!user?.passwordHash) {
    await burnPasswordCheck(input.password);
    return failed('no_password');
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) return failed('wrong_password');
  // Strict: the password proved who they are, so saying "verify first" reveals nothing new.
  if (!user.emailVerified) {
    await audit(user.id, 'auth.sign_in_failed', { method: 'password', reason: 'email_not_verified' });
    throw new AppError('FORBIDDEN', 'auth.emailNotVerified');
  }
  // BEGIN, forget the address's failures (if it had any), the session row, the user's scope, their account chain's head and the entry, COMMIT.
  const session = await database.transaction(async (tx) => {
    if (guard.tracked) await clearLockout(tx, subject);
    const created = await createSession(tx, user.id, meta);
    await auditAccount(tx, user.id, 'auth.signed_in', meta, { method: 'password', sessionId: created.sessionId });
    return created;
  });
  return { userId: user.id, ...session, redirectTo: postSignInPath(input.callbackUrl, user.locale) };
}

/**
 * Consumes an unlock link (AUTH-4): clears the address's lock and failures and forgets its
 * `sign-in-account` rate-limit count, so the owner can sign in at once.
 */
export async function unlockAccount(database: Database, token: string, meta: AuditMeta = {}): Promise<{ userId: string }> {
  const user = await database.transaction(async (tx) => {
    const userId = await consumeAuthToken(tx, token, 'unlock_account');
    if (!userId) throw new AppError('BAD_REQUEST', 'auth.linkInvalid');
    const [row] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, userId));
    if (!row) throw new AppError('BAD_REQUEST', 'auth.linkInvalid');
    const cleared = await clearLockout(tx, lockoutSubject(row.email));
    await auditAccount(tx, row.id, 'auth.account_unlocked', meta, { cleared });
    return row;
  });
  await resetRateLimit('sign-in-account', user.email);
  return { userId: user.id };
}

/**
 * Ends the session of `token` (if it still exists). `replaced`: a new sign-in in the same browser
 * supersedes it (recorded as such, so the log tells sign-outs from re-sign-ins).
 */
export async function signOut(database: Database, token: string | undefined, meta: AuditMeta = {}, reason: 'signed_out' | 'replaced' = 'signed_out'): Promise<void> {
  if (!token) return;
  await database.transaction(async (tx) => {
    const ended = await deleteSessionByToken(tx, token);
    if (ended) await auditAccount(tx, ended.userId, 'auth.signed_out', meta, { sessionId: ended.id, reason });
  });
}

// ─── Email verification ────────────────────────────────────────────────────────────────────────

/**
 * Consumes a verification link (single use, expiry checked), marks the email verified and signs
 * the user in — all in one transaction.
 */
export async function verifyEmail(
  database: Database,
  input: { token: string; callbackUrl?: string | undefined },
  meta: RequestMeta,
): Promise<IssuedSession> {
  return database.transaction(async (tx) => {
    const userId = await consumeAuthToken(tx, input.token, 'verify_email');
    if (!userId) throw new AppError('BAD_REQUEST', 'auth.linkInvalid');
    const [user] = await tx
      .update(users)
      .set({ emailVerified: sql`coalesce(${users.emailVerified}, now())`, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning({ id: users.id, locale: users.locale });
    if (!user) throw new AppError('BAD_REQUEST', 'auth.linkInvalid');
    const session = await createSession(tx, user.id, meta);
    await auditAccount(tx, user.id, 'auth.email_verified', meta);
    await auditAccount(tx, user.id, 'auth.signed_in', meta, { method: 'verify_email', sessionId: session.sessionId });
    return { userId: user.id, ...session, redirectTo: postSignInPath(input.callbackUrl, user.locale) };
  });
}

// ─── Password reset ────────────────────────────────────────────────────────────────────────────

/** Mails a reset link (1 h) when the account exists; silent otherwise. */
export async function requestPasswordReset(database: Database, email: string): Promise<{ sent: boolean; userId: string | null }> {
  // Rate-limited by the caller (password-reset-ip / -address).
  // Known or unknown address: the same database work (one transaction: the links superseded, one
  // more statement on auth_tokens, the mail queued), and the mail is sent by the worker (issue 11).
  const user = await findUserByEmail(database, email);
  if (!user) {
    await issueNoAuthToken(database, 'reset_password', queueNoMail);
    return { sent: false, userId: null };
  }
  const locale = localeOf(user.locale);
  await issueAuthToken(database, user.id, 'reset_password', (tx, token) =>
    queueMail(tx, {
      kind: 'reset_password',
      to: user.email,
      data: { locale, url: appUrl(`/${locale}/reset-password`, { token }), minutes: AUTH_TOKEN_TTL_MS.reset_password / 60_000 },
    }).then(() => undefined),
  );
  return { sent: true, userId: user.id };
}

/**
 * Sets a new password from a reset link: consumes the token, revokes EVERY session of the user
 * and every other outstanding reset link, and marks the email verified (the link proved it).
 */
export async function resetPassword(database: Database, input: ResetPasswordInput, meta: AuditMeta = {}): Promise<{ userId: string }> {
  // Rate-limited by the caller (password-reset-ip).
  // A dead link is said first; a refused password leaves the link usable for another try.
  const holderId = await peekAuthTokenUser(database, input.token, 'reset_password');
  const [holder] = holderId ? await database.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, holderId)) : [];
  if (!holder) throw new AppError('BAD_REQUEST', 'auth.linkInvalid');
  await checkNewPassword(input.password, holder, { field: 'password' });
  const passwordHash = await hashPassword(input.password);
  const now = new Date();
  const user = await database.transaction(async (tx) => {
    const userId = await consumeAuthToken(tx, input.token, 'reset_password', now);
    if (!userId) throw new AppError('BAD_REQUEST', 'auth.linkInvalid');
    const [row] = await tx
      .update(users)
      .set({ passwordHash, emailVerified: sql`coalesce(${users.emailVerified}, now())`, updatedAt: now })
      .where(eq(users.id, userId))
      .returning({ id: users.id, email: users.email, locale: users.locale });
    if (!row) throw new AppError('BAD_REQUEST', 'auth.linkInvalid');
    await invalidateAuthTokens(tx, userId, 'reset_password', now);
    await deleteUserSessions(tx, userId);
    await auditAccount(tx, userId, 'auth.password_reset', meta, { sessionsRevoked: 'all' });
    await queuePasswordChangedMail(tx, row, now);
    return row;
  });
  return { userId: user.id };
}

// ─── Signed-in account security ────────────────────────────────────────────────────────────────

/** Changes the password (current one required), revokes every other session and mails a notice. */
export async function changePassword(
  database: Database,
  current: { userId: string; sessionId: string },
  input: ChangePasswordInput,
  meta: AuditMeta = {},
): Promise<void> {
  const [user] = await database
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, current.userId));
  if (!user) throw new AppError('UNAUTHORIZED', 'generic.unauthorized');
  if (!user.passwordHash) {
    throw new AppError('BAD_REQUEST', 'auth.noPassword', { fieldErrors: { currentPassword: 'auth.noPassword' } });
  }
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError('BAD_REQUEST', 'auth.currentPasswordWrong', { fieldErrors: { currentPassword: 'auth.currentPasswordWrong' } });
  }
  await checkNewPassword(input.newPassword, { email: user.email, name: user.name }, { field: 'newPassword' });
  const passwordHash = await hashPassword(input.newPassword);
  const now = new Date();
  await database.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id));
    await deleteUserSessions(tx, user.id, current.sessionId);
    await invalidateAuthTokens(tx, user.id, 'reset_password', now);
    await auditAccount(tx, user.id, 'auth.password_changed', meta, { sessionsRevoked: 'others' });
    await queuePasswordChangedMail(tx, user, now);
  });
}

export const SESSION_LIST_LIMIT = 50;

export interface SessionSummary {
  id: string;
  current: boolean;
  device: DeviceInfo;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

/** The user's live sessions, most recently used first (bounded). */
export async function listSessions(database: DbOrTx, userId: string, currentSessionId: string): Promise<SessionSummary[]> {
  const rows = await database
    .select({ id: sessions.id, userAgent: sessions.userAgent, ip: sessions.ip, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expires, new Date())))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt))
    .limit(SESSION_LIST_LIMIT);
  return rows.map((row) => ({
    id: row.id,
    current: row.id === currentSessionId,
    device: describeUserAgent(row.userAgent),
    ip: row.ip,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
  }));
}

/** Revokes one of the user's own sessions (another user's id is simply not found). */
export async function revokeSession(database: DbOrTx, userId: string, sessionId: string, meta: AuditMeta = {}): Promise<void> {
  forgetSessionLookups();
  await database.transaction(async (tx) => {
    const deleted = await tx
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
      .returning({ id: sessions.id });
    if (deleted.length === 0) throw new AppError('NOT_FOUND', 'auth.sessionNotFound');
    await auditAccount(tx, userId, 'auth.sessions_revoked', meta, { scope: 'one', sessionId });
  });
}

/** Signs the user out on every device, this one included. */
export async function signOutEverywhere(database: DbOrTx, userId: string, meta: AuditMeta = {}): Promise<void> {
  await database.transaction(async (tx) => {
    await deleteUserSessions(tx, userId);
    await auditAccount(tx, userId, 'auth.sessions_revoked', meta, { scope: 'all' });
  });
}
