/** Task comments (COLLAB-1): own/any rules live in the comment service (`canOnResource`). */
import { z } from 'zod';
import { text } from '@/server/platform/input';
import { createComment, deleteComment, listComments, updateComment } from '@/server/tasks/comment-service';
import { commentRecord, uuid, version } from '@/server/tasks/board-schemas';
import { toWire } from '@/server/platform/wire';
import { router, workspaceProcedure } from '../trpc';
import { boardActor } from './project';

const body = text().trim().min(1).max(10_000);

export const commentRouter = router({
  list: workspaceProcedure('comment:read')
    .input(z.object({ taskId: uuid }))
    .output(z.array(commentRecord))
    .query(async ({ ctx, input }) => toWire(await listComments(ctx.db, boardActor(ctx), input.taskId))),

  /** Idempotent on the client-generated `id`. */
  create: workspaceProcedure('comment:create')
    .input(z.object({ id: uuid, taskId: uuid, body }))
    .output(commentRecord)
    .mutation(async ({ ctx, input }) => toWire(await createComment(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, input))),

  /** Own comments (members), any comment (admins); compare-and-set on `expectedVersion`. */
  update: workspaceProcedure('comment:update:own')
    .input(z.object({ commentId: uuid, expectedVersion: version, body }))
    .output(commentRecord)
    .mutation(async ({ ctx, input: { commentId, ...rest } }) =>
      toWire(await updateComment(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, { id: commentId, ...rest })),
    ),

  delete: workspaceProcedure('comment:delete:own')
    .input(z.object({ commentId: uuid }))
    .output(z.object({ id: uuid }))
    .mutation(({ ctx, input }) => deleteComment(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, { id: input.commentId })),
});
