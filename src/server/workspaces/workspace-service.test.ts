import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { slugify } from '@/lib/slug';
import { workspaceMembers, workspaces } from '@/server/db/schema';
import { AppError } from '@/server/platform/errors';
import type { Tx } from '@/server/db/client';
import { withTenant } from '@/server/db/tenant';
import { superSql, testDb } from '../../../test/support/db';
import { makeUser, makeWorkspace } from '../../../test/support/trpc';
import { createWorkspace, deleteWorkspace, listWorkspacesForUser, renameWorkspace } from './workspace-service';

describe('slugify', () => {
  it('folds accents, lower-cases and joins words with dashes', () => {
    expect(slugify('  Café Über Team! ')).toBe('cafe-uber-team');
    expect(slugify('Acme Inc.')).toBe('acme-inc');
  });
  it('returns an empty slug when nothing usable is left', () => {
    expect(slugify('!!!')).toBe('');
  });
  it('caps the length at 48 without a trailing dash', () => {
    const slug = slugify(`${'a'.repeat(47)} b`);
    expect(slug.length).toBeLessThanOrEqual(48);
    expect(slug.endsWith('-')).toBe(false);
  });
});

describe('workspace service', () => {
  it('creates a workspace with its creator as owner', async () => {
    const user = await makeUser();
    const created = await createWorkspace(testDb(), user.id, 'Rocket Team');
    expect(created).toMatchObject({ name: 'Rocket Team', slug: 'rocket-team', role: 'owner' });
    const [member] = await withTenant(testDb(), { workspaceId: created.id }, (tx) =>
      tx.select().from(workspaceMembers).where(eq(workspaceMembers.workspaceId, created.id)),
    );
    expect(member).toMatchObject({ userId: user.id, role: 'owner' });
  });

  it('gives a taken slug a numeric suffix, also under concurrency', async () => {
    const user = await makeUser();
    const results = await Promise.all([1, 2, 3].map(() => createWorkspace(testDb(), user.id, 'Same Name')));
    expect(results.map((r) => r.slug).sort()).toEqual(['same-name', 'same-name-2', 'same-name-3']);
  });

  it('refuses a name without letters or digits and writes nothing', async () => {
    const user = await makeUser();
    await expect(createWorkspace(testDb(), user.id, '!!!')).rejects.toMatchObject({ code: 'BAD_REQUEST', key: 'workspace.nameInvalid' });
    expect(await listWorkspacesForUser(testDb(), user.id)).toEqual([]);
  });

  it('lists only the workspaces the user belongs to', async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    await makeWorkspace([{ userId: alice.id, role: 'owner' }], 'Alpha');
    await makeWorkspace([{ userId: bob.id, role: 'owner' }], 'Beta');
    const list = await listWorkspacesForUser(testDb(), alice.id);
    expect(list.map((w) => w.name)).toEqual(['Alpha']);
  });

  it('renames', async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    const scoped = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(testDb(), { workspaceId: ws.id }, fn);
    await scoped((tx) => renameWorkspace(tx, ws.id, '  New Name '));
    const [row] = await scoped((tx) => tx.select().from(workspaces).where(eq(workspaces.id, ws.id)));
    expect(row?.name).toBe('New Name');
  });

  it('deletes only with the exact name typed, cascading memberships', async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }], 'Doomed');
    const scoped = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(testDb(), { workspaceId: ws.id }, fn);
    await expect(scoped((tx) => deleteWorkspace(tx, ws, 'doomed'))).rejects.toBeInstanceOf(AppError);
    expect(await scoped((tx) => tx.select().from(workspaces).where(eq(workspaces.id, ws.id)))).toHaveLength(1);
    await scoped((tx) => deleteWorkspace(tx, ws, 'Doomed'));
    // Checked as the superuser (no row-level security): nothing of the workspace is left.
    expect(await superSql()`SELECT 1 FROM workspace_members WHERE workspace_id = ${ws.id}`).toHaveLength(0);
    expect(await scoped((tx) => tx.select().from(workspaces).where(eq(workspaces.id, ws.id)))).toHaveLength(0);
  });
});
