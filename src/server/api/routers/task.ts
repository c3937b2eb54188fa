/** Tasks (COLLAB-1, COLLAB-2): thin procedures over the task service, in the workspace's transaction. */
import { z } from 'zod';
import { text } from '@/server/platform/input';
import { createTask, deleteTask, getTask, listTaskActivity, listTasks, moveTask, TASK_CURSOR_PATTERN, TASK_PAGE_MAX, updateTask } from '@/server/tasks/task-service';
import { day, label, taskActivityRecord, taskPosition, taskFields, taskRecord, taskStatus, taskToWire, uuid, version } from '@/server/tasks/board-schemas';
import { toWire, typedOutput } from '@/server/platform/wire';
import { router, workspaceProcedure } from '../trpc';
import { boardActor } from './project';

export const taskRouter = router({
  /**
   * A project's tasks in board order, filtered; at most 500 per call (`nextCursor` pages on).
   * The board's hot read: raw rows are mapped field by field (`taskRowToWire`) and the contract is checked
   * by the type system, not re-parsed per row at run time (ADR 0013).
   */
  list: workspaceProcedure('task:read')
    .input(
      z.object({
        projectId: uuid,
        assigneeId: uuid.nullable().optional(),
        label: label.optional(),
        status: taskStatus.optional(),
        dueBefore: day.optional(),
        cursor: text().max(200).regex(TASK_CURSOR_PATTERN).optional(),
        limit: z.number().int().min(1).max(TASK_PAGE_MAX).optional(),
      }),
    )
    .output(typedOutput(z.object({ items: z.array(taskRecord), nextCursor: z.string().nullable() })))
    .query(({ ctx, input: { projectId, ...filters } }) => listTasks(ctx.db, boardActor(ctx), projectId, filters)),

  get: workspaceProcedure('task:read')
    .input(z.object({ taskId: uuid }))
    .output(taskRecord)
    .query(async ({ ctx, input }) => taskToWire(await getTask(ctx.db, boardActor(ctx), input.taskId))),

  listActivity: workspaceProcedure('task:read')
    .input(z.object({ taskId: uuid }))
    .output(z.array(taskActivityRecord))
    .query(async ({ ctx, input }) => toWire(await listTaskActivity(ctx.db, boardActor(ctx), input.taskId))),

  /** Idempotent on the client-generated `id`: a replay returns the existing task. */
  create: workspaceProcedure('task:create')
    .input(
      z.object({
        id: uuid,
        projectId: uuid,
        title: taskFields.title,
        description: taskFields.description.optional(),
        status: taskStatus.optional(),
        assigneeId: taskFields.assigneeId.optional(),
        priority: taskFields.priority.optional(),
        dueDate: taskFields.dueDate.optional(),
        labels: taskFields.labels.optional(),
        /** An exact fractional-index key (undo/redo); default: end of the column. */
        position: taskPosition.optional(),
      }),
    )
    .output(taskRecord)
    .mutation(async ({ ctx, input }) => taskToWire(await createTask(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, input))),

  /** Compare-and-set on `expectedVersion`; only the given fields change. CONFLICT carries `data.current`. */
  update: workspaceProcedure('task:update')
    .input(
      z.object({
        taskId: uuid,
        expectedVersion: version,
        /** The version the edit started from (after merging a CONFLICT): fields others changed since are reported as `overwrote`. */
        baseVersion: version.optional(),
        title: taskFields.title.optional(),
        description: taskFields.description.optional(),
        assigneeId: taskFields.assigneeId.optional(),
        priority: taskFields.priority.optional(),
        dueDate: taskFields.dueDate.optional(),
        labels: taskFields.labels.optional(),
      }),
    )
    .output(taskRecord)
    .mutation(async ({ ctx, input: { taskId, ...rest } }) => taskToWire(await updateTask(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, { id: taskId, ...rest }))),

  /** Between `afterId` (upper neighbour) and `beforeId` (lower neighbour), or at `position`; optionally to another column. */
  move: workspaceProcedure('task:update')
    .input(
      z.object({
        taskId: uuid,
        expectedVersion: version,
        status: taskStatus.optional(),
        afterId: uuid.nullable().optional(),
        beforeId: uuid.nullable().optional(),
        /** An exact fractional-index key instead of neighbours (BAD_REQUEST together with afterId/beforeId). */
        position: taskPosition.optional(),
      }),
    )
    .output(taskRecord)
    .mutation(async ({ ctx, input: { taskId, ...rest } }) => taskToWire(await moveTask(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, { id: taskId, ...rest }))),

  delete: workspaceProcedure('task:delete')
    .input(z.object({ taskId: uuid, expectedVersion: version.optional() }))
    .output(z.object({ id: uuid }))
    .mutation(({ ctx, input }) =>
      deleteTask(ctx.db, boardActor(ctx), { workspaceId: ctx.workspace.id }, { id: input.taskId, expectedVersion: input.expectedVersion }),
    ),
});
