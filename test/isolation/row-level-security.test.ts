/**
 * Isolation test (a), at the database: with no tenant set the app role sees no tenant rows, and a
 * write naming another workspace is refused by PostgreSQL itself — whatever the application does.
 * Every table with a `workspace_id` column must have row-level security enabled AND forced.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { invitations, workspaceMembers, workspaces } from '@/server/db/schema';
import { isInsufficientPrivilege } from '@/server/db/errors';
import { withTenant } from '@/server/db/tenant';
import { superSql, testDb } from '../support/db';
import { makeUser, makeWorkspace } from '../support/trpc';

async function tenantTables(): Promise<string[]> {
  const rows = await superSql()<{ table: string }[]>`
    SELECT DISTINCT c.relname AS table
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r'
      AND (c.relname = 'workspaces' OR EXISTS (
        SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped))
    ORDER BY 1`;
  return rows.map((r) => r.table);
}

describe('row-level security', () => {
  let alice: { id: string };
  let own: { id: string };
  let foreign: { id: string };

  beforeAll(async () => {
    alice = await makeUser();
    const bob = await makeUser();
    own = await makeWorkspace([{ userId: alice.id, role: 'owner' }], 'Own');
    foreign = await makeWorkspace([{ userId: bob.id, role: 'owner' }], 'Foreign');
  });

  it('is enabled and forced on every tenant table', async () => {
    const tables = await tenantTables();
    expect(tables).toEqual(expect.arrayContaining(['workspaces', 'workspace_members', 'invitations', 'invite_links', 'audit_log']));
    const flags = await superSql()<{ table: string; enabled: boolean; forced: boolean }[]>`
      SELECT relname AS table, relrowsecurity AS enabled, relforcerowsecurity AS forced
      FROM pg_class WHERE relname = ANY(${tables}) AND relnamespace = 'public'::regnamespace`;
    const unprotected = flags.filter((f) => !f.enabled || !f.forced).map((f) => f.table);
    expect(unprotected).toEqual([]);
  });

  it('shows no tenant rows to a query that set no tenant', async () => {
    for (const table of await tenantTables()) {
      const [{ count } = { count: -1 }] = (await testDb().execute(sql.raw(`SELECT count(*)::int AS count FROM "${table}"`))) as unknown as { count: number }[];
      expect({ table, count }).toEqual({ table, count: 0 });
    }
    // …while the rows exist (seen by the superuser, who bypasses RLS).
    const [{ n } = { n: 0 }] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM workspaces`;
    expect(n).toBeGreaterThanOrEqual(2);
  });

  it('shows only the scoped workspace', async () => {
    const visible = await withTenant(testDb(), { workspaceId: own.id }, (tx) => tx.select({ id: workspaces.id }).from(workspaces));
    expect(visible.map((w) => w.id)).toEqual([own.id]);
  });

  it('refuses an insert that names another workspace', async () => {
    const error = await withTenant(testDb(), { workspaceId: own.id, userId: alice.id }, (tx) =>
      tx.insert(workspaceMembers).values({ workspaceId: foreign.id, userId: alice.id, role: 'owner' }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isInsufficientPrivilege(error)).toBe(true);
    const error2 = await withTenant(testDb(), { workspaceId: own.id }, (tx) =>
      tx.insert(invitations).values({ workspaceId: foreign.id, email: 'x@example.test', role: 'member', tokenHash: 'h', expiresAt: new Date() }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isInsufficientPrivilege(error2)).toBe(true);
  });

  it('cannot update or delete another workspace even when asked by id', async () => {
    const result = await withTenant(testDb(), { workspaceId: own.id }, async (tx) => {
      const updated = await tx.update(workspaces).set({ name: 'pwned' }).where(sql`${workspaces.id} = ${foreign.id}`).returning();
      const deleted = await tx.delete(workspaces).where(sql`${workspaces.id} = ${foreign.id}`).returning();
      return { updated: updated.length, deleted: deleted.length };
    });
    expect(result).toEqual({ updated: 0, deleted: 0 });
    const [row] = await superSql()<{ name: string }[]>`SELECT name FROM workspaces WHERE id = ${foreign.id}`;
    expect(row?.name).toBe('Foreign');
  });

  it('lets the app role neither update nor delete audit entries (append-only)', async () => {
    const denied = await testDb()
      .execute(sql`UPDATE audit_log SET action = 'x'`)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isInsufficientPrivilege(denied)).toBe(true);
  });
});
