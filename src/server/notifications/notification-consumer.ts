/**
 * The outbox consumer `notifications` (COLLAB-7; docs/notifications.md). It turns board events into
 * notifications:
 *
 *   task.created / task.updated  the assignee, when it is someone else than the actor and new
 *                                (created with one, or changed)                       → `assigned`
 *                                users newly @mentioned in the description            → `mentioned`
 *   comment.created / .updated   users newly @mentioned in the comment                 → `mentioned`
 *   comment.created              the task's followers (creator, assignee, commenters,
 *                                mentioned users), except those just mentioned          → `commented`
 *
 * Never the actor; never someone who cannot see the task (checked under row-level security AS the
 * recipient: a member of the workspace whose view includes the task's project); never a kind the
 * recipient switched off in both channels. The row's `in_app` / `email` carry the preferences.
 *
 * Runs inside the relay's transaction in the system scope of the event's workspace (withSystem):
 * the rows, the followers and the digest jobs commit with the consumer's cursor — or not at all.
 * An event handled twice adds nothing: (recipient, event, kind) is unique.
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { mentionedUserIds } from '@/lib/mentions';
import type { Tx } from '@/server/db/client';
import type { NotificationKind } from '@/server/db/schema';
import type { OutboxConsumer } from '@/server/outbox/outbox-consumers';
import type { OutboxEvent } from '@/server/realtime-events/outbox';
import { scheduleDigest } from './digest';

export const NOTIFICATIONS_CONSUMER = 'notifications';

interface TaskPayload {
  id: string;
  projectId: string;
  createdBy: string | null;
  assigneeId: string | null;
  description: string;
  version: number;
}

interface CommentPayload {
  id: string;
  taskId: string;
  authorId: string | null;
  body: string;
}

type FollowReason = 'creator' | 'assignee' | 'commenter' | 'mentioned';

interface Candidate {
  userId: string;
  kind: NotificationKind;
  commentId: string | null;
}

/**
 * Runs `fn` with `app.user_id` set to `userId` (the system scope and the workspace stay): the
 * tenant tables then answer what that user may see. The previous user is restored afterwards (a
 * throw aborts the relay's transaction anyway). Nests (the actor's scope around a recipient's).
 */
async function asUser<T>(tx: Tx, userId: string, fn: () => Promise<T>): Promise<T> {
  // The target list is evaluated left to right: the previous value is read before it is replaced.
  const [row] = await tx.execute<{ previous: string | null }>(
    sql`SELECT current_setting('app.user_id', true) AS previous, set_config('app.user_id', ${userId}, true) AS current`,
  );
  const result = await fn();
  await tx.execute(sql`SELECT set_config('app.user_id', ${row?.previous ?? ''}, true)`);
  return result;
}

/** The subset of `userIds` who are members of the transaction's workspace. */
async function membersAmong(tx: Tx, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await tx.execute<{ user_id: string }>(
    sql`SELECT user_id::text FROM workspace_members WHERE workspace_id = app_workspace_id() AND user_id = ANY(${`{${userIds.join(',')}}`}::uuid[])`,
  );
  return new Set(rows.map((r) => r.user_id));
}

async function follow(tx: Tx, taskId: string, userIds: Array<{ userId: string; reason: FollowReason }>): Promise<void> {
  for (const { userId, reason } of userIds) {
    // Members only, and only while the task exists (as the actor sees it: they just wrote it).
    await tx.execute(sql`
      INSERT INTO task_followers (workspace_id, task_id, user_id, reason)
      SELECT app_workspace_id(), ${taskId}::uuid, ${userId}::uuid, ${reason}
       WHERE EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = app_workspace_id() AND m.user_id = ${userId}::uuid)
         AND EXISTS (SELECT 1 FROM tasks t WHERE t.id = ${taskId}::uuid)
      ON CONFLICT DO NOTHING`);
  }
}

/** The recipient's preferences for `kind` (no row: both on). */
async function preferencesOf(tx: Tx, userId: string, kind: NotificationKind): Promise<{ inApp: boolean; email: boolean }> {
  const [row] = await tx.execute<{ in_app: boolean; email: boolean }>(
    sql`SELECT in_app, email FROM notification_preferences WHERE user_id = ${userId}::uuid AND kind = ${kind}`,
  );
  return { inApp: row?.in_app ?? true, email: row?.email ?? true };
}

/** Users who already got a `mentioned` for this task's description (commentId null) or this comment. */
async function alreadyMentioned(tx: Tx, taskId: string, commentId: string | null): Promise<Set<string>> {
  const rows = await tx.execute<{ user_id: string }>(sql`
    SELECT user_id::text FROM notifications
     WHERE task_id = ${taskId}::uuid AND kind = 'mentioned'
       AND ${commentId === null ? sql`comment_id IS NULL` : sql`comment_id = ${commentId}::uuid`}`);
  return new Set(rows.map((r) => r.user_id));
}

/** The description before this update (from the update's activity row), and whether the assignee changed in it. */
async function updateChanges(tx: Tx, task: TaskPayload): Promise<{ assigneeChanged: boolean; previousDescription: string | null }> {
  const [row] = await tx.execute<{ data: { assigneeId?: { from: string | null }; description?: { from: string } } }>(sql`
    SELECT data FROM task_activity
     WHERE task_id = ${task.id}::uuid AND kind = 'updated' AND (data->>'version')::int = ${task.version}
     LIMIT 1`);
  if (!row) return { assigneeChanged: false, previousDescription: null };
  return {
    assigneeChanged: row.data.assigneeId !== undefined && row.data.assigneeId.from !== task.assigneeId,
    previousDescription: row.data.description?.from ?? null,
  };
}

/**
 * Inserts the notification when the recipient may see the task (as themselves, under RLS: a member
 * of the workspace, the project not deleted and visible to them) and wants it in some channel.
 * Answers whether a row was written.
 */
async function notify(tx: Tx, event: OutboxEvent, taskId: string, projectId: string, candidate: Candidate): Promise<{ email: boolean } | null> {
  const prefs = await preferencesOf(tx, candidate.userId, candidate.kind);
  if (!prefs.inApp && !prefs.email) return null;
  const inserted = await asUser(tx, candidate.userId, () =>
    tx.execute<{ id: string }>(sql`
      INSERT INTO notifications (workspace_id, user_id, kind, task_id, project_id, comment_id, actor_id, event_id, in_app, email)
      SELECT app_workspace_id(), ${candidate.userId}::uuid, ${candidate.kind}, ${taskId}::uuid, ${projectId}::uuid,
             ${candidate.commentId}::uuid, ${event.actorId}::uuid, ${event.id}, ${prefs.inApp}, ${prefs.email}
       WHERE EXISTS (SELECT 1 FROM workspace_members m WHERE m.workspace_id = app_workspace_id() AND m.user_id = app_user_id())
         AND EXISTS (SELECT 1 FROM tasks t JOIN projects p ON p.id = t.project_id
                      WHERE t.id = ${taskId}::uuid AND p.id = ${projectId}::uuid AND p.deleted_at IS NULL)
         AND (${candidate.commentId}::uuid IS NULL OR EXISTS (SELECT 1 FROM task_comments c WHERE c.id = ${candidate.commentId}::uuid))
      ON CONFLICT (user_id, event_id, kind) DO NOTHING
      RETURNING id::text`),
  );
  return inserted.length > 0 ? { email: prefs.email } : null;
}

async function deliver(tx: Tx, event: OutboxEvent, taskId: string, projectId: string, candidates: Candidate[], log: Logger): Promise<void> {
  const seen = new Set<string>();
  let written = 0;
  for (const candidate of candidates) {
    // Never the actor; one notification per person per event (the first kind listed wins).
    if (candidate.userId === event.actorId || seen.has(candidate.userId)) continue;
    seen.add(candidate.userId);
    const row = await notify(tx, event, taskId, projectId, candidate);
    if (!row) continue;
    written += 1;
    if (row.email) await scheduleDigest(tx, candidate.userId);
  }
  if (written > 0) log.debug({ written }, 'notifications written');
}

async function onTask(tx: Tx, event: OutboxEvent, log: Logger): Promise<void> {
  const task = event.payload as unknown as TaskPayload;
  if (!task.id || !task.projectId) return;
  const created = event.type === 'task.created';
  const changes = created ? { assigneeChanged: task.assigneeId !== null, previousDescription: '' } : await updateChanges(tx, task);
  const before = new Set(mentionedUserIds(changes.previousDescription));
  const already = created ? new Set<string>() : await alreadyMentioned(tx, task.id, null);
  const members = await membersAmong(tx, mentionedUserIds(task.description));
  const mentioned = [...members].filter((id) => !before.has(id) && !already.has(id));

  const followers: Array<{ userId: string; reason: FollowReason }> = [];
  if (created && task.createdBy) followers.push({ userId: task.createdBy, reason: 'creator' });
  if (task.assigneeId && changes.assigneeChanged) followers.push({ userId: task.assigneeId, reason: 'assignee' });
  for (const userId of mentioned) followers.push({ userId, reason: 'mentioned' });
  await follow(tx, task.id, followers);

  const candidates: Candidate[] = [];
  if (task.assigneeId && changes.assigneeChanged) candidates.push({ userId: task.assigneeId, kind: 'assigned', commentId: null });
  for (const userId of mentioned) candidates.push({ userId, kind: 'mentioned', commentId: null });
  await deliver(tx, event, task.id, task.projectId, candidates, log);
}

async function onComment(tx: Tx, event: OutboxEvent, log: Logger): Promise<void> {
  const comment = event.payload as unknown as CommentPayload;
  if (!comment.id || !comment.taskId || !event.projectId) return;
  const [task] = await tx.execute<{ created_by: string | null; assignee_id: string | null }>(
    sql`SELECT created_by::text, assignee_id::text FROM tasks WHERE id = ${comment.taskId}::uuid`,
  );
  // Gone (deleted since), or the actor lost sight of it: nothing to tell anyone.
  if (!task) return;
  const already = await alreadyMentioned(tx, comment.taskId, comment.id);
  const mentioned = [...(await membersAmong(tx, mentionedUserIds(comment.body)))].filter((id) => !already.has(id));
  const candidates: Candidate[] = mentioned.map((userId) => ({ userId, kind: 'mentioned', commentId: comment.id }));

  if (event.type === 'comment.created') {
    const rows = await tx.execute<{ user_id: string }>(sql`SELECT user_id::text FROM task_followers WHERE task_id = ${comment.taskId}::uuid`);
    const followers = new Set(rows.map((r) => r.user_id));
    // Creator and assignee follow implicitly (tasks made before followers were recorded too).
    if (task.created_by) followers.add(task.created_by);
    if (task.assignee_id) followers.add(task.assignee_id);
    for (const userId of followers) candidates.push({ userId, kind: 'commented', commentId: comment.id });
    const follows: Array<{ userId: string; reason: FollowReason }> = mentioned.map((userId) => ({ userId, reason: 'mentioned' }));
    if (comment.authorId) follows.push({ userId: comment.authorId, reason: 'commenter' });
    await follow(tx, comment.taskId, follows);
  }
  await deliver(tx, event, comment.taskId, event.projectId, candidates, log);
}

export async function handleNotificationEvent(tx: Tx, event: OutboxEvent, log: Logger): Promise<void> {
  const handler =
    event.type === 'task.created' || event.type === 'task.updated'
      ? onTask
      : event.type === 'comment.created' || event.type === 'comment.updated'
        ? onComment
        : null;
  if (!handler || !event.actorId) return;
  // The task as its author sees it (they just wrote it): a private project stays readable.
  await asUser(tx, event.actorId, () => handler(tx, event, log));
}

export const notificationsConsumer: OutboxConsumer = {
  name: NOTIFICATIONS_CONSUMER,
  handle: handleNotificationEvent,
};
