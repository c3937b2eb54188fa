/**
 * Who may see a project (COLLAB-1): every member of the workspace for a workspace-visible project;
 * for a private one, its members and the workspace's owners/admins. Row-level security enforces
 * the same rule (drizzle/0004_boards_rls.sql); this is the application-layer check, also used by
 * the realtime sidecar on every room join.
 */
// No `import 'server-only'`: the sidecar (a plain Node process) imports this file.
import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Role } from '@/lib/permissions';
import type { DbOrTx } from '@/server/db/client';
import { projectMembers, projects } from '@/server/db/schema';

export interface ProjectViewer {
  userId: string;
  /** The viewer's role in the project's workspace. */
  role: Role;
}

/** Owners and admins of a workspace see (and administer) every project in it. */
export function isWorkspaceAdmin(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

/**
 * Whether `viewer` may see project `projectId`. `tx` must be scoped to the project's workspace
 * (`withTenant(db, { workspaceId, userId })`); a project of another workspace, a soft-deleted one,
 * or an unknown id answers false.
 */
export async function canViewProject(tx: DbOrTx, viewer: ProjectViewer, projectId: string): Promise<boolean> {
  const [row] = await tx
    .select({ visibility: projects.visibility, memberId: projectMembers.userId })
    .from(projects)
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, viewer.userId)))
    .where(and(eq(projects.id, projectId), isNull(projects.deletedAt)))
    .limit(1);
  if (!row) return false;
  return row.visibility === 'workspace' || isWorkspaceAdmin(viewer.role) || row.memberId !== null;
}

/**
 * The rule of `canViewProject` as a condition on `projects`, for the statements that fold the
 * check in instead of asking first (ADR 0014): a project of the transaction's workspace, not
 * deleted, and workspace-visible, or the viewer a workspace owner/admin or a project member.
 * Row-level security applies the same rule again underneath.
 */
export function projectVisibleTo(viewer: ProjectViewer): SQL {
  const memberOrPublic = isWorkspaceAdmin(viewer.role)
    ? undefined
    : or(
        eq(projects.visibility, 'workspace'),
        sql`EXISTS (SELECT 1 FROM ${projectMembers} WHERE ${projectMembers.projectId} = ${projects.id} AND ${projectMembers.userId} = ${viewer.userId})`,
      );
  return and(eq(projects.workspaceId, sql`app_workspace_id()`), isNull(projects.deletedAt), memberOrPublic) as SQL;
}

/**
 * Rows whose project (`projectId`: a column such as `tasks.project_id`, or an id) `viewer` may see:
 * `EXISTS` on `projects` with `projectVisibleTo`. Given an id, PostgreSQL evaluates it once.
 */
export function inProjectVisibleTo(viewer: ProjectViewer, projectId: AnyPgColumn | string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${projects} WHERE ${projects.id} = ${projectId} AND ${projectVisibleTo(viewer)})`;
}

/** Whether `viewer` may manage a project's member list: workspace owners/admins and project admins. */
export async function canManageProjectMembers(tx: DbOrTx, viewer: ProjectViewer, projectId: string): Promise<boolean> {
  if (isWorkspaceAdmin(viewer.role)) return canViewProject(tx, viewer, projectId);
  const [row] = await tx
    .select({ isAdmin: projectMembers.isAdmin })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, viewer.userId)));
  return row?.isAdmin === true;
}

/** Who performs a board write: the viewer plus the request id carried into outbox events. */
export interface BoardActor extends ProjectViewer {
  requestId: string | null;
}
