/**
 * In-app notifications (COLLAB-7; docs/notifications.md):
 *
 *   notifications            — one row per recipient, event and kind (assigned | mentioned | commented),
 *                              written by the outbox consumer `notifications` in the worker's system
 *                              scope; the recipient reads and marks them read (RLS: recipient only,
 *                              and only while still a member of the workspace);
 *   notification_preferences — per user and kind: in-app and email (no row = both on);
 *   task_followers           — who follows a task (creator, assignee, commenters, mentioned users):
 *                              they hear of new comments.
 *
 * Policies and the NOTIFY trigger (`kanso_notifications`, payload the recipient's id) are in
 * drizzle/0015_notifications.sql.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { projects, taskComments, tasks } from './boards';
import { workspaces } from './workspaces';

export const NOTIFICATION_KINDS = ['assigned', 'mentioned', 'commented'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    /** The recipient. */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    /** The comment that mentioned them or that they hear of (null: the task itself). */
    commentId: uuid('comment_id').references(() => taskComments.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** The outbox event it came from (no foreign key: the outbox is pruned). */
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    /** Shown in the inbox and counted by the badge (the recipient's in-app preference when it was made). */
    inApp: boolean('in_app').notNull().default(true),
    /** Goes into the email digest while unread (the email preference when it was made). */
    email: boolean('email').notNull().default(true),
    readAt: at('read_at'),
    emailedAt: at('emailed_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // A repeat of the same event (at-least-once relay) is a no-op.
    uniqueIndex('notifications_event_key').on(t.userId, t.eventId, t.kind),
    index('notifications_inbox_idx').on(t.userId, t.readAt, t.createdAt),
    index('notifications_task_idx').on(t.taskId),
    index('notifications_digest_idx')
      .on(t.userId, t.createdAt)
      .where(sql`${t.email} AND ${t.emailedAt} IS NULL AND ${t.readAt} IS NULL`),
    check('notifications_kind_check', sql`${t.kind} in ('assigned', 'mentioned', 'commented')`),
  ],
);

export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    inApp: boolean('in_app').notNull().default(true),
    email: boolean('email').notNull().default(true),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] }), check('notification_preferences_kind_check', sql`${t.kind} in ('assigned', 'mentioned', 'commented')`)],
);

export const TASK_FOLLOW_REASONS = ['creator', 'assignee', 'commenter', 'mentioned'] as const;

export const taskFollowers = pgTable(
  'task_followers',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Why they first followed it. */
    reason: text('reason', { enum: TASK_FOLLOW_REASONS }).notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.userId] }), index('task_followers_user_idx').on(t.userId)],
);
