/** Zod contracts of the board procedures (projects, tasks, comments): inputs and records. */
import { z } from 'zod';
import { int4, text } from '@/server/platform/input';
import type { tasks } from '@/server/db/schema/boards';
import { PROJECT_VISIBILITIES, TASK_PRIORITIES, TASK_STATUSES } from '@/server/db/schema/boards';
import { isoTimestamp, pgTimestampToIso } from '@/server/platform/wire';

export const uuid = z.uuid();
/** A row's `version` (int4): 1 up to 2^31 − 1. */
export const version = int4(1);
/** A calendar day, YYYY-MM-DD. */
export const day = z.iso.date();
export const label = text().trim().min(1).max(40);
/** Markdown; the UI renders it safely. */
export const markdown = text().max(20_000);

/** Longest position key accepted from a client (keys grow by about one digit per insert at the same spot). */
export const POSITION_MAX_LENGTH = 200;
/** A fractional-index key as a client sends it (the service checks it with `isValidKey`). */
export const taskPosition = text().min(1).max(POSITION_MAX_LENGTH);

export const visibility = z.enum(PROJECT_VISIBILITIES);
export const taskStatus = z.enum(TASK_STATUSES);
export const taskPriority = z.enum(TASK_PRIORITIES);

export const projectRecord = z.object({
  id: uuid,
  workspaceId: uuid,
  name: z.string(),
  description: z.string(),
  visibility,
  createdBy: uuid.nullable(),
  version: z.number().int(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  deletedAt: isoTimestamp.nullable(),
});

export const projectMemberRecord = z.object({ userId: uuid, isAdmin: z.boolean() });

export const taskRecord = z.object({
  id: uuid,
  workspaceId: uuid,
  projectId: uuid,
  title: z.string(),
  description: z.string(),
  status: taskStatus,
  assigneeId: uuid.nullable(),
  priority: taskPriority,
  dueDate: z.string().nullable(),
  labels: z.array(z.string()),
  position: z.string(),
  version: z.number().int(),
  createdBy: uuid.nullable(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});

export type TaskRecord = z.output<typeof taskRecord>;

/**
 * A task row as it travels (the hot path of task.list, ADR 0013): field by field — nothing outside
 * the contract leaves — with the dates as ISO strings. Cheaper than `toWire` + a zod parse per row.
 */
export function taskToWire(row: typeof tasks.$inferSelect): TaskRecord {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    projectId: row.projectId,
    title: row.title,
    description: row.description,
    status: row.status,
    assigneeId: row.assigneeId,
    priority: row.priority,
    dueDate: row.dueDate,
    labels: row.labels,
    position: row.position,
    version: row.version,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * A tasks row as PostgreSQL sends it (column names; timestamps as text, which Drizzle's driver leaves
 * unparsed): what the board read receives when it skips Drizzle's per-field row mapping.
 */
export interface TaskRow {
  id: string;
  workspace_id: string;
  project_id: string;
  title: string;
  description: string;
  status: TaskRecord['status'];
  assignee_id: string | null;
  priority: TaskRecord['priority'];
  due_date: string | null;
  labels: string[];
  position: string;
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** `taskToWire` for a raw row: the same record, field for field. */
export function taskRowToWire(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    projectId: row.project_id,
    title: row.title,
    description: row.description,
    status: row.status,
    assigneeId: row.assignee_id,
    priority: row.priority,
    dueDate: row.due_date,
    labels: row.labels,
    position: row.position,
    version: row.version,
    createdBy: row.created_by,
    createdAt: pgTimestampToIso(row.created_at),
    updatedAt: pgTimestampToIso(row.updated_at),
  };
}

export const taskActivityRecord = z.object({
  id: z.number().int(),
  taskId: uuid,
  actorId: uuid.nullable(),
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: isoTimestamp,
});

export const commentRecord = z.object({
  id: uuid,
  workspaceId: uuid,
  taskId: uuid,
  authorId: uuid.nullable(),
  body: z.string(),
  version: z.number().int(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});

export const taskFields = {
  title: text().trim().min(1).max(500),
  description: markdown,
  assigneeId: uuid.nullable(),
  priority: taskPriority,
  dueDate: day.nullable(),
  labels: z.array(label).max(20),
};
