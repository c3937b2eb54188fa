/**
 * The inbox (COLLAB-7; docs/notifications.md): a user's notifications across their workspaces,
 * unread first; the unread count behind the header's badge; marking read; per-kind preferences.
 *
 * Every function runs in a transaction scoped to the user alone (`withTenant(db, { userId })`):
 * row-level security answers only their own notifications, and only of workspaces they are still a
 * member of. Task titles are read per workspace, as the user: a task they can no longer see (a
 * project turned private) is listed without its title or link.
 */
import 'server-only';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { NOTIFICATION_KINDS, notificationPreferences, notifications, projects, tasks, users, workspaces, type NotificationKind } from '@/server/db/schema';
import { setTenant, withTenant } from '@/server/db/tenant';
import { AppError } from '@/server/platform/errors';

export { NOTIFICATION_KINDS };

/** Most notifications one list call answers (page on with `nextCursor`). */
export const NOTIFICATION_PAGE_MAX = 50;
/** The badge counts up to this (and shows "99+" beyond 99). */
export const UNREAD_COUNT_CAP = 100;
/** `<1 unread | 0 read>~<created at, ISO>~<id>` of the last item of the previous page. */
export const NOTIFICATION_CURSOR_PATTERN = /^[01]~\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z~[0-9a-f-]{36}$/;

export interface NotificationItem {
  id: string;
  kind: NotificationKind;
  read: boolean;
  createdAt: Date;
  actor: { id: string; name: string } | null;
  workspace: { slug: string; name: string };
  projectId: string;
  /** Null when the user can no longer see the task. */
  task: { id: string; title: string } | null;
  commentId: string | null;
}

const unreadFlag = sql<number>`(CASE WHEN ${notifications.readAt} IS NULL THEN 1 ELSE 0 END)`;

export async function listNotifications(
  db: Database,
  userId: string,
  input: { cursor?: string; limit?: number } = {},
): Promise<{ items: NotificationItem[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(input.limit ?? NOTIFICATION_PAGE_MAX, NOTIFICATION_PAGE_MAX));
  if (input.cursor !== undefined && !NOTIFICATION_CURSOR_PATTERN.test(input.cursor)) throw new AppError('BAD_REQUEST', 'generic.badRequest');
  return withTenant(db, { userId }, async (tx) => {
    const after = input.cursor?.split('~') as [string, string, string] | undefined;
    const rows = await tx
      .select({
        id: notifications.id,
        kind: notifications.kind,
        readAt: notifications.readAt,
        createdAt: notifications.createdAt,
        actorId: notifications.actorId,
        workspaceId: notifications.workspaceId,
        projectId: notifications.projectId,
        taskId: notifications.taskId,
        commentId: notifications.commentId,
      })
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, userId),
          eq(notifications.inApp, true),
          after ? sql`(${unreadFlag}, ${notifications.createdAt}, ${notifications.id}) < (${Number(after[0])}, ${after[1]}::timestamptz, ${after[2]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(unreadFlag), desc(notifications.createdAt), desc(notifications.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const workspaceIds = [...new Set(page.map((r) => r.workspaceId))];
    const actorIds = [...new Set(page.flatMap((r) => (r.actorId ? [r.actorId] : [])))];
    const wsRows = workspaceIds.length ? await tx.select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name }).from(workspaces).where(inArray(workspaces.id, workspaceIds)) : [];
    const actorRows = actorIds.length ? await tx.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, actorIds)) : [];
    const titles = new Map<string, string>();
    for (const workspaceId of workspaceIds) {
      // As the user in that workspace: row-level security shows only tasks of projects they can see.
      await setTenant(tx, { workspaceId, userId });
      const taskIds = [...new Set(page.filter((r) => r.workspaceId === workspaceId).map((r) => r.taskId))];
      const visible = await tx
        .select({ id: tasks.id, title: tasks.title })
        .from(tasks)
        .innerJoin(projects, eq(projects.id, tasks.projectId))
        .where(and(inArray(tasks.id, taskIds), isNull(projects.deletedAt)));
      for (const t of visible) titles.set(t.id, t.title);
    }
    await setTenant(tx, { userId });
    const wsById = new Map(wsRows.map((w) => [w.id, w]));
    const actorById = new Map(actorRows.map((a) => [a.id, { id: a.id, name: a.name?.trim() || a.email }]));
    const items = page.flatMap((r): NotificationItem[] => {
      const ws = wsById.get(r.workspaceId);
      if (!ws) return [];
      const title = titles.get(r.taskId);
      return [
        {
          id: r.id,
          kind: r.kind,
          read: r.readAt !== null,
          createdAt: r.createdAt,
          actor: r.actorId ? (actorById.get(r.actorId) ?? null) : null,
          workspace: { slug: ws.slug, name: ws.name },
          projectId: r.projectId,
          task: title === undefined ? null : { id: r.taskId, title },
          commentId: r.commentId,
        },
      ];
    });
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last ? `${last.readAt === null ? 1 : 0}~${last.createdAt.toISOString()}~${last.id}` : null;
    return { items, nextCursor };
  });
}

/** Unread in-app notifications, counted up to UNREAD_COUNT_CAP. */
export async function unreadCount(db: Database, userId: string): Promise<number> {
  return withTenant(db, { userId }, async (tx) => {
    const capped = tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.inApp, true), isNull(notifications.readAt)))
      .limit(UNREAD_COUNT_CAP)
      .as('capped');
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(capped);
    return row?.n ?? 0;
  });
}

/** Marks one of the user's notifications read (already read: no change); someone else's or unknown → NOT_FOUND. */
export async function markRead(db: Database, userId: string, id: string): Promise<{ id: string; read: true }> {
  return withTenant(db, { userId }, async (tx) => {
    const [row] = await tx
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, now())`, updatedAt: new Date() })
      .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
      .returning({ id: notifications.id });
    if (!row) throw new AppError('NOT_FOUND', 'notification.notFound');
    return { id: row.id, read: true as const };
  });
}

/** Marks every unread notification of the user read; answers how many changed. */
export async function markAllRead(db: Database, userId: string): Promise<{ updated: number }> {
  return withTenant(db, { userId }, async (tx) => {
    const rows = await tx
      .update(notifications)
      .set({ readAt: sql`now()`, updatedAt: new Date() })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      .returning({ id: notifications.id });
    return { updated: rows.length };
  });
}

export interface NotificationPreference {
  kind: NotificationKind;
  inApp: boolean;
  email: boolean;
}

/** One entry per kind (a kind never set is on in both channels). */
export async function getPreferences(db: Database, userId: string): Promise<NotificationPreference[]> {
  return withTenant(db, { userId }, async (tx) => {
    const rows = await tx.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
    const byKind = new Map(rows.map((r) => [r.kind, r]));
    return NOTIFICATION_KINDS.map((kind) => ({ kind, inApp: byKind.get(kind)?.inApp ?? true, email: byKind.get(kind)?.email ?? true }));
  });
}

/** Saves the given kinds' preferences; answers all of them. */
export async function setPreferences(db: Database, userId: string, preferences: NotificationPreference[]): Promise<NotificationPreference[]> {
  await withTenant(db, { userId }, async (tx) => {
    for (const p of preferences) {
      await tx
        .insert(notificationPreferences)
        .values({ userId, kind: p.kind, inApp: p.inApp, email: p.email })
        .onConflictDoUpdate({
          target: [notificationPreferences.userId, notificationPreferences.kind],
          set: { inApp: p.inApp, email: p.email, updatedAt: new Date() },
        });
    }
  });
  return getPreferences(db, userId);
}
