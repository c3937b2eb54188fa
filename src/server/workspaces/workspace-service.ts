/** Workspaces, first cut (TEN-1): create with a unique slug, list, rename, delete (cascades). */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Role } from '@/lib/permissions';
import { slugify } from '@/lib/slug';
import type { Database } from '@/server/db/client';
import { workspaceMembers, workspaces } from '@/server/db/schema';
import { AppError } from '@/server/platform/errors';

export const MAX_WORKSPACES_LISTED = 100;

export interface WorkspaceSummary {
  id: string;
  name: string;
  slug: string;
  role: Role;
}

export async function listWorkspacesForUser(database: Database, userId: string): Promise<WorkspaceSummary[]> {
  return database
    .select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(eq(workspaceMembers.userId, userId))
    .orderBy(asc(workspaces.name))
    .limit(MAX_WORKSPACES_LISTED);
}

/** Creates the workspace and its owner membership in one transaction; the slug gets a suffix if taken. */
export async function createWorkspace(database: Database, userId: string, name: string): Promise<WorkspaceSummary> {
  const base = slugify(name);
  if (!base) throw new AppError('BAD_REQUEST', 'workspace.nameInvalid', { fieldErrors: { name: 'workspace.nameInvalid' } });
  return database.transaction(async (tx) => {
    // Serialise slug allocation for this base so two concurrent creates cannot pick the same one.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`workspace-slug:${base}`}))`);
    const taken = await tx
      .select({ slug: workspaces.slug })
      .from(workspaces)
      .where(sql`${workspaces.slug} = ${base} OR ${workspaces.slug} LIKE ${`${base}-%`}`);
    const used = new Set(taken.map((r) => r.slug));
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    const [workspace] = await tx.insert(workspaces).values({ name: name.trim(), slug }).returning();
    if (!workspace) throw new AppError('INTERNAL', 'generic.internal');
    await tx.insert(workspaceMembers).values({ workspaceId: workspace.id, userId, role: 'owner' });
    return { id: workspace.id, name: workspace.name, slug: workspace.slug, role: 'owner' as const };
  });
}

export async function renameWorkspace(database: Database, workspaceId: string, name: string): Promise<{ name: string }> {
  const [row] = await database
    .update(workspaces)
    .set({ name: name.trim(), updatedAt: new Date() })
    .where(eq(workspaces.id, workspaceId))
    .returning({ name: workspaces.name });
  if (!row) throw new AppError('NOT_FOUND', 'workspace.notFound');
  return row;
}

/** Deletes the workspace; every tenant row goes with it through ON DELETE CASCADE. */
export async function deleteWorkspace(database: Database, workspace: { id: string; name: string }, confirmation: string): Promise<void> {
  if (confirmation.trim() !== workspace.name) {
    throw new AppError('BAD_REQUEST', 'validation.confirmationMismatch', { fieldErrors: { confirmation: 'validation.confirmationMismatch' } });
  }
  await database.transaction(async (tx) => {
    await tx.delete(workspaces).where(and(eq(workspaces.id, workspace.id)));
  });
}
