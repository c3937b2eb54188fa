/**
 * Isolation tests (b) and (c), at the API: every procedure of the appRouter is discovered here,
 * so a new one is covered without anyone editing this file.
 *
 * (b) every workspace procedure, called by a signed-in user of ANOTHER workspace, answers
 *     NOT_FOUND or FORBIDDEN — once through the app role (both layers) and once through a
 *     superuser connection that bypasses row-level security (so the application's own guard is
 *     proven on its own, and removing it fails this test even though RLS would still hold);
 * (c) every write procedure a viewer does not hold, called by a viewer of the workspace, answers
 *     FORBIDDEN;
 * and no procedure takes a workspace or record id without a workspace guard, unless listed below.
 */
import { TRPCError } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { can } from '@/lib/permissions';
import { appRouter } from '@/server/api/root';
import { createContext, type Meta } from '@/server/api/trpc';
import { createSession, sessionCookieName } from '@/server/auth/session';
import { createDatabase, type Database } from '@/server/db/client';
import { superuserUrl, testDb } from '../support/db';
import { cookieJar, createTestCaller, makeUser, makeWorkspace } from '../support/trpc';

/** Procedures that take an id but are not workspace-scoped, and why that is safe. */
const NOT_WORKSPACE_SCOPED: Record<string, string> = {
  'auth.revokeSession': 'scoped to the signed-in user: deletes only their own session rows',
};

interface ProcedureInfo {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  meta: Meta | undefined;
  inputKeys: string[];
}

function procedures(): ProcedureInfo[] {
  const record = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureInfo['type']; meta?: Meta; inputs: unknown[] } }>;
  return Object.entries(record).map(([path, procedure]) => ({
    path,
    type: procedure._def.type,
    meta: procedure._def.meta,
    inputKeys: procedure._def.inputs.flatMap((schema) => {
      const shape = (schema as { shape?: Record<string, unknown> }).shape;
      return shape ? Object.keys(shape) : [];
    }),
  }));
}

type AnyCaller = Record<string, unknown>;

async function call(database: Database, userId: string, path: string, input: unknown): Promise<unknown> {
  const jar = cookieJar();
  const { token } = await createSession(testDb(), userId, { userAgent: 'isolation-test', ip: '127.0.0.1' });
  jar.values.set(sessionCookieName(false), token);
  const ctx = await createContext({ headers: new Headers(), cookies: jar, secure: false, database });
  let target: unknown = createTestCaller(ctx);
  for (const segment of path.split('.')) target = (target as AnyCaller)[segment];
  return (target as (input: unknown) => Promise<unknown>)(input);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `non-tRPC error: ${String(error)}`;
  }
}

const workspaceProcedures = () => procedures().filter((p) => p.meta?.permission);

describe('every procedure', () => {
  let victimSlug = '';
  let outsiderId = '';
  let viewerId = '';

  beforeAll(async () => {
    const owner = await makeUser();
    const outsider = await makeUser();
    const viewer = await makeUser();
    outsiderId = outsider.id;
    viewerId = viewer.id;
    const victim = await makeWorkspace([
      { userId: owner.id, role: 'owner' },
      { userId: viewer.id, role: 'viewer' },
    ]);
    victimSlug = victim.slug;
    // The outsider has a workspace of their own: being a member somewhere must not help.
    await makeWorkspace([{ userId: outsider.id, role: 'owner' }]);
  });

  it('found the router (sanity)', () => {
    expect(workspaceProcedures().length).toBeGreaterThanOrEqual(3);
  });

  it('takes no workspace or record id without a workspace guard', () => {
    const unguarded = procedures()
      .filter((p) => !p.meta?.permission && !(p.path in NOT_WORKSPACE_SCOPED))
      .filter((p) => p.inputKeys.some((k) => k === 'workspaceSlug' || k === 'workspaceId' || /Id$/.test(k)))
      .map((p) => p.path);
    expect(unguarded).toEqual([]);
  });

  it('(b) refuses an outsider on every workspace procedure — app role, both layers', async () => {
    const results = await Promise.all(
      workspaceProcedures().map(async (p) => ({ path: p.path, code: await codeOf(call(testDb(), outsiderId, p.path, { workspaceSlug: victimSlug })) })),
    );
    expect(results.filter((r) => r.code !== 'NOT_FOUND' && r.code !== 'FORBIDDEN')).toEqual([]);
  });

  it('(b) refuses an outsider on every workspace procedure — application guard alone (RLS bypassed)', async () => {
    const unguardedDb = createDatabase(superuserUrl(), 2);
    try {
      const results = [];
      for (const p of workspaceProcedures()) {
        results.push({ path: p.path, code: await codeOf(call(unguardedDb, outsiderId, p.path, { workspaceSlug: victimSlug })) });
      }
      expect(results.filter((r) => r.code !== 'NOT_FOUND' && r.code !== 'FORBIDDEN')).toEqual([]);
    } finally {
      await unguardedDb.$client.end();
    }
  });

  it('(c) refuses a viewer on every write procedure a viewer does not hold', async () => {
    const writes = workspaceProcedures().filter((p) => p.type === 'mutation' && p.meta?.permission && !can('viewer', p.meta.permission));
    expect(writes.length).toBeGreaterThanOrEqual(2);
    const results = await Promise.all(
      writes.map(async (p) => ({ path: p.path, code: await codeOf(call(testDb(), viewerId, p.path, { workspaceSlug: victimSlug })) })),
    );
    expect(results.filter((r) => r.code !== 'FORBIDDEN')).toEqual([]);
  });
});
