/**
 * Tasks (COLLAB-1, COLLAB-2): creates are idempotent on the client-generated id, updates and moves
 * are compare-and-set on `version` (a stale write is a CONFLICT carrying the current record), and
 * every write appends a `task_activity` row and an outbox event in the caller's transaction.
 *
 * Every function takes the workspace-scoped transaction of the calling procedure.
 */
import 'server-only';
import { and, arrayContains, asc, desc, eq, getTableColumns, gt, lt, lte, ne, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { isValidKey, keyBetween } from '@/lib/fractional-index';
import type { Tx } from '@/server/db/client';
import { placeholders, prepared, preparedRows, statement } from '@/server/db/prepared';
import { TASK_PRIORITIES, TASK_STATUSES, taskActivity, tasks, workspaceMembers } from '@/server/db/schema';
import { AppError } from '@/server/platform/errors';
import { appendEvent, type OutboxEventType } from '@/server/realtime-events/outbox';
import { inProjectVisibleTo, type BoardActor } from '@/server/projects/access';
import { getProject } from '@/server/projects/project-service';
import { POSITION_MAX_LENGTH, taskRowToWire, type TaskRecord, type TaskRow } from './board-schemas';

export type Task = typeof tasks.$inferSelect;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** Most tasks one list call answers (page on with `nextCursor`). */
export const TASK_PAGE_MAX = 500;
/** `<status>~<position>~<id>` of the last task of the previous page. */
export const TASK_CURSOR_PATTERN = /^(todo|in_progress|done)~[0-9A-Za-z]+~[0-9a-f-]{36}$/;

export interface WorkspaceScope {
  workspaceId: string;
}

/** Appends a task activity row (one prepared statement; comments use it too). */
export async function recordActivity(tx: Tx, ws: WorkspaceScope, actor: BoardActor, taskId: string, kind: string, data: Record<string, unknown>) {
  await insertActivity(tx, { workspaceId: ws.workspaceId, taskId, actorId: actor.userId, kind, data });
}

const insertActivity = statement<Pick<typeof taskActivity.$inferInsert, 'workspaceId' | 'taskId' | 'actorId' | 'kind' | 'data'>>((tx) =>
  tx.insert(taskActivity).values(placeholders('workspaceId', 'taskId', 'actorId', 'kind', 'data')),
);

async function record(tx: Tx, ws: WorkspaceScope, actor: BoardActor, task: Pick<Task, 'id' | 'projectId'>, kind: string, data: Record<string, unknown>) {
  await recordActivity(tx, ws, actor, task.id, kind, data);
}

async function emit(tx: Tx, ws: WorkspaceScope, actor: BoardActor, type: OutboxEventType, projectId: string, payload: Record<string, unknown>) {
  await appendEvent(tx, { workspaceId: ws.workspaceId, projectId, type, payload, actorId: actor.userId, requestId: actor.requestId });
}

async function findTask(tx: Tx, id: string): Promise<Task | undefined> {
  const [row] = await tx.select().from(tasks).where(eq(tasks.id, id));
  return row;
}

/** The task if `actor` may see its project, in one query (RLS filters too); undefined otherwise. */
export async function findVisibleTask(tx: Tx, actor: BoardActor, id: string): Promise<Task | undefined> {
  const [row] = await prepared(tx.select().from(tasks).where(and(eq(tasks.id, id), inProjectVisibleTo(actor, tasks.projectId))));
  return row;
}

/** The task if `actor` may see its project (RLS filters too), else NOT_FOUND. */
export async function getTask(tx: Tx, actor: BoardActor, id: string): Promise<Task> {
  const task = await findVisibleTask(tx, actor, id);
  if (!task) throw new AppError('NOT_FOUND', 'task.notFound');
  return task;
}

/** Why a guarded write of task `id` changed no row: gone or invisible (NOT_FOUND), else a stale version (CONFLICT). */
async function conflictOrNotFound(tx: Tx, actor: BoardActor, id: string): Promise<AppError> {
  const current = await findVisibleTask(tx, actor, id);
  if (!current) return new AppError('NOT_FOUND', 'task.notFound');
  return new AppError('CONFLICT', 'task.conflict', { details: { current } });
}

/** An assignee must be a member of the workspace (as a condition, for statements that fold the check in). */
function isAssignable(ws: WorkspaceScope, assigneeId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${workspaceMembers} WHERE ${workspaceMembers.workspaceId} = ${ws.workspaceId} AND ${workspaceMembers.userId} = ${assigneeId})`;
}

async function assertAssignable(tx: Tx, ws: WorkspaceScope, assigneeId: string | null | undefined): Promise<void> {
  if (!assigneeId) return;
  const [row] = await prepared(tx.select({ ok: sql<number>`1` }).from(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, ws.workspaceId), eq(workspaceMembers.userId, assigneeId))));
  if (!row) throw new AppError('BAD_REQUEST', 'task.assigneeNotMember', { fieldErrors: { assigneeId: 'task.assigneeNotMember' } });
}

export interface TaskFilters {
  assigneeId?: string | null;
  label?: string;
  status?: TaskStatus;
  /** Tasks due on or before this day (YYYY-MM-DD). */
  dueBefore?: string;
  cursor?: string;
  limit?: number;
}

/**
 * A project's tasks in board order (status, position, id), filtered and bounded: one query whose
 * WHERE also says the project is one `actor` may see (evaluated once; RLS applies it again). Only
 * an empty page asks again, to tell an empty board from a project that is not there (NOT_FOUND).
 */
/**
 * One page of a project's tasks, as the wire carries them. The board's hot read (PERF-1): the
 * statement is Drizzle's, but its rows skip Drizzle's per-field mapping (entity checks and a Date per
 * timestamp, ≈ 2 ms for 200 rows) and go to the wire record in one step (`taskRowToWire`).
 */
export async function listTasks(tx: Tx, actor: BoardActor, projectId: string, filters: TaskFilters = {}): Promise<{ items: TaskRecord[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(filters.limit ?? TASK_PAGE_MAX, TASK_PAGE_MAX));
  const conditions: Array<SQL | undefined> = [eq(tasks.projectId, projectId), inProjectVisibleTo(actor, projectId)];
  if (filters.assigneeId !== undefined) {
    conditions.push(filters.assigneeId === null ? sql`${tasks.assigneeId} is null` : eq(tasks.assigneeId, filters.assigneeId));
  }
  if (filters.label !== undefined) conditions.push(arrayContains(tasks.labels, [filters.label]));
  if (filters.status !== undefined) conditions.push(eq(tasks.status, filters.status));
  if (filters.dueBefore !== undefined) conditions.push(lte(tasks.dueDate, filters.dueBefore));
  if (filters.cursor !== undefined) {
    if (!TASK_CURSOR_PATTERN.test(filters.cursor)) {
      // An unknown project answers NOT_FOUND before a malformed cursor is mentioned.
      await getProject(tx, actor, projectId);
      throw new AppError('BAD_REQUEST', 'generic.badRequest');
    }
    const [status, position, id] = filters.cursor.split('~') as [string, string, string];
    conditions.push(sql`(${tasks.status}, ${tasks.position}, ${tasks.id}) > (${status}, ${position}, ${id}::uuid)`);
  }
  const rows = await preparedRows<TaskRow>(
    tx,
    tx
      .select()
      .from(tasks)
      .where(and(...conditions))
      .orderBy(asc(tasks.status), asc(tasks.position), asc(tasks.id))
      .limit(limit + 1)
      .getSQL(),
  );
  if (rows.length === 0) await getProject(tx, actor, projectId);
  const items = rows.slice(0, limit).map(taskRowToWire);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? `${last.status}~${last.position}~${last.id}` : null };
}

/** The position after the last task of a column. */
async function endOfColumn(tx: Tx, projectId: string, status: TaskStatus, excludeId?: string): Promise<string> {
  const [last] = await tx
    .select({ position: tasks.position })
    .from(tasks)
    .where(and(eq(tasks.projectId, projectId), eq(tasks.status, status), excludeId ? ne(tasks.id, excludeId) : undefined))
    .orderBy(desc(tasks.position), desc(tasks.id))
    .limit(1);
  return keyBetween(last?.position ?? null, null);
}

export interface CreateTaskInput {
  id: string;
  projectId: string;
  title: string;
  description?: string;
  status?: TaskStatus;
  assigneeId?: string | null;
  priority?: TaskPriority;
  dueDate?: string | null;
  labels?: string[];
  /** An exact fractional-index key (undo/redo re-creates a card where it was); default: end of the column. */
  position?: string;
}

function assertPosition(position: string | undefined): void {
  if (position !== undefined && (position.length > POSITION_MAX_LENGTH || !isValidKey(position))) {
    throw new AppError('BAD_REQUEST', 'task.invalidPosition', { fieldErrors: { position: 'task.invalidPosition' } });
  }
}

/** What a create says, normalised: compared on replay (kept in the `created` activity row). */
function createContent(input: CreateTaskInput) {
  return {
    projectId: input.projectId,
    title: input.title,
    description: input.description ?? '',
    status: input.status ?? 'todo',
    assigneeId: input.assigneeId ?? null,
    priority: input.priority ?? 'none',
    dueDate: input.dueDate ?? null,
    labels: [...(input.labels ?? [])],
  };
}

/** JSON with sorted keys (jsonb does not keep key order). */
function canonical(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));
}

/**
 * Creates a task at the end of its column, or at exactly `position`. Replaying the same create (offline queue) returns the
 * existing task — even if it was edited since — without a second row or event; the same id with
 * different content is a CONFLICT.
 */
export async function createTask(tx: Tx, actor: BoardActor, ws: WorkspaceScope, input: CreateTaskInput): Promise<Task> {
  const content = createContent(input);
  assertPosition(input.position);
  await getProject(tx, actor, input.projectId);
  await assertAssignable(tx, ws, content.assigneeId);
  // An exact key may equal an existing card's: lists order ties by id.
  const position = input.position ?? (await endOfColumn(tx, input.projectId, content.status));
  const [row] = await tx
    .insert(tasks)
    .values({ id: input.id, workspaceId: ws.workspaceId, createdBy: actor.userId, position, ...content })
    .onConflictDoNothing({ target: tasks.id })
    .returning();
  if (!row) {
    const existing = await findTask(tx, input.id);
    if (!existing) throw new AppError('CONFLICT', 'task.idConflict');
    const [created] = await tx
      .select({ data: taskActivity.data, actorId: taskActivity.actorId })
      .from(taskActivity)
      .where(and(eq(taskActivity.taskId, input.id), eq(taskActivity.kind, 'created')))
      .limit(1);
    const same = created?.actorId === actor.userId && canonical(created.data) === canonical(content);
    if (!same) throw new AppError('CONFLICT', 'task.idConflict');
    return existing;
  }
  await record(tx, ws, actor, row, 'created', content);
  await emit(tx, ws, actor, 'task.created', row.projectId, row);
  return row;
}

export interface UpdateTaskInput {
  id: string;
  expectedVersion: number;
  /**
   * The version the user's edit started from, when a client merged a CONFLICT and re-applies its
   * fields on a newer `expectedVersion` (≤ expectedVersion). Fields another user changed in between
   * are reported as `overwrote` (COLLAB-2: "the loser is told").
   */
  baseVersion?: number;
  title?: string;
  description?: string;
  assigneeId?: string | null;
  priority?: TaskPriority;
  dueDate?: string | null;
  labels?: string[];
}

const UPDATABLE = ['title', 'description', 'assigneeId', 'priority', 'dueDate', 'labels'] as const;

/** The row as it was before an update, beside the updated one (a self-join reads the statement's snapshot). */
const previous = alias(tasks, 'previous');

/**
 * Compare-and-set update of the given fields (status and order change through `moveTask`), in one
 * guarded statement: `UPDATE … FROM tasks previous WHERE id, version, the project visible to the
 * actor (and the assignee a member) … RETURNING` the new row and the old values of the fields.
 * Nothing is read first; only when no row changed is the task read, to answer NOT_FOUND (gone or
 * not visible), BAD_REQUEST (assignee not a member) or CONFLICT (stale version, with the current
 * task) — in that order, as before.
 */
export async function updateTask(tx: Tx, actor: BoardActor, ws: WorkspaceScope, input: UpdateTaskInput): Promise<Task> {
  if (input.baseVersion !== undefined && input.baseVersion > input.expectedVersion) {
    throw new AppError('BAD_REQUEST', 'task.baseVersion', { fieldErrors: { baseVersion: 'task.baseVersion' } });
  }
  const patch = Object.fromEntries(UPDATABLE.filter((f) => input[f] !== undefined).map((f) => [f, input[f]])) as Partial<Pick<Task, (typeof UPDATABLE)[number]>>;
  const fields = Object.keys(patch) as Array<(typeof UPDATABLE)[number]>;
  const [updated] = await prepared(
    tx
      .update(tasks)
      .set({ ...patch, version: sql`${tasks.version} + 1`, updatedAt: new Date() })
      .from(previous)
      .where(
        and(
          eq(tasks.id, input.id),
          eq(previous.id, tasks.id),
          eq(tasks.version, input.expectedVersion),
          inProjectVisibleTo(actor, tasks.projectId),
          input.assigneeId ? isAssignable(ws, input.assigneeId) : undefined,
        ),
      )
      .returning({ row: getTableColumns(tasks), before: { version: previous.version, ...Object.fromEntries(fields.map((f) => [f, previous[f]])) } }),
  );
  if (!updated) {
    const refusal = await conflictOrNotFound(tx, actor, input.id);
    if (refusal.code === 'CONFLICT') await assertAssignable(tx, ws, input.assigneeId);
    throw refusal;
  }
  const { row, before } = updated as { row: Task; before: Partial<Task> };
  const changes = Object.fromEntries(fields.map((f) => [f, { from: before[f], to: row[f] }]));
  const overwrote =
    input.baseVersion !== undefined && input.baseVersion < input.expectedVersion
      ? await overwrittenFields(tx, actor, input.id, input.baseVersion, fields)
      : [];
  const extra = overwrote.length > 0 ? { overwrote } : {};
  await record(tx, ws, actor, row, 'updated', { ...changes, version: row.version, ...extra });
  await emit(tx, ws, actor, 'task.updated', row.projectId, { ...row, ...extra });
  return row;
}

export interface OverwrittenField {
  field: (typeof UPDATABLE)[number];
  /** Who set the value this update replaced (the latest other editor of that field). */
  actorId: string;
}

/**
 * Fields of this update that other users changed after `baseVersion` (from the `updated` activity
 * rows, which carry the version they produced): one entry per field, the latest such actor.
 */
async function overwrittenFields(tx: Tx, actor: BoardActor, taskId: string, baseVersion: number, fields: string[]): Promise<OverwrittenField[]> {
  if (fields.length === 0) return [];
  const rows = await tx
    .select({ actorId: taskActivity.actorId, data: taskActivity.data })
    .from(taskActivity)
    .where(
      and(
        eq(taskActivity.taskId, taskId),
        eq(taskActivity.kind, 'updated'),
        ne(taskActivity.actorId, actor.userId),
        sql`(${taskActivity.data}->>'version')::int > ${baseVersion}`,
      ),
    )
    .orderBy(asc(taskActivity.id));
  const latest = new Map<OverwrittenField['field'], string>();
  for (const row of rows) {
    for (const field of UPDATABLE) {
      if (row.actorId && fields.includes(field) && Object.hasOwn(row.data, field)) latest.set(field, row.actorId);
    }
  }
  return [...latest].map(([field, actorId]) => ({ field, actorId }));
}

export interface MoveTaskInput {
  id: string;
  expectedVersion: number;
  /** The column to move to (default: the current one). */
  status?: TaskStatus;
  /** The task that will be directly above it in the column (its upper neighbour). */
  afterId?: string | null;
  /** The task that will be directly below it in the column (its lower neighbour). */
  beforeId?: string | null;
  /**
   * An exact fractional-index key instead of neighbours (undo/redo puts a card back where it was);
   * not together with `afterId` / `beforeId`. An existing equal key is allowed (ties order by id).
   */
  position?: string;
}

async function neighbour(tx: Tx, task: Task, status: TaskStatus, id: string): Promise<string> {
  const [row] = await tx
    .select({ position: tasks.position })
    .from(tasks)
    .where(and(eq(tasks.id, id), eq(tasks.projectId, task.projectId), eq(tasks.status, status), ne(tasks.id, task.id)));
  if (!row) throw new AppError('CONFLICT', 'task.staleMove', { details: { current: task } });
  return row.position;
}

/**
 * Moves a task between two neighbours (either may be omitted: top or end of the column) or to an
 * exact `position`, and optionally to another column; writes one row (fractional index), compare-and-set.
 */
export async function moveTask(tx: Tx, actor: BoardActor, ws: WorkspaceScope, input: MoveTaskInput): Promise<Task> {
  if (input.position !== undefined && (input.afterId != null || input.beforeId != null)) {
    throw new AppError('BAD_REQUEST', 'task.positionWithNeighbours', { fieldErrors: { position: 'task.positionWithNeighbours' } });
  }
  assertPosition(input.position);
  const before = await getTask(tx, actor, input.id);
  if (before.version !== input.expectedVersion) throw await conflictOrNotFound(tx, actor, input.id);
  const status = input.status ?? before.status;
  const position = input.position ?? (await positionBetweenNeighbours(tx, before, status, input));
  const [row] = await tx
    .update(tasks)
    .set({ status, position, version: sql`${tasks.version} + 1`, updatedAt: new Date() })
    .where(and(eq(tasks.id, input.id), eq(tasks.version, input.expectedVersion)))
    .returning();
  if (!row) throw await conflictOrNotFound(tx, actor, input.id);
  await record(tx, ws, actor, row, 'moved', { from: { status: before.status, position: before.position }, to: { status, position }, version: row.version });
  await emit(tx, ws, actor, 'task.moved', row.projectId, row);
  return row;
}

/** A key between the requested neighbours (either may be omitted: top or end of the column). */
async function positionBetweenNeighbours(tx: Tx, before: Task, status: TaskStatus, input: MoveTaskInput): Promise<string> {
  const inColumn = and(eq(tasks.projectId, before.projectId), eq(tasks.status, status), ne(tasks.id, before.id));
  let upper = input.afterId ? await neighbour(tx, before, status, input.afterId) : null;
  let lower = input.beforeId ? await neighbour(tx, before, status, input.beforeId) : null;
  if (upper !== null && lower === null && !input.beforeId) {
    const [next] = await tx.select({ position: tasks.position }).from(tasks).where(and(inColumn, gt(tasks.position, upper))).orderBy(asc(tasks.position)).limit(1);
    lower = next?.position ?? null;
  } else if (lower !== null && upper === null && !input.afterId) {
    const [previous] = await tx.select({ position: tasks.position }).from(tasks).where(and(inColumn, lt(tasks.position, lower))).orderBy(desc(tasks.position)).limit(1);
    upper = previous?.position ?? null;
  } else if (upper === null && lower === null) {
    upper = (await tx.select({ position: tasks.position }).from(tasks).where(inColumn).orderBy(desc(tasks.position)).limit(1))[0]?.position ?? null;
  }
  // Two cards that landed on the same key concurrently: place after the upper one.
  if (upper !== null && lower !== null && upper >= lower) {
    const [next] = await tx.select({ position: tasks.position }).from(tasks).where(and(inColumn, gt(tasks.position, upper))).orderBy(asc(tasks.position)).limit(1);
    lower = next?.position ?? null;
  }
  return keyBetween(upper, lower);
}

/** Hard delete (its comments and activity go with it); compare-and-set when a version is given. */
export async function deleteTask(tx: Tx, actor: BoardActor, ws: WorkspaceScope, input: { id: string; expectedVersion?: number }): Promise<{ id: string }> {
  await getTask(tx, actor, input.id);
  const [row] = await tx
    .delete(tasks)
    .where(and(eq(tasks.id, input.id), input.expectedVersion !== undefined ? eq(tasks.version, input.expectedVersion) : undefined))
    .returning({ id: tasks.id, projectId: tasks.projectId, version: tasks.version });
  if (!row) throw await conflictOrNotFound(tx, actor, input.id);
  await emit(tx, ws, actor, 'task.deleted', row.projectId, { id: row.id, projectId: row.projectId, version: row.version + 1 });
  return { id: row.id };
}

export type TaskActivity = typeof taskActivity.$inferSelect;

/** A task's history, newest first (bounded). */
export async function listTaskActivity(tx: Tx, actor: BoardActor, taskId: string): Promise<TaskActivity[]> {
  await getTask(tx, actor, taskId);
  return tx.select().from(taskActivity).where(eq(taskActivity.taskId, taskId)).orderBy(desc(taskActivity.id)).limit(TASK_PAGE_MAX);
}

