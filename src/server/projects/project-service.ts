/**
 * Projects (COLLAB-1): workspace-visible or private with a member list managed by project admins
 * (and workspace owners/admins). Writes are compare-and-set on `version` (COLLAB-2), idempotent on
 * the client-generated id, and append an outbox event in the same transaction (COLLAB-3).
 *
 * Every function takes the workspace-scoped transaction of the calling procedure.
 */
import 'server-only';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import { isUniqueViolation } from '@/server/db/errors';
import { prepared } from '@/server/db/prepared';
import { projectMembers, projects, workspaceMembers } from '@/server/db/schema';
import { AppError } from '@/server/platform/errors';
import { appendEvent, type OutboxEventType } from '@/server/realtime-events/outbox';
import { canManageProjectMembers, isWorkspaceAdmin, projectVisibleTo, type BoardActor } from './access';

export type Project = typeof projects.$inferSelect;
export type Visibility = Project['visibility'];
export const PROJECT_LIST_MAX = 500;

export interface ProjectScope {
  workspaceId: string;
}

async function emit(tx: Tx, ws: ProjectScope, actor: BoardActor, type: OutboxEventType, projectId: string, payload: Record<string, unknown>) {
  await appendEvent(tx, { workspaceId: ws.workspaceId, projectId, type, payload, actorId: actor.userId, requestId: actor.requestId });
}

async function findProject(tx: Tx, projectId: string): Promise<Project | undefined> {
  const [row] = await tx.select().from(projects).where(and(eq(projects.id, projectId), isNull(projects.deletedAt)));
  return row;
}

/** The project if `actor` may see it (both layers: RLS filters, and the app's condition in the same query), else NOT_FOUND. */
export async function getProject(tx: Tx, actor: BoardActor, projectId: string): Promise<Project> {
  const [project] = await prepared(tx.select().from(projects).where(and(eq(projects.id, projectId), projectVisibleTo(actor))));
  if (!project) throw new AppError('NOT_FOUND', 'project.notFound');
  return project;
}

/** Projects `actor` may see, by creation (bounded). */
export async function listProjects(tx: Tx, actor: BoardActor, ws: ProjectScope): Promise<Project[]> {
  const rows = await tx
    .select({ project: projects, memberId: projectMembers.userId })
    .from(projects)
    .leftJoin(projectMembers, and(eq(projectMembers.projectId, projects.id), eq(projectMembers.userId, actor.userId)))
    .where(and(eq(projects.workspaceId, ws.workspaceId), isNull(projects.deletedAt)))
    .orderBy(asc(projects.createdAt), asc(projects.id))
    .limit(PROJECT_LIST_MAX);
  return rows
    .filter((r) => r.project.visibility === 'workspace' || isWorkspaceAdmin(actor.role) || r.memberId !== null)
    .map((r) => r.project);
}

export interface CreateProjectInput {
  id: string;
  name: string;
  description?: string;
  visibility?: Visibility;
}

/**
 * Creates a project with the client's id. Replaying the same create returns the existing project
 * (no second row, no second event); the same id with different content is a CONFLICT. A private
 * project's creator becomes its admin member.
 */
export async function createProject(tx: Tx, actor: BoardActor, ws: ProjectScope, input: CreateProjectInput): Promise<Project> {
  const values = { name: input.name, description: input.description ?? '', visibility: input.visibility ?? 'workspace' } as const;
  const replay = async (): Promise<Project> => {
    const existing = await findProject(tx, input.id);
    const same =
      existing &&
      existing.createdBy === actor.userId &&
      existing.name === values.name &&
      existing.description === values.description &&
      existing.visibility === values.visibility;
    if (!same) throw new AppError('CONFLICT', 'project.idConflict');
    return existing;
  };
  const [taken] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, input.id));
  if (taken) return replay();
  // A plain INSERT in a savepoint: no RETURNING / ON CONFLICT, because both make PostgreSQL apply
  // the SELECT policy to the new row — and a private project is visible to its creator only once
  // their membership exists. A concurrent insert of the same id surfaces as a unique violation.
  try {
    await tx.transaction((sp) => sp.insert(projects).values({ id: input.id, workspaceId: ws.workspaceId, createdBy: actor.userId, ...values }));
  } catch (error) {
    if (isUniqueViolation(error, 'projects_pkey')) return replay();
    throw error;
  }
  await tx.insert(projectMembers).values({ workspaceId: ws.workspaceId, projectId: input.id, userId: actor.userId, isAdmin: true });
  const project = await findProject(tx, input.id);
  if (!project) throw new Error('created project not visible');
  await emit(tx, ws, actor, 'project.created', project.id, project);
  return project;
}

export interface UpdateProjectInput {
  id: string;
  expectedVersion: number;
  name?: string;
  description?: string;
  visibility?: Visibility;
}

/** Compare-and-set update; changing visibility needs project-admin rights. */
export async function updateProject(tx: Tx, actor: BoardActor, ws: ProjectScope, input: UpdateProjectInput): Promise<Project> {
  const current = await getProject(tx, actor, input.id);
  if (input.visibility !== undefined && input.visibility !== current.visibility) {
    if (!(await canManageProjectMembers(tx, actor, input.id))) throw new AppError('FORBIDDEN', 'project.forbidden');
    // Whoever makes a project private keeps seeing it.
    await tx
      .insert(projectMembers)
      .values({ workspaceId: ws.workspaceId, projectId: input.id, userId: actor.userId, isAdmin: true })
      .onConflictDoNothing();
  }
  const [row] = await tx
    .update(projects)
    .set({
      name: input.name,
      description: input.description,
      visibility: input.visibility,
      version: sql`${projects.version} + 1`,
      updatedAt: new Date(),
    })
    .where(and(eq(projects.id, input.id), eq(projects.version, input.expectedVersion), isNull(projects.deletedAt)))
    .returning();
  if (!row) throw await projectConflict(tx, input.id);
  // `previousVisibility` tells the sidecar whom a project turned private has just left (project_hidden).
  await emit(tx, ws, actor, 'project.updated', row.id, row.visibility === current.visibility ? row : { ...row, previousVisibility: current.visibility });
  return row;
}

async function projectConflict(tx: Tx, id: string): Promise<AppError> {
  const current = await findProject(tx, id);
  if (!current) return new AppError('NOT_FOUND', 'project.notFound');
  return new AppError('CONFLICT', 'project.conflict', { details: { current } });
}

/** Soft delete (compare-and-set). Its tasks stay in the database, invisible through the project. */
export async function deleteProject(tx: Tx, actor: BoardActor, ws: ProjectScope, input: { id: string; expectedVersion: number }): Promise<{ id: string }> {
  await getProject(tx, actor, input.id);
  const [row] = await tx
    .update(projects)
    .set({ deletedAt: new Date(), version: sql`${projects.version} + 1`, updatedAt: new Date() })
    .where(and(eq(projects.id, input.id), eq(projects.version, input.expectedVersion), isNull(projects.deletedAt)))
    .returning();
  if (!row) throw await projectConflict(tx, input.id);
  await emit(tx, ws, actor, 'project.deleted', row.id, { id: row.id, projectId: row.id, version: row.version });
  return { id: row.id };
}

export interface ProjectMember {
  userId: string;
  isAdmin: boolean;
}

export async function listProjectMembers(tx: Tx, actor: BoardActor, projectId: string): Promise<ProjectMember[]> {
  await getProject(tx, actor, projectId);
  return tx
    .select({ userId: projectMembers.userId, isAdmin: projectMembers.isAdmin })
    .from(projectMembers)
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(projectMembers.createdAt))
    .limit(PROJECT_LIST_MAX);
}

/** Adds (or updates the admin flag of) a project member; they must belong to the workspace. */
export async function addProjectMember(
  tx: Tx,
  actor: BoardActor,
  ws: ProjectScope,
  input: { projectId: string; userId: string; isAdmin?: boolean },
): Promise<ProjectMember> {
  await getProject(tx, actor, input.projectId);
  if (!(await canManageProjectMembers(tx, actor, input.projectId))) throw new AppError('FORBIDDEN', 'project.forbidden');
  const [inWorkspace] = await tx
    .select({ userId: workspaceMembers.userId })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, ws.workspaceId), eq(workspaceMembers.userId, input.userId)));
  if (!inWorkspace) throw new AppError('BAD_REQUEST', 'project.notWorkspaceMember');
  const isAdmin = input.isAdmin ?? false;
  await tx
    .insert(projectMembers)
    .values({ workspaceId: ws.workspaceId, projectId: input.projectId, userId: input.userId, isAdmin })
    .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.userId], set: { isAdmin, updatedAt: new Date() } });
  await emit(tx, ws, actor, 'project.member_added', input.projectId, { projectId: input.projectId, userId: input.userId, isAdmin });
  return { userId: input.userId, isAdmin };
}

/**
 * Removes a project member. The `project.member_removed` event tells the sidecar to drop the
 * user's sockets from the room (when the project is private, they can no longer see it).
 */
export async function removeProjectMember(
  tx: Tx,
  actor: BoardActor,
  ws: ProjectScope,
  input: { projectId: string; userId: string },
): Promise<{ removed: boolean }> {
  const project = await getProject(tx, actor, input.projectId);
  if (!(await canManageProjectMembers(tx, actor, input.projectId))) throw new AppError('FORBIDDEN', 'project.forbidden');
  const removed = await tx
    .delete(projectMembers)
    .where(and(eq(projectMembers.projectId, input.projectId), eq(projectMembers.userId, input.userId)))
    .returning({ userId: projectMembers.userId });
  if (removed.length > 0) {
    await emit(tx, ws, actor, 'project.member_removed', input.projectId, {
      projectId: input.projectId,
      userId: input.userId,
      visibility: project.visibility,
    });
  }
  return { removed: removed.length > 0 };
}
