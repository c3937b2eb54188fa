import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { slugify } from '@/lib/slug';
import { workspaceMembers, workspaces } from '@/server/db/schema';
import { AppError } from '@/server/platform/errors';
import type { Tx } from '@/server/db/client';
import { withTenant } from '@/server/db/tenant';
import { superSql, testDb } from '../../../test/support/db';
import { makeUser, makeWorkspace } from '../../../test/support/trpc';
import { changeWorkspaceSlug, createWorkspace, deleteWorkspace, listWorkspacesForUser, renameWorkspace } from './workspace-service';

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

async function auditOf(workspaceId: string) {
  return superSql()<{ action: string; actor_id: string; target_id: string | null; data: Record<string, unknown>; ip: string | null; request_id: string | null }[]>`
    SELECT action, actor_id, target_id, data, ip, request_id FROM audit_log WHERE workspace_id = ${workspaceId} ORDER BY seq`;
}

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

  it('renames, recording workspace.renamed with from/to (nothing for an unchanged name)', async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }], 'Old Name');
    const scoped = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(testDb(), { workspaceId: ws.id, userId: user.id }, fn);
    const by = { actorId: user.id, ip: '203.0.113.9', requestId: 'req-rename' };
    await scoped((tx) => renameWorkspace(tx, ws.id, '  New Name ', by));
    await scoped((tx) => renameWorkspace(tx, ws.id, 'New Name', by));
    const [row] = await scoped((tx) => tx.select().from(workspaces).where(eq(workspaces.id, ws.id)));
    expect(row?.name).toBe('New Name');
    expect(await auditOf(ws.id)).toEqual([
      { action: 'workspace.renamed', actor_id: user.id, target_id: ws.id, data: { from: 'Old Name', to: 'New Name' }, ip: '203.0.113.9', request_id: 'req-rename' },
    ]);
  });

  it('records workspace.created with the creator, name and slug in the creating transaction', async () => {
    const user = await makeUser();
    const created = await createWorkspace(testDb(), user.id, 'Audited Crew', { ip: '203.0.113.9', requestId: 'req-create' });
    expect(await auditOf(created.id)).toEqual([
      {
        action: 'workspace.created',
        actor_id: user.id,
        target_id: created.id,
        data: { name: 'Audited Crew', slug: 'audited-crew' },
        ip: '203.0.113.9',
        request_id: 'req-create',
      },
    ]);
  });

  it('deletes only with the exact name typed, cascading memberships', async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }], 'Doomed');
    const scoped = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(testDb(), { workspaceId: ws.id }, fn);
    const by = { actorId: user.id, ip: null, requestId: 'req-delete' };
    await expect(scoped((tx) => deleteWorkspace(tx, ws, 'doomed', by))).rejects.toBeInstanceOf(AppError);
    expect(await scoped((tx) => tx.select().from(workspaces).where(eq(workspaces.id, ws.id)))).toHaveLength(1);
    expect(await auditOf(ws.id)).toEqual([]);
    await scoped((tx) => deleteWorkspace(tx, ws, 'Doomed', by));
    // Checked as the superuser (no row-level security): nothing of the workspace is left.
    expect(await superSql()`SELECT 1 FROM workspace_members WHERE workspace_id = ${ws.id}`).toHaveLength(0);
    expect(await scoped((tx) => tx.select().from(workspaces).where(eq(workspaces.id, ws.id)))).toHaveLength(0);
    // The audit entry outlives the workspace (no foreign key).
    expect(await auditOf(ws.id)).toMatchObject([{ action: 'workspace.deleted', actor_id: user.id, data: { name: 'Doomed', slug: ws.slug } }]);
  });

  it('changes the slug, refuses a malformed or taken one with a field error, and audits the change', async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    const other = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    const by = { actorId: user.id, ip: null, requestId: 'r' };
    const scoped = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(testDb(), { workspaceId: ws.id, userId: user.id }, fn);
    await expect(scoped((tx) => changeWorkspaceSlug(tx, ws.id, 'Bad Slug!', by))).rejects.toMatchObject({ key: 'workspace.slugInvalid' });
    await expect(scoped((tx) => changeWorkspaceSlug(tx, ws.id, other.slug, by))).rejects.toMatchObject({ code: 'CONFLICT', key: 'workspace.slugTaken' });
    expect(await auditOf(ws.id)).toEqual([]);
    expect(await scoped((tx) => changeWorkspaceSlug(tx, ws.id, 'new-home', by))).toEqual({ slug: 'new-home' });
    expect(await auditOf(ws.id)).toMatchObject([{ action: 'workspace.slug_changed', data: { from: ws.slug, to: 'new-home' } }]);
  });
});
