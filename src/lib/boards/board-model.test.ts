import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  applyPending,
  columnOf,
  invert,
  mergeConflict,
  positionAt,
  rebaseAfter,
  upsertTask,
  type PendingOp,
  type Task,
  type ViewTask,
} from './board-model';

const P = '00000000-0000-4000-8000-0000000000aa';
let n = 0;
function task(over: Partial<Task> = {}): Task {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    workspaceId: 'w',
    projectId: P,
    title: `Task ${n}`,
    description: '',
    status: 'todo',
    assigneeId: null,
    priority: 'none',
    dueDate: null,
    labels: [],
    position: 'V',
    version: 1,
    createdBy: null,
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
    ...over,
  };
}
const view = (t: Task): ViewTask => ({ ...t, pending: false });
const base = { opId: 'o', seq: 1, userId: 'u', workspaceSlug: 's', projectId: P, state: 'pending' as const };

describe('server truth', () => {
  it('keeps the newest version of a task and ignores an older one', () => {
    const t1 = task({ version: 2, title: 'new' });
    const list = [t1];
    expect(upsertTask(list, { ...t1, version: 1, title: 'old' })).toBe(list);
    expect(upsertTask(list, { ...t1, version: 3, title: 'newer' })[0]?.title).toBe('newer');
  });

  it('applies live events by version, removes deleted tasks and advances the cursor', () => {
    const t1 = task();
    let data = { tasks: [t1], cursor: 10 };
    data = applyEvent(data, { id: 11, type: 'task.updated', projectId: P, actorId: null, payload: { ...t1, title: 'Live', version: 2, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', overwrote: [] } });
    expect(data.tasks[0]).toMatchObject({ title: 'Live', version: 2 });
    // Dates stay the ISO strings they arrived as: the same shape as task.list's records (ADR 0013).
    expect(data.tasks[0]?.updatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(data.tasks[0]).not.toHaveProperty('overwrote');
    // A replayed older event changes nothing but the cursor.
    data = applyEvent(data, { id: 12, type: 'task.updated', projectId: P, actorId: null, payload: { ...t1, title: 'Stale', version: 1 } });
    expect(data.tasks[0]?.title).toBe('Live');
    data = applyEvent(data, { id: 13, type: 'task.deleted', projectId: P, actorId: null, payload: { id: t1.id, projectId: P } });
    expect(data).toEqual({ tasks: [], cursor: 13 });
  });
});

describe('pending writes on top of the truth', () => {
  it('shows creates, edits, moves and deletes in order, marked pending', () => {
    const a = task({ position: 'a' });
    const b = task({ position: 'b' });
    const created = task({ position: 'c' });
    const ops: PendingOp[] = [
      { ...base, opId: '1', kind: 'create', taskId: created.id, task: created },
      { ...base, opId: '2', kind: 'update', taskId: a.id, changes: { title: 'Edited' }, base: { title: a.title }, expectedVersion: 1, baseVersion: 1 },
      { ...base, opId: '3', kind: 'move', taskId: b.id, from: { status: 'todo', position: 'b' }, to: { status: 'done', position: 'z' }, expectedVersion: 1 },
      { ...base, opId: '4', kind: 'delete', taskId: created.id, snapshot: created, expectedVersion: 0 },
      { ...base, opId: '5', kind: 'update', taskId: b.id, changes: { title: 'failed' }, base: {}, expectedVersion: 1, baseVersion: 1, state: 'failed' },
    ];
    const shown = applyPending([a, b], ops);
    expect(shown.map((t) => [t.title, t.status, t.pending])).toEqual([
      ['Edited', 'todo', true],
      [b.title, 'done', true],
    ]);
  });
});

describe('positions', () => {
  it('places a card between its new neighbours, at the ends, and past equal keys', () => {
    const col = [task({ position: 'a' }), task({ position: 'c' }), task({ position: 'e' })];
    expect(positionAt(col, 0) < 'a').toBe(true);
    const mid = positionAt(col, 1);
    expect(mid > 'a' && mid < 'c').toBe(true);
    expect(positionAt(col, 3) > 'e').toBe(true);
    // The moving card is not its own neighbour.
    const moved = positionAt(col, 1, col[0]?.id);
    expect(moved > 'c' && moved < 'e').toBe(true);
    const tied = [task({ position: 'b' }), task({ position: 'b' }), task({ position: 'd' })];
    const between = positionAt(tied, 1);
    expect(between > 'b' && between < 'd').toBe(true);
  });

  it('orders a column by key, then id', () => {
    const x = task({ position: 'b', status: 'done' });
    const y = task({ position: 'a', status: 'done' });
    expect(columnOf([x, y, task({ status: 'todo' })], 'done').map((t) => t.id)).toEqual([y.id, x.id]);
  });
});

describe('conflicts: field-by-field merge', () => {
  const t0 = task({ title: 'Original', description: 'Old', version: 1 });
  const edit: PendingOp = { ...base, kind: 'update', taskId: t0.id, changes: { description: 'Mine' }, base: { description: 'Old' }, expectedVersion: 1, baseVersion: 1 };

  it('re-applies only my fields on the current version; their other fields survive', () => {
    const current = { ...t0, title: 'Theirs', version: 2 };
    const merged = mergeConflict(edit, current);
    expect(merged).toEqual({ action: 'retry', op: { ...edit, expectedVersion: 2 } });
  });

  it('the later write wins on the same field (re-applied), and nothing is sent when the server already has it', () => {
    expect(mergeConflict(edit, { ...t0, description: 'Theirs', version: 2 })).toMatchObject({ action: 'retry', op: { changes: { description: 'Mine' }, expectedVersion: 2 } });
    expect(mergeConflict(edit, { ...t0, description: 'Mine', version: 2 })).toEqual({ action: 'done' });
  });

  it('refuses an undo whose field was changed by someone else since', () => {
    const undo: PendingOp = { ...edit, guarded: true, changes: { description: 'Old' }, base: { description: 'Mine' } };
    expect(mergeConflict(undo, { ...t0, description: 'Theirs', version: 3 })).toEqual({ action: 'refuse' });
    expect(mergeConflict(undo, { ...t0, description: 'Mine', title: 'Other field', version: 3 })).toMatchObject({ action: 'retry' });
  });

  it('an undo whose answer was lost finds its own values on the retry: done, not refused', () => {
    const undo: PendingOp = { ...edit, guarded: true, changes: { description: 'Old', priority: 'none' }, base: { description: 'Mine', priority: 'high' } };
    // The first send was applied (version 3); the retry's CONFLICT carries the undo's own result.
    expect(mergeConflict(undo, { ...t0, description: 'Old', priority: 'none', version: 3 })).toEqual({ action: 'done' });
    // Half there (mine), the other field changed by someone since: still refused, nothing overwritten.
    expect(mergeConflict(undo, { ...t0, description: 'Old', priority: 'urgent', version: 4 })).toEqual({ action: 'refuse' });
    // Half there, the other field untouched: only that one is sent.
    expect(mergeConflict(undo, { ...t0, description: 'Old', priority: 'high', version: 4 })).toEqual({
      action: 'retry',
      op: { ...undo, changes: { priority: 'none' }, expectedVersion: 4 },
    });
  });

  it('a redone move or an undone delete that was already applied is done, not refused', () => {
    const move: PendingOp = { ...base, kind: 'move', taskId: t0.id, from: { status: 'todo', position: 'V' }, to: { status: 'done', position: 'W' }, expectedVersion: 1, guarded: true };
    expect(mergeConflict(move, { ...t0, status: 'done', position: 'W', version: 2 })).toEqual({ action: 'done' });
  });

  it('moves: retried on the current version, refused for an undo after someone moved it', () => {
    const move: PendingOp = { ...base, kind: 'move', taskId: t0.id, from: { status: 'todo', position: 'V' }, to: { status: 'done', position: 'V' }, expectedVersion: 1 };
    expect(mergeConflict(move, { ...t0, title: 'x', version: 2 })).toMatchObject({ action: 'retry', op: { expectedVersion: 2 } });
    expect(mergeConflict({ ...move, guarded: true }, { ...t0, status: 'in_progress', version: 2 })).toEqual({ action: 'refuse' });
  });

  it('rebases later ops on the same task onto the version an op produced', () => {
    const later: PendingOp = { ...edit, opId: 'later' };
    const other: PendingOp = { ...edit, opId: 'other', taskId: 'another' };
    const [a, b] = rebaseAfter([later, other], t0.id, 1, 2);
    expect(a).toMatchObject({ expectedVersion: 2 });
    expect(b).toBe(other);
  });
});

describe('undo / redo', () => {
  it('inverts a move and refuses when the card was moved by someone else since', () => {
    const t1 = view(task({ status: 'done', position: 'X', version: 2 }));
    const entry = { kind: 'move' as const, taskId: t1.id, projectId: P, before: { status: 'todo' as const, position: 'V' }, after: { status: 'done' as const, position: 'X' } };
    expect(invert(entry, [t1], 'undo')).toMatchObject({ kind: 'move', to: entry.before, from: entry.after, expectedVersion: 2, guarded: true });
    expect(invert(entry, [{ ...t1, status: 'in_progress' }], 'undo')).toBeNull();
    expect(invert(entry, [{ ...t1, ...entry.before }], 'redo')).toMatchObject({ kind: 'move', to: entry.after });
  });

  it('undoes a create with a guarded delete and a delete with a create of the same id and place', () => {
    const t1 = task({ position: 'k' });
    const { id, projectId, title, description, status, assigneeId, priority, dueDate, labels, position } = t1;
    const created = { id, projectId, title, description, status, assigneeId, priority, dueDate, labels, position };
    expect(invert({ kind: 'create', task: created }, [view(t1)], 'undo')).toMatchObject({ kind: 'delete', taskId: t1.id, guarded: true });
    // Someone edited it since: undoing the create would destroy their change.
    expect(invert({ kind: 'create', task: created }, [view({ ...t1, title: 'theirs' })], 'undo')).toBeNull();
    expect(invert({ kind: 'delete', task: t1 }, [], 'undo')).toMatchObject({ kind: 'create', task: { id: t1.id, position: 'k' } });
  });

  it('undoes an edit only while the field still holds my value', () => {
    const t1 = view(task({ title: 'After', version: 3 }));
    const entry = { kind: 'update' as const, taskId: t1.id, projectId: P, before: { title: 'Before' }, after: { title: 'After' } };
    expect(invert(entry, [t1], 'undo')).toMatchObject({ kind: 'update', changes: { title: 'Before' }, base: { title: 'After' }, expectedVersion: 3 });
    expect(invert(entry, [{ ...t1, title: 'Theirs' }], 'undo')).toBeNull();
  });
});
