'use client';
/**
 * One project's board (COLLAB-1, -4, -6): loads the tasks (baseline event cursor first, so a
 * resync after loading misses nothing), joins the project's room while mounted, shows the truth
 * with this user's pending writes applied, and offers the writes — all through the write queue —
 * with an undo/redo history of this session's own changes.
 */
import { useQuery } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useToast } from '@/components/ui/toaster';
import { useWorkspaceRole } from '@/components/workspaces/workspace-role';
import {
  applyPending,
  columnOf,
  invert,
  positionAt,
  sameValue,
  type BoardData,
  type HistoryEntry,
  type NewTask,
  type Task,
  type TaskPatch,
  type TaskStatus,
  type ViewTask,
} from '@/lib/boards/board-model';
import { boardKey, loadBoard } from '@/lib/boards/board-load';
import { useTRPCClient } from '@/lib/trpc/client';
import { useLive, useQueueState } from './workspace-live';

const HISTORY_MAX = 100;

/** The values and version a user's edit started from (for the field-by-field merge). */
export interface EditBase {
  values: TaskPatch;
  version: number;
}

export function stripView(task: ViewTask): Task {
  const { pending: _pending, ...rest } = task;
  return rest;
}

export function useBoard(projectId: string) {
  const { workspaceSlug } = useWorkspaceRole();
  const client = useTRPCClient();
  const live = useLive();
  const notify = useToast();
  const t = useTranslations('board');
  const key = boardKey(workspaceSlug, projectId);

  const query = useQuery({
    queryKey: key,
    // The page renders the board with its tasks already in this cache (loaded by the server, the
    // same way); this runs when the board is reloaded in the browser. Whatever committed after the
    // cursor is replayed once the room is joined (the `joined` resync) or, when the room was joined
    // first, by the resync requested here.
    queryFn: async (): Promise<BoardData> => {
      const data = await loadBoard({
        cursor: () => client.realtime.cursor.query({ workspaceSlug, projectId }),
        page: (cursor) => client.task.list.query({ workspaceSlug, projectId, cursor }),
      });
      setTimeout(() => void live.resync(projectId).catch(() => undefined), 0);
      return data;
    },
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  useEffect(() => {
    live.join(projectId);
    return () => live.leave(projectId);
  }, [live, projectId]);

  const { ops } = useQueueState();
  const projectOps = useMemo(() => ops.filter((op) => op.projectId === projectId), [ops, projectId]);
  const tasks = useMemo(() => applyPending(query.data?.tasks ?? [], projectOps), [query.data, projectOps]);

  const [history, setHistory] = useState<{ undo: HistoryEntry[]; redo: HistoryEntry[] }>({ undo: [], redo: [] });
  const record = useCallback((entry: HistoryEntry) => setHistory((h) => ({ undo: [...h.undo, entry].slice(-HISTORY_MAX), redo: [] })), []);

  const createTask = useCallback(
    (fields: { title: string; status: TaskStatus; index?: number }) => {
      const column = columnOf(tasks, fields.status);
      const task: NewTask = {
        id: crypto.randomUUID(),
        projectId,
        title: fields.title,
        description: '',
        status: fields.status,
        assigneeId: null,
        priority: 'none',
        dueDate: null,
        labels: [],
        position: positionAt(column, fields.index ?? column.length),
      };
      live.queue.enqueue({ kind: 'create', taskId: task.id, projectId, task });
      record({ kind: 'create', task });
      return task.id;
    },
    [live.queue, projectId, record, tasks],
  );

  const updateTask = useCallback(
    (taskId: string, changes: TaskPatch, base?: EditBase) => {
      const task = tasks.find((t) => t.id === taskId);
      if (!task) return;
      const baseValues = base?.values ?? task;
      const changed = Object.fromEntries(Object.entries(changes).filter(([f, v]) => !sameValue(task[f as keyof TaskPatch], v))) as TaskPatch;
      if (Object.keys(changed).length === 0) return;
      const before = Object.fromEntries(Object.keys(changed).map((f) => [f, task[f as keyof TaskPatch]])) as TaskPatch;
      const seen = Object.fromEntries(Object.keys(changed).map((f) => [f, baseValues[f as keyof TaskPatch]])) as TaskPatch;
      const version = base?.version ?? task.version;
      live.queue.enqueue({ kind: 'update', taskId, projectId, changes: changed, base: seen, expectedVersion: version, baseVersion: version });
      record({ kind: 'update', taskId, projectId, before, after: changed });
    },
    [live.queue, projectId, record, tasks],
  );

  const moveTask = useCallback(
    (taskId: string, status: TaskStatus, index: number) => {
      const task = tasks.find((t) => t.id === taskId);
      if (!task) return;
      const position = positionAt(columnOf(tasks, status), index, taskId);
      const current = columnOf(tasks, task.status);
      if (status === task.status && current.findIndex((t) => t.id === taskId) === Math.min(index, current.length - 1)) return;
      const from = { status: task.status, position: task.position };
      const to = { status, position };
      live.queue.enqueue({ kind: 'move', taskId, projectId, from, to, expectedVersion: task.version });
      record({ kind: 'move', taskId, projectId, before: from, after: to });
    },
    [live.queue, projectId, record, tasks],
  );

  const deleteTask = useCallback(
    (taskId: string) => {
      const task = tasks.find((t) => t.id === taskId);
      if (!task) return;
      const snapshot = stripView(task);
      live.queue.enqueue({ kind: 'delete', taskId, projectId, snapshot, expectedVersion: task.version });
      record({ kind: 'delete', task: snapshot });
    },
    [live.queue, projectId, record, tasks],
  );

  const step = useCallback(
    (direction: 'undo' | 'redo') => {
      const from = direction === 'undo' ? history.undo : history.redo;
      const entry = from.at(-1);
      if (!entry) return;
      const op = invert(entry, tasks, direction);
      setHistory((h) => {
        const undo = direction === 'undo' ? h.undo.slice(0, -1) : op ? [...h.undo, entry] : h.undo;
        const redo = direction === 'redo' ? h.redo.slice(0, -1) : op ? [...h.redo, entry] : h.redo;
        return { undo, redo };
      });
      if (!op) return notify(t(direction === 'undo' ? 'notice.undoStale' : 'notice.redoStale'), 'warning');
      live.queue.enqueue(op);
    },
    [history, live.queue, notify, t, tasks],
  );

  return {
    query,
    tasks,
    createTask,
    updateTask,
    moveTask,
    deleteTask,
    undo: () => step('undo'),
    redo: () => step('redo'),
    canUndo: history.undo.length > 0,
    canRedo: history.redo.length > 0,
  };
}

export type Board = ReturnType<typeof useBoard>;
