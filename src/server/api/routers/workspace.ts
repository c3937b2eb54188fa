import { z } from 'zod';
import { text } from '@/server/platform/input';
import { ROLES } from '@/lib/permissions';
import {
  changeWorkspaceSlug,
  createWorkspace,
  deleteWorkspace,
  listWorkspacesForUser,
  renameWorkspace,
} from '@/server/workspaces/workspace-service';
import { authedProcedure, router, workspaceProcedure } from '../trpc';

const workspaceName = text().trim().min(2).max(64);
const workspaceSummary = z.object({ id: z.string().uuid(), name: z.string(), slug: z.string(), role: z.enum(ROLES) });

export const workspaceRouter = router({
  list: authedProcedure
    .input(z.void())
    .output(z.array(workspaceSummary))
    .query(({ ctx }) => listWorkspacesForUser(ctx.db, ctx.user.id)),

  create: authedProcedure
    .input(z.object({ name: workspaceName }))
    .output(workspaceSummary)
    .mutation(({ ctx, input }) => createWorkspace(ctx.db, ctx.user.id, input.name, { ip: ctx.ip, requestId: ctx.requestId })),

  get: workspaceProcedure('workspace:read')
    .output(workspaceSummary)
    .query(({ ctx }) => ({ ...ctx.workspace, role: ctx.role })),

  rename: workspaceProcedure('workspace:update')
    .input(z.object({ name: workspaceName }))
    .output(z.object({ name: z.string() }))
    .mutation(({ ctx, input }) => renameWorkspace(ctx.db, ctx.workspace.id, input.name, { actorId: ctx.user.id, ip: ctx.ip, requestId: ctx.requestId })),

  changeSlug: workspaceProcedure('workspace:update')
    .input(z.object({ slug: text().trim().toLowerCase().min(2).max(48) }))
    .output(z.object({ slug: z.string() }))
    .mutation(({ ctx, input }) =>
      changeWorkspaceSlug(ctx.db, ctx.workspace.id, input.slug, { actorId: ctx.user.id, ip: ctx.ip, requestId: ctx.requestId }),
    ),

  delete: workspaceProcedure('workspace:delete')
    .input(z.object({ confirmation: text().max(64) }))
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteWorkspace(ctx.db, ctx.workspace, input.confirmation, { actorId: ctx.user.id, ip: ctx.ip, requestId: ctx.requestId });
      return { deleted: true as const };
    }),
});
