/**
 * The Auth.js adapter over Kanso's own tables (users, accounts, sessions, verification_tokens).
 *
 * Sessions go through src/server/auth/session.ts: Auth.js hands us the raw session token (the
 * cookie value) and we store only its SHA-256, with the device and IP of the request — the very
 * same rows password sign-in creates, so one cookie and one table serve every sign-in method.
 *
 * Provider access/refresh/id tokens are NOT stored: Kanso never calls provider APIs after sign-in,
 * so keeping them would only be a liability.
 */
import 'server-only';
import { and, eq, gt } from 'drizzle-orm';
import type { Adapter, AdapterAccount, AdapterSession, AdapterUser, VerificationToken } from 'next-auth/adapters';
import type { Locale } from '@/i18n/routing';
import type { Database } from '@/server/db/client';
import { accounts, sessions, users, verificationTokens } from '@/server/db/schema';
import { createSession, deleteSessionByToken, hashToken, type SessionMeta } from './session';

export interface AdapterRequestInfo extends SessionMeta {
  /** Language for accounts Auth.js creates (magic link to a new address, first OAuth sign-in). */
  locale: Locale;
}

const userColumns = {
  id: users.id,
  email: users.email,
  emailVerified: users.emailVerified,
  name: users.name,
  image: users.image,
};

type UserRow = { id: string; email: string; emailVerified: Date | null; name: string | null; image: string | null };

function toAdapterUser(row: UserRow): AdapterUser {
  return { id: row.id, email: row.email, emailVerified: row.emailVerified, name: row.name, image: row.image };
}

export function kansoAdapter(database: Database, requestInfo: () => Promise<AdapterRequestInfo>): Adapter {
  return {
    async createUser(user) {
      const { locale } = await requestInfo();
      const [row] = await database
        .insert(users)
        .values({
          email: user.email.trim().toLowerCase(),
          name: user.name ?? null,
          image: user.image ?? null,
          emailVerified: user.emailVerified ?? null,
          locale,
        })
        .returning(userColumns);
      if (!row) throw new Error('adapter.createUser returned no row');
      return toAdapterUser(row);
    },

    async getUser(id) {
      if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
      const [row] = await database.select(userColumns).from(users).where(eq(users.id, id));
      return row ? toAdapterUser(row) : null;
    },

    async getUserByEmail(email) {
      const [row] = await database.select(userColumns).from(users).where(eq(users.email, email.trim().toLowerCase()));
      return row ? toAdapterUser(row) : null;
    },

    async getUserByAccount({ provider, providerAccountId }) {
      const [row] = await database
        .select(userColumns)
        .from(accounts)
        .innerJoin(users, eq(users.id, accounts.userId))
        .where(and(eq(accounts.provider, provider), eq(accounts.providerAccountId, providerAccountId)));
      return row ? toAdapterUser(row) : null;
    },

    async updateUser(user) {
      const patch: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
      if (user.name !== undefined) patch.name = user.name;
      if (user.image !== undefined) patch.image = user.image;
      if (user.emailVerified !== undefined) patch.emailVerified = user.emailVerified;
      if (user.email !== undefined) patch.email = user.email.trim().toLowerCase();
      const [row] = await database.update(users).set(patch).where(eq(users.id, user.id)).returning(userColumns);
      if (!row) throw new Error('adapter.updateUser: no such user');
      return toAdapterUser(row);
    },

    async deleteUser(userId) {
      await database.delete(users).where(eq(users.id, userId));
    },

    async linkAccount(account: AdapterAccount) {
      await database
        .insert(accounts)
        .values({
          userId: account.userId,
          type: account.type,
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          scope: typeof account.scope === 'string' ? account.scope : null,
          tokenType: typeof account.token_type === 'string' ? account.token_type.toLowerCase() : null,
        })
        .onConflictDoNothing();
    },

    async unlinkAccount({ provider, providerAccountId }) {
      await database.delete(accounts).where(and(eq(accounts.provider, provider), eq(accounts.providerAccountId, providerAccountId)));
    },

    async createSession({ sessionToken, userId }): Promise<AdapterSession> {
      const meta = await requestInfo();
      const session = await createSession(database, userId, { userAgent: meta.userAgent, ip: meta.ip }, sessionToken);
      return { sessionToken, userId, expires: session.expires };
    },

    async getSessionAndUser(sessionToken) {
      const [row] = await database
        .select({ expires: sessions.expires, user: userColumns })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, hashToken(sessionToken)), gt(sessions.expires, new Date())));
      if (!row) return null;
      return { session: { sessionToken, userId: row.user.id, expires: row.expires }, user: toAdapterUser(row.user) };
    },

    async updateSession({ sessionToken, expires }) {
      const now = new Date();
      const [row] = await database
        .update(sessions)
        .set({ lastSeenAt: now, ...(expires ? { expires } : {}) })
        .where(eq(sessions.tokenHash, hashToken(sessionToken)))
        .returning({ userId: sessions.userId, expires: sessions.expires });
      return row ? { sessionToken, userId: row.userId, expires: row.expires } : null;
    },

    async deleteSession(sessionToken) {
      await deleteSessionByToken(database, sessionToken);
    },

    // Auth.js passes the token already hashed with the secret (sha256(token + secret)).
    async createVerificationToken(token: VerificationToken) {
      await database.insert(verificationTokens).values(token);
      return token;
    },

    async useVerificationToken({ identifier, token }) {
      const [row] = await database
        .delete(verificationTokens)
        .where(
          identifier
            ? and(eq(verificationTokens.identifier, identifier), eq(verificationTokens.token, token))
            : eq(verificationTokens.token, token),
        )
        .returning();
      return row ?? null;
    },
  };
}

