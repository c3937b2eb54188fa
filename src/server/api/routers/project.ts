/** Projects (COLLAB-1): thin procedures over the project service, in the workspace's transaction. */
import { z } from 'zod';
import { text } from '@/server/platform/input';
import type { BoardActor } from '@/server/projects/access';
import {
  addProjectMember,
  createProject,
  deleteProject,
  getProject,
  listProjectMembers,
  listProjects,
  removeProjectMember,
  updateProject,
} from '@/server/projects/project-service';
import { markdown, projectMemberRecord, projectRecord, uuid, version, visibility } from '@/server/tasks/board-schemas';
import { toWire } from '@/server/platform/wire';
import { router, workspaceProcedure } from '../trpc';

export function boardActor(ctx: { user: { id: string }; role: BoardActor['role']; requestId: string }): BoardActor {
  return { userId: ctx.user.id, role: ctx.role, requestId: ctx.requestId };
}

const name = text().trim().min(1).max(120);

export const projectRouter = router({
  list: workspaceProcedure('project:read')
    .output(z.array(projectRecord))
    .query(async ({ ctx }) => toWire(await listProjects(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }))),

  get: workspaceProcedure('project:read')
    .input(z.object({ projectId: uuid }))
    .output(projectRecord)
    .query(async ({ ctx, input }) => toWire(await getProject(ctx.db, boardActor(ctx), input.projectId))),

  /** Idempotent on the client-generated `id` (offline replay). */
  create: workspaceProcedure('project:create')
    .input(z.object({ id: uuid, name, description: markdown.optional(), visibility: visibility.optional() }))
    .output(projectRecord)
    .mutation(async ({ ctx, input }) => toWire(await createProject(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, input))),

  /** Compare-and-set on `expectedVersion`: CONFLICT carries the current project in `data.current`. */
  update: workspaceProcedure('project:update')
    .input(z.object({ projectId: uuid, expectedVersion: version, name: name.optional(), description: markdown.optional(), visibility: visibility.optional() }))
    .output(projectRecord)
    .mutation(async ({ ctx, input: { projectId, ...rest } }) =>
      toWire(await updateProject(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, { id: projectId, ...rest })),
    ),

  delete: workspaceProcedure('project:delete')
    .input(z.object({ projectId: uuid, expectedVersion: version }))
    .output(z.object({ id: uuid }))
    .mutation(({ ctx, input }) =>
      deleteProject(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, { id: input.projectId, expectedVersion: input.expectedVersion }),
    ),

  listMembers: workspaceProcedure('project:read')
    .input(z.object({ projectId: uuid }))
    .output(z.array(projectMemberRecord))
    .query(({ ctx, input }) => listProjectMembers(ctx.db, boardActor(ctx), input.projectId)),

  /** Project admins and workspace owners/admins (checked by the service). */
  addMember: workspaceProcedure('project:update')
    .input(z.object({ projectId: uuid, userId: uuid, isAdmin: z.boolean().optional() }))
    .output(projectMemberRecord)
    .mutation(({ ctx, input }) => addProjectMember(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, input)),

  removeMember: workspaceProcedure('project:update')
    .input(z.object({ projectId: uuid, userId: uuid }))
    .output(z.object({ removed: z.boolean() }))
    .mutation(({ ctx, input }) => removeProjectMember(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, input)),
});
