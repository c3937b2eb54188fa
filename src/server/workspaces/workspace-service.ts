/** Workspaces, first cut (TEN-1): create with a unique slug, list, rename, delete (cascades). */
import { randomBytes, randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Role } from '@/lib/permissions';
import { slugify } from '@/lib/slug';
import type { DbOrTx } from '@/server/db/client';
import { isUniqueViolation } from '@/server/db/errors';
import { withTenant } from '@/server/db/tenant';
import { workspaceMembers, workspaces } from '@/server/db/schema';
import { AppError } from '@/server/platform/errors';
import { recordAudit } from '@/server/audit/audit-service';

export const MAX_WORKSPACES_LISTED = 100;

/** Who made a change, for its audit entry (SEC-4). */
export interface ChangedBy {
  actorId: string;
  ip?: string | null;
  requestId?: string | null;
}

export interface WorkspaceSummary {
  id: string;
  name: string;
  slug: string;
  role: Role;
}

/** The user's own memberships (visible across workspaces through `app.user_id`). */
export async function listWorkspacesForUser(database: DbOrTx, userId: string): Promise<WorkspaceSummary[]> {
  return withTenant(database, { userId }, (tx) =>
    tx
    .select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(workspaceMembers.userId, userId))
    .orderBy(asc(workspaces.name))
    .limit(MAX_WORKSPACES_LISTED),
  );
}

/** Creates the workspace and its owner membership in one transaction; the slug gets a suffix if taken. */
export async function createWorkspace(
  database: DbOrTx,
  userId: string,
  name: string,
  request: Omit<ChangedBy, 'actorId'> = {},
): Promise<WorkspaceSummary> {
  const base = slugify(name);
  if (!base) throw new AppError('BAD_REQUEST', 'workspace.nameInvalid', { fieldErrors: { name: 'workspace.nameInvalid' } });
  // The id is chosen here so the transaction can be scoped to the new workspace before it exists.
  const id = randomUUID();
  return withTenant(database, { workspaceId: id, userId }, async (tx) => {
    // Slugs are unique across all workspaces, but row-level security hides other tenants' rows, so
    // candidates are tried in savepoints: base, base-2, base-3, … then a random suffix.
    let workspace: typeof workspaces.$inferSelect | undefined;
    for (let attempt = 1; !workspace; attempt++) {
      const slug = attempt === 1 ? base : attempt <= SLUG_ATTEMPTS ? `${base}-${attempt}` : `${base}-${randomBytes(3).toString('hex')}`;
      workspace = await tx
        .transaction(async (sp) => (await sp.insert(workspaces).values({ id, name: name.trim(), slug }).returning())[0])
        .catch((error: unknown) => {
          if (isUniqueViolation(error, 'workspaces_slug_key') && attempt <= SLUG_ATTEMPTS + 3) return undefined;
          throw error;
        });
    }
    await tx.insert(workspaceMembers).values({ workspaceId: workspace.id, userId, role: 'owner' });
    await recordAudit(tx, {
      workspaceId: workspace.id,
      actorId: userId,
      action: 'workspace.created',
      target: { type: 'workspace', id: workspace.id },
      data: { name: workspace.name, slug: workspace.slug },
      ip: request.ip,
      requestId: request.requestId,
    });
    return { id: workspace.id, name: workspace.name, slug: workspace.slug, role: 'owner' as const };
  });
}

const SLUG_ATTEMPTS = 20;

/** Renames the workspace; recorded as `workspace.renamed` (from/to) in the same transaction. */
export async function renameWorkspace(database: DbOrTx, workspaceId: string, name: string, by: ChangedBy): Promise<{ name: string }> {
  return database.transaction(async (tx) => {
    const [current] = await tx.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, workspaceId)).for('no key update');
    if (!current) throw new AppError('NOT_FOUND', 'workspace.notFound');
    const to = name.trim();
    if (to === current.name) return current;
    const [row] = await tx
      .update(workspaces)
      .set({ name: to, updatedAt: new Date() })
      .where(eq(workspaces.id, workspaceId))
      .returning({ name: workspaces.name });
    if (!row) throw new AppError('NOT_FOUND', 'workspace.notFound');
    await recordAudit(tx, {
      workspaceId,
      actorId: by.actorId,
      action: 'workspace.renamed',
      target: { type: 'workspace', id: workspaceId },
      data: { from: current.name, to: row.name },
      ip: by.ip,
      requestId: by.requestId,
    });
    return row;
  });
}

/**
 * Deletes the workspace; every tenant row goes with it through ON DELETE CASCADE. The audit log
 * has no foreign key, so the `workspace.deleted` entry (written in the same transaction) outlives it.
 */
export async function deleteWorkspace(
  database: DbOrTx,
  workspace: { id: string; name: string; slug?: string },
  confirmation: string,
  by: ChangedBy,
): Promise<void> {
  if (confirmation.trim() !== workspace.name) {
    throw new AppError('BAD_REQUEST', 'validation.confirmationMismatch', { fieldErrors: { confirmation: 'validation.confirmationMismatch' } });
  }
  await database.transaction(async (tx) => {
    await recordAudit(tx, {
      workspaceId: workspace.id,
      actorId: by.actorId,
      action: 'workspace.deleted',
      target: { type: 'workspace', id: workspace.id },
      data: { name: workspace.name, slug: workspace.slug ?? null },
      ip: by.ip,
      requestId: by.requestId,
    });
    await tx.delete(workspaces).where(eq(workspaces.id, workspace.id));
  });
}

export const SLUG_PATTERN = /^[a-z0-9](?:-?[a-z0-9])*$/;

/** Changes the workspace's address (old links stop working); recorded as `workspace.slug_changed`. */
export async function changeWorkspaceSlug(database: DbOrTx, workspaceId: string, slug: string, by: ChangedBy): Promise<{ slug: string }> {
  if (!SLUG_PATTERN.test(slug) || slug.length < 2 || slug.length > 48) {
    throw new AppError('BAD_REQUEST', 'workspace.slugInvalid', { fieldErrors: { slug: 'workspace.slugInvalid' } });
  }
  return database.transaction(async (tx) => {
    const [current] = await tx.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, workspaceId));
    if (!current) throw new AppError('NOT_FOUND', 'workspace.notFound');
    if (current.slug === slug) return current;
    try {
      // In a savepoint, so a taken slug leaves the transaction usable for the typed error.
      await tx.transaction((sp) => sp.update(workspaces).set({ slug, updatedAt: new Date() }).where(eq(workspaces.id, workspaceId)));
    } catch (error) {
      if (isUniqueViolation(error, 'workspaces_slug_key')) {
        throw new AppError('CONFLICT', 'workspace.slugTaken', { fieldErrors: { slug: 'workspace.slugTaken' } });
      }
      throw error;
    }
    await recordAudit(tx, {
      workspaceId,
      actorId: by.actorId,
      action: 'workspace.slug_changed',
      target: { type: 'workspace', id: workspaceId },
      data: { from: current.slug, to: slug },
      ip: by.ip,
      requestId: by.requestId,
    });
    return { slug };
  });
}
