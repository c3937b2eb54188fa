/**
 * The email digest of unread notifications (COLLAB-7; docs/notifications.md).
 *
 *  - When the consumer writes a notification whose recipient wants email, it enqueues
 *    `notifications.digest` for that user at now + NOTIFICATION_DIGEST_DELAY_SECONDS, keyed per user
 *    with `preserve_run_at`: the first notification of a burst sets the time, the rest ride along.
 *  - The job mails what is then still unread and not yet emailed (in the recipient's language, only
 *    tasks they can still see), and marks those rows emailed — in ONE transaction with the mail row
 *    and the effect claim, so a job run twice mails once.
 *  - `notifications.digest-sweep` (daily cron) enqueues a digest for anyone whose rows are overdue —
 *    the safety net for a job lost or dead-lettered.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import { withSystem } from '@/server/db/tenant';
import { queueMail } from '@/server/email/mail-queue';
import type { NotificationKind } from '@/server/db/schema';
import { env } from '@/server/platform/env';
import { claimEffect, defineTask, enqueueJob } from '@/server/platform/jobs';
import { renderDigestMail, type DigestItem } from './digest-mail';

declare module '@/server/platform/jobs' {
  interface JobPayloads {
    'notifications.digest': { userId: string };
    'notifications.digest-sweep': Record<string, never>;
  }
}

export const DIGEST_TASK = 'notifications.digest';
/** Most notifications one digest lists (the rest are still marked emailed: the inbox has them all). */
export const DIGEST_MAX_ITEMS = 50;

const digestKey = (userId: string) => `notifications.digest:${userId}`;

/** Enqueues the recipient's digest (in `tx`) unless one is already waiting: that one keeps its time. */
export async function scheduleDigest(tx: Tx, userId: string, delaySeconds: number = env().NOTIFICATION_DIGEST_DELAY_SECONDS): Promise<void> {
  await enqueueJob(tx, 'notifications.digest', { userId }, {
    jobKey: digestKey(userId),
    jobKeyMode: 'preserve_run_at',
    runAt: new Date(Date.now() + delaySeconds * 1000),
    maxAttempts: 5,
  });
}

type PendingRow = {
  id: string;
  workspace_id: string;
  kind: NotificationKind;
  task_id: string;
  project_id: string;
  actor_id: string | null;
  created_at: Date;
};

/**
 * Sends `userId`'s digest now: answers how many notifications it listed (0: nothing pending, or
 * nothing they can still see — then nothing is mailed).
 */
export async function sendDigest(database: Parameters<typeof withSystem>[0], userId: string): Promise<number> {
  return withSystem(database, null, async (tx) => {
    // Locked: a second run of the same digest waits here, then finds them emailed.
    const pending = await tx.execute<PendingRow>(sql`
      SELECT id::text, workspace_id::text, kind, task_id::text, project_id::text, actor_id::text, created_at
        FROM notifications
       WHERE user_id = ${userId}::uuid AND email AND emailed_at IS NULL AND read_at IS NULL
       ORDER BY created_at, id
       FOR UPDATE`);
    if (pending.length === 0) return 0;
    const newest = pending[pending.length - 1]!;
    if (!(await claimEffect(tx, `${DIGEST_TASK}:${userId}:${newest.id}`))) return 0;
    const [user] = await tx.execute<{ email: string; name: string | null; locale: string }>(
      sql`SELECT email, name, locale FROM users WHERE id = ${userId}::uuid`,
    );
    const items: DigestItem[] = [];
    const byWorkspace = new Map<string, PendingRow[]>();
    for (const row of pending) byWorkspace.set(row.workspace_id, [...(byWorkspace.get(row.workspace_id) ?? []), row]);
    for (const [workspaceId, rows] of byWorkspace) {
      // As the recipient in that workspace: only tasks they can still see, only while a member.
      await tx.execute(sql`SELECT set_config('app.workspace_id', ${workspaceId}, true), set_config('app.user_id', ${userId}, true)`);
      const [workspace] = await tx.execute<{ slug: string; name: string }>(sql`
        SELECT w.slug, w.name FROM workspaces w
         WHERE w.id = ${workspaceId}::uuid
           AND EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = w.id AND m.user_id = ${userId}::uuid)`);
      if (!workspace) continue;
      const taskIds = [...new Set(rows.map((r) => r.task_id))];
      const tasks = await tx.execute<{ id: string; title: string }>(sql`
        SELECT t.id::text, t.title FROM tasks t JOIN projects p ON p.id = t.project_id
         WHERE t.id = ANY(${`{${taskIds.join(',')}}`}::uuid[]) AND p.deleted_at IS NULL`);
      const titles = new Map(tasks.map((t) => [t.id, t.title]));
      const actorIds = [...new Set(rows.flatMap((r) => (r.actor_id ? [r.actor_id] : [])))];
      const actors =
        actorIds.length === 0
          ? []
          : await tx.execute<{ id: string; name: string | null; email: string }>(
              sql`SELECT id::text, name, email FROM users WHERE id = ANY(${`{${actorIds.join(',')}}`}::uuid[])`,
            );
      const actorNames = new Map(actors.map((a) => [a.id, a.name?.trim() || a.email]));
      for (const row of rows) {
        const title = titles.get(row.task_id);
        if (title === undefined) continue;
        items.push({
          kind: row.kind,
          actorName: row.actor_id ? (actorNames.get(row.actor_id) ?? null) : null,
          taskTitle: title,
          workspaceName: workspace.name,
          url: taskUrl(user?.locale ?? 'en', workspace.slug, row.project_id, row.task_id),
          createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
        });
      }
    }
    await tx.execute(sql`SELECT set_config('app.workspace_id', '', true), set_config('app.user_id', '', true)`);
    await tx.execute(sql`
      UPDATE notifications SET emailed_at = now(), updated_at = now()
       WHERE id = ANY(${`{${pending.map((r) => r.id).join(',')}}`}::uuid[])`);
    if (!user || items.length === 0) return 0;
    const listed = items.slice(0, DIGEST_MAX_ITEMS);
    const mail = renderDigestMail({
      locale: user.locale,
      recipientName: user.name,
      items: listed,
      more: items.length - listed.length,
      inboxUrl: `${env().APP_URL.replace(/\/$/, '')}/${user.locale}/notifications`,
      settingsUrl: `${env().APP_URL.replace(/\/$/, '')}/${user.locale}/account/notifications`,
    });
    await queueMail(tx, { kind: 'notification-digest', message: { to: user.email, ...mail } });
    return listed.length;
  });
}

function taskUrl(locale: string, slug: string, projectId: string, taskId: string): string {
  return `${env().APP_URL.replace(/\/$/, '')}/${locale}/w/${encodeURIComponent(slug)}/p/${projectId}?task=${taskId}`;
}

export const digestTask = defineTask({
  name: 'notifications.digest',
  maxAttempts: 5,
  async handle({ userId }, ctx) {
    const listed = await sendDigest(ctx.db, userId);
    ctx.log.info({ listed }, 'notification digest');
  },
});

export const digestSweepTask = defineTask({
  name: 'notifications.digest-sweep',
  maxAttempts: 3,
  async handle(_payload, ctx) {
    const delay = env().NOTIFICATION_DIGEST_DELAY_SECONDS;
    const scheduled = await withSystem(ctx.db, null, async (tx) => {
      const rows = await tx.execute<{ user_id: string }>(sql`
        SELECT DISTINCT user_id::text FROM notifications
         WHERE email AND emailed_at IS NULL AND read_at IS NULL AND created_at < now() - make_interval(secs => ${delay})
         LIMIT 10000`);
      for (const row of rows) await scheduleDigest(tx, row.user_id, 0);
      return rows.length;
    });
    ctx.log.info({ scheduled }, 'notification digests swept');
  },
});
