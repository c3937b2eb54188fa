/**
 * Calling the real appRouter in tests, as a given user (or signed out), against this file's
 * database. Cookies the procedures set are recorded in `jar`.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { appRouter } from '@/server/api/root';
import { createContext, createCallerFactory, type CookieJar } from '@/server/api/trpc';
import { createSession, sessionCookieName } from '@/server/auth/session';
import { users, workspaceMembers, workspaces } from '@/server/db/schema';
import { withTenant } from '@/server/db/tenant';
import type { Role } from '@/lib/permissions';
import { testDb } from './db';

export const createTestCaller = createCallerFactory(appRouter);

/** The TRPCError a call rejected with (fails the test when it resolved or threw something else). */
export async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

export interface TestCookieJar extends CookieJar {
  values: Map<string, string>;
}

export function cookieJar(initial: Record<string, string> = {}): TestCookieJar {
  const values = new Map(Object.entries(initial));
  return {
    values,
    get: (name) => values.get(name),
    set: (name, value) => void values.set(name, value),
    delete: (name) => void values.delete(name),
  };
}

/** A caller for `userId` (a real session row and cookie), or signed out when null. */
export async function callerAs(userId: string | null, options: { locale?: string; jar?: TestCookieJar } = {}) {
  const jar = options.jar ?? cookieJar();
  if (userId) {
    const { token } = await createSession(testDb(), userId, { userAgent: 'vitest', ip: '127.0.0.1' });
    jar.values.set(sessionCookieName(false), token);
  }
  const headers = new Headers({ 'user-agent': 'vitest', 'x-kanso-client-ip': '127.0.0.1' });
  if (options.locale) headers.set('x-kanso-locale', options.locale);
  const ctx = await createContext({ headers, cookies: jar, secure: false, database: testDb() });
  return { caller: createTestCaller(ctx), jar, ctx };
}

let counter = 0;
/** A verified user with a unique email. */
export async function makeUser(overrides: Partial<typeof users.$inferInsert> = {}) {
  counter += 1;
  const [user] = await testDb()
    .insert(users)
    .values({ email: `user-${counter}-${Date.now()}@example.test`, name: `User ${counter}`, emailVerified: new Date(), ...overrides })
    .returning();
  if (!user) throw new Error('user insert failed');
  return user;
}

/** A workspace with the given members (the first is usually the owner). */
export async function makeWorkspace(members: Array<{ userId: string; role: Role }>, name = `Workspace ${++counter}`) {
  const id = randomUUID();
  return withTenant(testDb(), { workspaceId: id }, async (tx) => {
    const [workspace] = await tx
      .insert(workspaces)
      .values({ id, name, slug: `ws-${counter}-${Date.now()}` })
      .returning();
    if (!workspace) throw new Error('workspace insert failed');
    if (members.length > 0) {
      await tx.insert(workspaceMembers).values(members.map((m) => ({ workspaceId: id, userId: m.userId, role: m.role })));
    }
    return workspace;
  });
}
