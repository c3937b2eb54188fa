/**
 * Live boards (COLLAB-1, COLLAB-2): projects, their members (private projects), tasks, comments,
 * per-task activity, and the outbox the realtime sidecar reads (COLLAB-3).
 * Tenant tables: RLS policies (incl. private-project visibility) in drizzle/0004_boards_rls.sql.
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth';
import { workspaceMembers, workspaces } from './workspaces';

export const PROJECT_VISIBILITIES = ['workspace', 'private'] as const;
export const TASK_STATUSES = ['todo', 'in_progress', 'done'] as const;
export const TASK_PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const workspaceId = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });

export const projects = pgTable(
  'projects',
  {
    /** Client-generated (offline creates replay idempotently). */
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    /** Markdown; rendered (sanitised) by the UI. */
    description: text('description').notNull().default(''),
    visibility: text('visibility', { enum: PROJECT_VISIBILITIES }).notNull().default('workspace'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('projects_workspace_idx').on(t.workspaceId, t.createdAt),
    check('projects_visibility_check', sql`${t.visibility} in ('workspace', 'private')`),
  ],
);

/** Who may see a private project (workspace owners/admins see every project anyway). */
export const projectMembers = pgTable(
  'project_members',
  {
    workspaceId: workspaceId(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Project admins manage the member list. */
    isAdmin: boolean('is_admin').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.userId] }),
    index('project_members_user_idx').on(t.workspaceId, t.userId),
    // Leaving (or being removed from) the workspace ends every project membership in it.
    foreignKey({ name: 'project_members_workspace_member_fk', columns: [t.workspaceId, t.userId], foreignColumns: [workspaceMembers.workspaceId, workspaceMembers.userId] }).onDelete('cascade'),
  ],
);

export const tasks = pgTable(
  'tasks',
  {
    /** Client-generated (offline creates replay idempotently). */
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** Markdown; rendered (sanitised) by the UI. */
    description: text('description').notNull().default(''),
    status: text('status', { enum: TASK_STATUSES }).notNull().default('todo'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    priority: text('priority', { enum: TASK_PRIORITIES }).notNull().default('none'),
    /** A calendar day, no time zone. */
    dueDate: date('due_date', { mode: 'string' }),
    labels: text('labels').array().notNull().default(sql`'{}'::text[]`),
    /** Fractional index (base-62 key) within the status column. */
    position: text('position').notNull(),
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('tasks_project_idx').on(t.projectId, t.status, t.position),
    index('tasks_workspace_idx').on(t.workspaceId),
    index('tasks_assignee_idx').on(t.assigneeId),
    check('tasks_status_check', sql`${t.status} in ('todo', 'in_progress', 'done')`),
    check('tasks_priority_check', sql`${t.priority} in ('none', 'low', 'medium', 'high', 'urgent')`),
  ],
);

export const taskComments = pgTable(
  'task_comments',
  {
    /** Client-generated (offline creates replay idempotently). */
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** Markdown. */
    body: text('body').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('task_comments_task_idx').on(t.taskId, t.createdAt)],
);

/** Per-task history (who changed what). Gone with its task (hard delete). */
export const taskActivity = pgTable(
  'task_activity',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceId(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    /** e.g. 'created', 'updated', 'moved', 'commented'. */
    kind: text('kind').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('task_activity_task_idx').on(t.taskId, t.id)],
);

/**
 * Events written in the committing transaction. An AFTER INSERT trigger runs
 * `pg_notify('kanso_events', workspace_id || ':' || id)`, delivered only on COMMIT, so a
 * rolled-back write never reaches a client. Payload: the new record (incl. version), or `{ id, projectId }`
 * for deletes. No foreign key to tasks or projects: events outlive the record they describe.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    /**
     * In commit order within a workspace: numbered by the BEFORE INSERT trigger `outbox_events_number`
     * (drizzle/0005_outbox_commit_order.sql, ADR 0011) under a per-workspace transaction lock — the
     * column default `bigserial` declares was dropped there; the sequence is the one it created.
     */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceId(),
    projectId: uuid('project_id'),
    /** `domain.past_tense`: 'task.created', 'task.updated', 'task.moved', 'task.deleted', … */
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    actorId: uuid('actor_id'),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [index('outbox_events_workspace_idx').on(t.workspaceId, t.id), index('outbox_events_project_idx').on(t.projectId, t.id)],
);
