/**
 * The board's client model (COLLAB-1, COLLAB-2, COLLAB-4..6), framework-free so it is unit-tested:
 *
 *  - the server truth: the tasks of a project as last confirmed by the API or a live event, newest
 *    `version` wins (`upsertTask`), plus the outbox position (`cursor`) a reconnect resyncs from;
 *  - pending writes (`PendingOp`), applied on top of the truth for what the user sees
 *    (`applyPending`) — dropping an op is the rollback;
 *  - the field-by-field merge of a CONFLICT (`mergeConflict`): only the fields the user changed are
 *    re-applied; an undo refuses instead of overwriting someone's newer change;
 *  - undo/redo entries and their inverses (`invert`).
 */
import type { inferRouterOutputs } from '@trpc/server';
import { keyBetween } from '@/lib/fractional-index';
import type { AppRouter } from '@/server/api/root';

export type Task = inferRouterOutputs<AppRouter>['task']['get'];
export type TaskStatus = Task['status'];
export type TaskPriority = Task['priority'];

export const BOARD_COLUMNS = ['todo', 'in_progress', 'done'] as const satisfies readonly TaskStatus[];
export const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const satisfies readonly TaskPriority[];

export const EDITABLE_FIELDS = ['title', 'description', 'assigneeId', 'priority', 'dueDate', 'labels'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];
export type TaskPatch = Partial<Pick<Task, EditableField>>;
export interface Placement {
  status: TaskStatus;
  position: string;
}

/** What a create sends (client-generated id: a replay is idempotent). */
export type NewTask = Pick<Task, 'id' | 'projectId' | 'title' | 'description' | 'status' | 'assigneeId' | 'priority' | 'dueDate' | 'labels' | 'position'>;

interface OpBase {
  opId: string;
  /** Queue order (replayed strictly in this order). */
  seq: number;
  userId: string;
  workspaceSlug: string;
  projectId: string;
  taskId: string;
  /** Pending ops are shown and sent; failed ones wait for retry or discard (not shown). */
  state: 'pending' | 'failed';
  error?: string;
  /** Undo/redo: refuse on a conflict instead of merging (never overwrite a newer change). */
  guarded?: boolean;
}

export type PendingOp = OpBase &
  (
    | { kind: 'create'; task: NewTask }
    | {
        kind: 'update';
        changes: TaskPatch;
        /** The values the user saw when editing (for an undo: the values it expects to find). */
        base: TaskPatch;
        expectedVersion: number;
        /** The version the edit started from (sent so the server can tell whom it overwrote). */
        baseVersion: number;
      }
    | { kind: 'move'; to: Placement; from: Placement; expectedVersion: number }
    | { kind: 'delete'; snapshot: Task; expectedVersion: number }
  );

export type OpInput = PendingOp extends infer O ? (O extends PendingOp ? Omit<O, 'opId' | 'seq' | 'userId' | 'workspaceSlug' | 'state' | 'error'> : never) : never;

/** The timestamps of a task the server has not confirmed yet. */
const EPOCH = new Date(0).toISOString();

export interface ViewTask extends Task {
  /** A write of this user to this task is not confirmed yet. */
  pending: boolean;
}

// ── Server truth ───────────────────────────────────────────────────────────────────────────────

export interface BoardData {
  tasks: Task[];
  /** The highest outbox event id applied (resync from here after a reconnect). */
  cursor: number;
}

export function compareTasks(a: Pick<Task, 'position' | 'id'>, b: Pick<Task, 'position' | 'id'>): number {
  // Byte-wise, like COLLATE "C" on the server; ties by id, like the server's ORDER BY.
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** `tasks` with `task` inserted or replaced when it is newer; the same array when nothing changed. */
export function upsertTask(tasks: Task[], task: Task): Task[] {
  const index = tasks.findIndex((t) => t.id === task.id);
  if (index === -1) return [...tasks, task];
  if ((tasks[index] as Task).version >= task.version) return tasks;
  const next = tasks.slice();
  next[index] = task;
  return next;
}

export function removeTask(tasks: Task[], id: string): Task[] {
  return tasks.some((t) => t.id === id) ? tasks.filter((t) => t.id !== id) : tasks;
}

/** A task record from a live event's JSON payload (dates are ISO strings, as in the API: ADR 0013). */
export function taskFromPayload(payload: Record<string, unknown>): Task | null {
  if (typeof payload.id !== 'string' || typeof payload.version !== 'number' || typeof payload.position !== 'string') return null;
  const { overwrote: _overwrote, ...rest } = payload;
  return rest as unknown as Task;
}

export interface TaskEvent {
  id: number;
  type: string;
  projectId: string | null;
  payload: Record<string, unknown>;
  actorId: string | null;
}

/** Applies one live/resync event to the board's truth; unknown event types leave it as it is. */
export function applyEvent(data: BoardData, event: TaskEvent): BoardData {
  const cursor = Math.max(data.cursor, event.id);
  let tasks = data.tasks;
  if (event.type === 'task.created' || event.type === 'task.updated' || event.type === 'task.moved') {
    const task = taskFromPayload(event.payload);
    if (task) tasks = upsertTask(tasks, task);
  } else if (event.type === 'task.deleted' && typeof event.payload.id === 'string') {
    tasks = removeTask(tasks, event.payload.id);
  }
  return tasks === data.tasks && cursor === data.cursor ? data : { tasks, cursor };
}

/**
 * Applies replayed events (a resync page) to the truth WITHOUT moving its cursor: the cursor moves
 * once the whole replay is in (`board-resync.ts`), so a replay cut short never leaves a cursor
 * past events it did not apply.
 */
export function applyReplayed(data: BoardData, events: readonly TaskEvent[]): BoardData {
  const next = events.reduce(applyEvent, data);
  return next === data ? data : { ...next, cursor: data.cursor };
}

// ── What the user sees ─────────────────────────────────────────────────────────────────────────

/** The truth with this user's pending writes applied in order. */
export function applyPending(tasks: readonly Task[], ops: readonly PendingOp[]): ViewTask[] {
  const byId = new Map<string, ViewTask>(tasks.map((t) => [t.id, { ...t, pending: false }]));
  for (const op of ops) {
    if (op.state !== 'pending') continue;
    const task = byId.get(op.taskId);
    switch (op.kind) {
      case 'create':
        if (!task) {
          byId.set(op.taskId, {
            ...op.task,
            workspaceId: '',
            version: 0,
            createdBy: op.userId,
            createdAt: EPOCH,
            updatedAt: EPOCH,
            pending: true,
          });
        }
        break;
      case 'update':
        if (task) byId.set(op.taskId, { ...task, ...op.changes, pending: true });
        break;
      case 'move':
        if (task) byId.set(op.taskId, { ...task, ...op.to, pending: true });
        break;
      case 'delete':
        byId.delete(op.taskId);
        break;
    }
  }
  return [...byId.values()].sort(compareTasks);
}

export function columnOf<T extends Pick<Task, 'status' | 'position' | 'id'>>(tasks: readonly T[], status: TaskStatus): T[] {
  return tasks.filter((t) => t.status === status).sort(compareTasks);
}

/**
 * The key that puts a card at `index` of `column` (the column as shown, without the moving card).
 * Equal neighbour keys (two concurrent drops) are stepped over so the key stays valid.
 */
export function positionAt(column: readonly Pick<Task, 'position' | 'id'>[], index: number, movingId?: string): string {
  const others = column.filter((t) => t.id !== movingId);
  const clamped = Math.max(0, Math.min(index, others.length));
  const upper = others[clamped - 1]?.position ?? null;
  let lower = others[clamped]?.position ?? null;
  if (upper !== null && lower !== null && upper >= lower) lower = others.find((t) => t.position > upper)?.position ?? null;
  return keyBetween(upper, lower);
}

// ── Conflicts ──────────────────────────────────────────────────────────────────────────────────

export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

function contentMatches(task: Task, snapshot: Pick<Task, EditableField | 'status' | 'position'>): boolean {
  return [...EDITABLE_FIELDS, 'status', 'position'].every((f) => sameValue(task[f as keyof Task], snapshot[f as keyof typeof snapshot]));
}

export type MergeResult =
  /** Send this (rebased) op again. */
  | { action: 'retry'; op: PendingOp }
  /** Nothing left to write: the server already holds what the op wanted. */
  | { action: 'done' }
  /** An undo/redo that would overwrite a newer change of someone else. */
  | { action: 'refuse' };

/**
 * A CONFLICT's current record merged with the op, field by field: only the fields this op changes
 * are re-applied (last writer wins per field; the server tells whoever it overwrote); a guarded op
 * (undo/redo) is refused when any field it still has to write no longer holds the value it expects.
 * An op whose values the server already holds is done — checked before the guard, so a guarded op
 * whose response was lost (applied, then retried) is not reported as refused.
 */
export function mergeConflict(op: PendingOp, current: Task): MergeResult {
  switch (op.kind) {
    case 'create':
      return { action: 'done' };
    case 'update': {
      // "Already there" comes first: an undo whose answer was lost finds its own values on the
      // retry — applied, not refused. The guard then covers only the fields still to write.
      const remaining = Object.fromEntries(Object.entries(op.changes).filter(([f, v]) => !sameValue(current[f as EditableField], v))) as TaskPatch;
      if (Object.keys(remaining).length === 0) return { action: 'done' };
      if (op.guarded && Object.keys(remaining).some((f) => !sameValue(current[f as EditableField], op.base[f as EditableField]))) return { action: 'refuse' };
      return { action: 'retry', op: { ...op, changes: remaining, expectedVersion: current.version } };
    }
    case 'move': {
      if (current.status === op.to.status && current.position === op.to.position) return { action: 'done' };
      if (op.guarded && (current.status !== op.from.status || current.position !== op.from.position)) return { action: 'refuse' };
      return { action: 'retry', op: { ...op, expectedVersion: current.version } };
    }
    case 'delete':
      if (op.guarded && !contentMatches(current, op.snapshot)) return { action: 'refuse' };
      return { action: 'retry', op: { ...op, expectedVersion: current.version } };
  }
}

/** Later ops on the same task that were based on the version an op just replaced move to its result. */
export function rebaseAfter(ops: readonly PendingOp[], taskId: string, fromVersion: number, toVersion: number): PendingOp[] {
  return ops.map((op) =>
    op.taskId === taskId && 'expectedVersion' in op && op.expectedVersion <= fromVersion ? { ...op, expectedVersion: toVersion } : op,
  );
}

// ── Undo / redo ────────────────────────────────────────────────────────────────────────────────

export type HistoryEntry =
  | { kind: 'create'; task: NewTask }
  | { kind: 'update'; taskId: string; projectId: string; before: TaskPatch; after: TaskPatch }
  | { kind: 'move'; taskId: string; projectId: string; before: Placement; after: Placement }
  | { kind: 'delete'; task: Task };

/** The op that undoes (`direction: 'undo'`) or redoes an entry against what the user sees now, or null when it no longer applies. */
export function invert(entry: HistoryEntry, view: readonly ViewTask[], direction: 'undo' | 'redo'): OpInput | null {
  const undo = direction === 'undo';
  const taskId = entry.kind === 'create' || entry.kind === 'delete' ? entry.task.id : entry.taskId;
  const task = view.find((t) => t.id === taskId);
  const removes = (entry.kind === 'create') === undo; // undo a create, or redo a delete
  if (entry.kind === 'create' || entry.kind === 'delete') {
    const snapshot = entry.task;
    if (removes) {
      if (!task || !contentMatches(task, snapshot)) return null;
      return { kind: 'delete', taskId, projectId: snapshot.projectId, snapshot: task, expectedVersion: task.version, guarded: true };
    }
    if (task) return null;
    const { id, projectId, title, description, status, assigneeId, priority, dueDate, labels, position } = snapshot;
    return { kind: 'create', taskId, projectId, task: { id, projectId, title, description, status, assigneeId, priority, dueDate, labels, position }, guarded: true };
  }
  if (!task) return null;
  if (entry.kind === 'update') {
    const [expected, target] = undo ? [entry.after, entry.before] : [entry.before, entry.after];
    if (Object.keys(target).some((f) => !sameValue(task[f as EditableField], expected[f as EditableField]))) return null;
    return { kind: 'update', taskId, projectId: entry.projectId, changes: target, base: expected, expectedVersion: task.version, baseVersion: Math.max(1, task.version), guarded: true };
  }
  const [from, to] = undo ? [entry.after, entry.before] : [entry.before, entry.after];
  if (task.status !== from.status || task.position !== from.position) return null;
  return { kind: 'move', taskId, projectId: entry.projectId, from, to, expectedVersion: task.version, guarded: true };
}
