/** Realtime (COLLAB-3): a short-lived ticket for the WebSocket sidecar. */
import { z } from 'zod';
import { mintRealtimeTicket } from '@/server/realtime/ticket-service';
import { router, workspaceProcedure } from '../trpc';

export const realtimeRouter = router({
  /** A signed ticket (≤ 60 s) for the sidecar at `url`; with `projectId` the socket joins that room on connect. */
  ticket: workspaceProcedure('project:read')
    .input(z.object({ projectId: z.string().uuid().optional() }))
    .output(z.object({ ticket: z.string(), url: z.string(), expiresAt: z.date() }))
    .mutation(({ ctx, input }) =>
      mintRealtimeTicket(ctx.db, { userId: ctx.user.id, role: ctx.role, workspaceId: ctx.workspace.id }, input.projectId),
    ),
});
