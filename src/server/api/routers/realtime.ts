/** Realtime (COLLAB-3, COLLAB-4): a short-lived ticket for the WebSocket sidecar, and resync after a reconnect. */
import { z } from 'zod';
import { isoTimestamp, toWire, typedOutput } from '@/server/platform/wire';
import { eventCursor, projectEventsSince } from '@/server/realtime-events/resync-service';
import { mintRealtimeTicket, mintUserTicket } from '@/server/realtime/ticket-service';
import { uuid } from '@/server/tasks/board-schemas';
import { authedProcedure, router, workspaceProcedure } from '../trpc';
import { boardActor } from './project';
import { enforceRateLimits } from '@/server/platform/rate-limit';

const eventId = z.number().int().min(0);

/** One outbox event as `realtime.events` answers it (built by `toRealtimeEvent`). */
export const realtimeEventRecord = z.object({
  id: z.number().int(),
  type: z.string(),
  projectId: uuid.nullable(),
  payload: z.record(z.string(), z.unknown()),
  actorId: uuid.nullable(),
  createdAt: isoTimestamp,
});

export const realtimeRouter = router({
  /** A signed ticket (≤ 60 s) for the sidecar at `url`; with `projectId` the socket joins that room on connect. */
  ticket: workspaceProcedure('project:read')
    .input(z.object({ projectId: z.string().uuid().optional() }))
    .output(z.object({ ticket: z.string(), url: z.string(), expiresAt: isoTimestamp }))
    .mutation(async ({ ctx, input }) => {
      // Each ticket opens a socket, and each socket multiplies its room's presence traffic.
      await enforceRateLimits([{ policy: 'realtime-ticket', subject: ctx.session.sessionId }], { database: ctx.db });
      return toWire(
        await mintRealtimeTicket(ctx.db, { userId: ctx.user.id, sessionId: ctx.session.sessionId, role: ctx.role, workspaceId: ctx.workspace.id }, input.projectId),
      );
    }),

  /**
   * A user-level ticket (COLLAB-7): a socket that only hears the caller's own notification frames
   * (`{type:'notifications'}`), for signed-in pages outside a workspace. Same lifetime, single use
   * and rate limit as `ticket`.
   */
  userTicket: authedProcedure
    .input(z.void())
    .output(z.object({ ticket: z.string(), url: z.string(), expiresAt: isoTimestamp }))
    .mutation(async ({ ctx }) => {
      await enforceRateLimits([{ policy: 'realtime-ticket', subject: ctx.session.sessionId }], { database: ctx.db });
      return toWire(mintUserTicket({ userId: ctx.user.id, sessionId: ctx.session.sessionId }));
    }),

  /**
   * The project's events after `afterId`, oldest first, ≤ 500 (`hasMore`: page on with `lastId`).
   * Every reconnecting board asks (a sidecar restart: all of them at once); the rows are built field
   * by field (`toRealtimeEvent`), so the contract is a type here, not a per-row parse (ADR 0013).
   */
  events: workspaceProcedure('project:read')
    .input(z.object({ projectId: uuid, afterId: eventId }))
    .output(typedOutput(z.object({ events: z.array(realtimeEventRecord), lastId: eventId, hasMore: z.boolean() })))
    .query(({ ctx, input }) => projectEventsSince(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, input.projectId, input.afterId)),

  /** The highest event id of the workspace visible to the caller (0 if none): the baseline before loading a board. */
  cursor: workspaceProcedure('project:read')
    .input(z.object({ projectId: uuid }))
    .output(z.object({ lastId: eventId }))
    .query(({ ctx, input }) => eventCursor(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, input.projectId)),
});
