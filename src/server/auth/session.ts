/**
 * Server-side sessions (AUTH-2; decision: docs/decisions/0002-database-sessions.md).
 *
 * The cookie carries a random 256-bit token; the `sessions` row keeps only its SHA-256 hash plus
 * device, IP and last-seen. Every request looks the row up, so deleting it revokes the session on
 * the very next request. Password sign-in, OAuth/OIDC and magic links all end in `createSession`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, ne } from 'drizzle-orm';
import type { DbOrTx } from '@/server/db/client';
import { sessions, users } from '@/server/db/schema';

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** How often last_seen_at is refreshed (and the expiry slid forward). */
const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

/** Cookie name; the `__Secure-` prefix whenever the app is served over HTTPS. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Secure-kanso.session' : 'kanso.session';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface SessionMeta {
  userAgent?: string | null;
  ip?: string | null;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  image: string | null;
  locale: string;
  emailVerified: Date | null;
  isPlatformAdmin: boolean;
}

export interface CurrentSession {
  sessionId: string;
  user: SessionUser;
}

export async function createSession(
  database: DbOrTx,
  userId: string,
  meta: SessionMeta,
  token: string = newSessionToken(),
): Promise<{ token: string; expires: Date; sessionId: string }> {
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  const [row] = await database
    .insert(sessions)
    .values({
      tokenHash: hashToken(token),
      userId,
      expires,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
      ip: meta.ip?.slice(0, 64) ?? null,
    })
    .returning({ id: sessions.id });
  if (!row) throw new Error('session insert returned no row');
  return { token, expires, sessionId: row.id };
}

/** Looks a cookie token up; refreshes last-seen (at most every few minutes). */
export async function validateSessionToken(database: DbOrTx, token: string): Promise<CurrentSession | null> {
  const now = new Date();
  const [row] = await database
    .select({
      sessionId: sessions.id,
      lastSeenAt: sessions.lastSeenAt,
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        image: users.image,
        locale: users.locale,
        emailVerified: users.emailVerified,
        isPlatformAdmin: users.isPlatformAdmin,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expires, now)));
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await database
      .update(sessions)
      .set({ lastSeenAt: now, expires: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) })
      .where(eq(sessions.id, row.sessionId));
  }
  return { sessionId: row.sessionId, user: row.user };
}

/** Deletes the session of a cookie token; returns it (id, user) when there was one. */
export async function deleteSessionByToken(database: DbOrTx, token: string): Promise<{ id: string; userId: string } | null> {
  const [row] = await database
    .delete(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)))
    .returning({ id: sessions.id, userId: sessions.userId });
  return row ?? null;
}

/** Revokes every session of a user, optionally keeping one (e.g. after a password change). */
export async function deleteUserSessions(database: DbOrTx, userId: string, keepSessionId?: string): Promise<void> {
  await database
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), keepSessionId ? ne(sessions.id, keepSessionId) : undefined));
}
