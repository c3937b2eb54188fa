/** The inbox (COLLAB-7): a user's own notifications across their workspaces, and their preferences. */
import { z } from 'zod';
import {
  getPreferences,
  listNotifications,
  markAllRead,
  markRead,
  NOTIFICATION_CURSOR_PATTERN,
  NOTIFICATION_KINDS,
  NOTIFICATION_PAGE_MAX,
  setPreferences,
  unreadCount,
} from '@/server/notifications/notification-service';
import { isoTimestamp, toWire } from '@/server/platform/wire';
import { authedProcedure, router } from '../trpc';

const uuid = z.uuid();
const kind = z.enum(NOTIFICATION_KINDS);

const item = z.object({
  id: uuid,
  kind,
  read: z.boolean(),
  createdAt: isoTimestamp,
  actor: z.object({ id: uuid, name: z.string() }).nullable(),
  workspace: z.object({ slug: z.string(), name: z.string() }),
  projectId: uuid,
  task: z.object({ id: uuid, title: z.string() }).nullable(),
  commentId: uuid.nullable(),
});

const preference = z.object({ kind, inApp: z.boolean(), email: z.boolean() });

export const notificationRouter = router({
  /** Unread first, then newest first; cursor-paginated (API-4). */
  list: authedProcedure
    .input(z.object({ cursor: z.string().max(100).regex(NOTIFICATION_CURSOR_PATTERN).optional(), limit: z.number().int().min(1).max(NOTIFICATION_PAGE_MAX).optional() }))
    .output(z.object({ items: z.array(item), nextCursor: z.string().nullable() }))
    .query(async ({ ctx, input }) => toWire(await listNotifications(ctx.db, ctx.user.id, input))),

  /** The badge: unread in-app notifications, counted up to 100. */
  unreadCount: authedProcedure
    .input(z.void())
    .output(z.object({ count: z.number().int().min(0) }))
    .query(async ({ ctx }) => ({ count: await unreadCount(ctx.db, ctx.user.id) })),

  markRead: authedProcedure
    .input(z.object({ id: uuid }))
    .output(z.object({ id: uuid, read: z.literal(true) }))
    .mutation(({ ctx, input }) => markRead(ctx.db, ctx.user.id, input.id)),

  markAllRead: authedProcedure
    .input(z.void())
    .output(z.object({ updated: z.number().int().min(0) }))
    .mutation(({ ctx }) => markAllRead(ctx.db, ctx.user.id)),

  preferences: router({
    get: authedProcedure
      .input(z.void())
      .output(z.array(preference))
      .query(({ ctx }) => getPreferences(ctx.db, ctx.user.id)),
    set: authedProcedure
      .input(z.object({ preferences: z.array(preference).min(1).max(NOTIFICATION_KINDS.length) }))
      .output(z.array(preference))
      .mutation(({ ctx, input }) => setPreferences(ctx.db, ctx.user.id, input.preferences)),
  }),
});
