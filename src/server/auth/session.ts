/**
 * Server-side sessions (AUTH-2; decision: docs/decisions/0002-database-sessions.md).
 *
 * The cookie carries a random 256-bit token; the `sessions` row keeps only its SHA-256 hash plus
 * device, IP and last-seen. Every request looks the row up, so deleting it revokes the session on
 * the very next request. Password sign-in, OAuth/OIDC and magic links all end in `createSession`.
 *
 * The lookup is one prepared statement that also refreshes last-seen when it is older than
 * TOUCH_INTERVAL_SECONDS, and it is done once per request (ADR 0014): `lookupSession` remembers
 * the answer for the rest of the request; a later request always asks the database again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/server/db/client';
import { placeholders, statement } from '@/server/db/prepared';
import { sessions, users } from '@/server/db/schema';
import { currentRequestContext } from '@/server/platform/request-context';

export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** How often last_seen_at is refreshed (and the expiry slid forward): at most once per this many seconds. */
export const TOUCH_INTERVAL_SECONDS = 5 * 60;

/** Cookie name; over HTTPS the `__Host-` prefix (Secure, Path=/, no Domain: no subdomain can set or shadow it; SEC-6). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-kanso.session' : 'kanso.session';
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

const insertSession = statement<{ tokenHash: string; userId: string; expires: Date; userAgent: string | null; ip: string | null }, { id: string }>(
  (database) =>
    database
      .insert(sessions)
      .values(placeholders('tokenHash', 'userId', 'expires', 'userAgent', 'ip'))
      .returning({ id: sessions.id }),
);

export async function createSession(
  database: DbOrTx,
  userId: string,
  meta: SessionMeta,
  token: string = newSessionToken(),
): Promise<{ token: string; expires: Date; sessionId: string }> {
  const expires = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
  const [row] = await insertSession(database, {
    tokenHash: hashToken(token),
    userId,
    expires,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    ip: meta.ip?.slice(0, 64) ?? null,
  });
  if (!row) throw new Error('session insert returned no row');
  return { token, expires, sessionId: row.id };
}

/**
 * Looks a cookie token up — a live (unexpired) session and its user — in one statement, which also
 * refreshes last-seen and slides the expiry when last-seen is more than TOUCH_INTERVAL_SECONDS old
 * (a data-modifying CTE: it runs whether or not the SELECT reads it, and touches nothing otherwise).
 */
export async function validateSessionToken(database: DbOrTx, token: string): Promise<CurrentSession | null> {
  const [row] = await liveSession(database, { tokenHash: hashToken(token) });
  return row ?? null;
}

const liveSession = statement<{ tokenHash: string }, CurrentSession>(
  (database) => {
    const live = and(eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expires, sql`now()`));
    const touched = database.$with('touched').as(
      database
        .update(sessions)
        .set({ lastSeenAt: sql`now()`, expires: sql`now() + make_interval(secs => ${SESSION_MAX_AGE_SECONDS})` })
        .where(and(live, lt(sessions.lastSeenAt, sql`now() - make_interval(secs => ${TOUCH_INTERVAL_SECONDS})`)))
        .returning({ id: sessions.id }),
    );
    return database
      .with(touched)
      .select({
        sessionId: sessions.id,
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
      .where(live);
  },
  // The select list's order; timestamps arrive as text (Drizzle's driver leaves them unparsed).
  ([sessionId, id, email, name, image, locale, emailVerified, isPlatformAdmin]) => ({
    sessionId: sessionId as string,
    user: {
      id: id as string,
      email: email as string,
      name: name as string | null,
      image: image as string | null,
      locale: locale as string,
      emailVerified: emailVerified === null ? null : new Date(emailVerified as string),
      isPlatformAdmin: isPlatformAdmin as boolean,
    },
  }),
);

/** Lookups of this request (per database), by token hash; gone with the request. */
const lookups = new WeakMap<object, WeakMap<DbOrTx, Map<string, Promise<CurrentSession | null>>>>();

function requestLookups(database: DbOrTx): Map<string, Promise<CurrentSession | null>> | null {
  const request = currentRequestContext();
  if (!request) return null;
  let byDatabase = lookups.get(request);
  if (!byDatabase) lookups.set(request, (byDatabase = new WeakMap()));
  let byToken = byDatabase.get(database);
  if (!byToken) byDatabase.set(database, (byToken = new Map()));
  return byToken;
}

/**
 * `validateSessionToken`, at most once per token per request (ADR 0014): a second context of the
 * same request (a server component and a procedure it calls, two callers) reuses the answer. A
 * failed lookup is not remembered. Outside a request (scripts, tests) every call asks the database.
 */
export function lookupSession(database: DbOrTx, token: string): Promise<CurrentSession | null> {
  const memo = requestLookups(database);
  const key = hashToken(token);
  const known = memo?.get(key);
  if (known) return known;
  const lookup = validateSessionToken(database, token);
  if (memo) {
    memo.set(key, lookup);
    lookup.catch(() => memo.delete(key));
  }
  return lookup;
}

/** Forgets this request's lookups: it has just ended sessions, so none may be reused. */
export function forgetSessionLookups(): void {
  const request = currentRequestContext();
  if (request) lookups.delete(request);
}

/** Deletes the session of a cookie token; returns it (id, user) when there was one. */
export async function deleteSessionByToken(database: DbOrTx, token: string): Promise<{ id: string; userId: string } | null> {
  forgetSessionLookups();
  const [row] = await database
    .delete(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)))
    .returning({ id: sessions.id, userId: sessions.userId });
  return row ?? null;
}

/** Revokes every session of a user, optionally keeping one (e.g. after a password change). */
export async function deleteUserSessions(database: DbOrTx, userId: string, keepSessionId?: string): Promise<void> {
  forgetSessionLookups();
  await database
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), keepSessionId ? ne(sessions.id, keepSessionId) : undefined));
}
