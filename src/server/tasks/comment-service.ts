/**
 * Task comments (COLLAB-1): anyone who may comment creates (idempotent on the client id); authors
 * edit and delete their own, admins any (`canOnResource`). Edits are compare-and-set on `version`.
 * Each write appends a task activity row and an outbox event in the caller's transaction.
 */
import 'server-only';
import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { canOnResource } from '@/lib/permissions';
import type { Tx } from '@/server/db/client';
import { prepared } from '@/server/db/prepared';
import { taskActivity, taskComments, tasks } from '@/server/db/schema';
import { AppError } from '@/server/platform/errors';
import { appendEvent, type OutboxEventType } from '@/server/realtime-events/outbox';
import { inProjectVisibleTo, type BoardActor } from '@/server/projects/access';
import { getTask, recordActivity, type Task, type WorkspaceScope } from './task-service';

export type Comment = typeof taskComments.$inferSelect;
export const COMMENT_LIST_MAX = 500;

async function track(
  tx: Tx,
  ws: WorkspaceScope,
  actor: BoardActor,
  task: Pick<Task, 'id' | 'projectId'>,
  kind: string,
  type: OutboxEventType,
  payload: Record<string, unknown>,
  data: Record<string, unknown> = { commentId: payload.id },
) {
  await recordActivity(tx, ws, actor, task.id, kind, data);
  await appendEvent(tx, { workspaceId: ws.workspaceId, projectId: task.projectId, type, payload, actorId: actor.userId, requestId: actor.requestId });
}

async function findComment(tx: Tx, id: string): Promise<Comment | undefined> {
  const [row] = await tx.select().from(taskComments).where(eq(taskComments.id, id));
  return row;
}

/** The comment and its task if `actor` may see them, else NOT_FOUND. */
async function visibleComment(tx: Tx, actor: BoardActor, id: string): Promise<{ comment: Comment; task: Task }> {
  const comment = await findComment(tx, id);
  if (!comment) throw new AppError('NOT_FOUND', 'comment.notFound');
  try {
    return { comment, task: await getTask(tx, actor, comment.taskId) };
  } catch (error) {
    throw error instanceof AppError && error.code === 'NOT_FOUND' ? new AppError('NOT_FOUND', 'comment.notFound') : error;
  }
}

export async function listComments(tx: Tx, actor: BoardActor, taskId: string): Promise<Comment[]> {
  await getTask(tx, actor, taskId);
  return tx.select().from(taskComments).where(eq(taskComments.taskId, taskId)).orderBy(asc(taskComments.createdAt), asc(taskComments.id)).limit(COMMENT_LIST_MAX);
}

/**
 * Replaying the same create returns the existing comment; the same id with other content is a CONFLICT.
 *
 * One guarded statement: `INSERT … SELECT … FROM tasks WHERE the task is visible to the actor ON
 * CONFLICT DO NOTHING RETURNING` the comment and its task's project. Only when it inserted nothing
 * is the task read: not visible → NOT_FOUND (as before), else a replay (or an id conflict).
 */
export async function createComment(tx: Tx, actor: BoardActor, ws: WorkspaceScope, input: { id: string; taskId: string; body: string }): Promise<Comment> {
  const [inserted] = await prepared(
    tx
      .insert(taskComments)
      .select(
        tx
          .select({
            id: sql`${input.id}::uuid`.as('id'),
            workspaceId: sql`${ws.workspaceId}::uuid`.as('workspace_id'),
            taskId: tasks.id,
            authorId: sql`${actor.userId}::uuid`.as('author_id'),
            body: sql`${input.body}`.as('body'),
            version: sql`1`.as('version'),
            createdAt: sql`now()`.as('created_at'),
            updatedAt: sql`now()`.as('updated_at'),
          })
          .from(tasks)
          .where(and(eq(tasks.id, input.taskId), inProjectVisibleTo(actor, tasks.projectId))),
      )
      .onConflictDoNothing({ target: taskComments.id })
      // RETURNING renders columns unqualified: the subquery names its table explicitly.
      .returning({ ...getTableColumns(taskComments), projectId: sql<string>`(SELECT t.project_id FROM tasks t WHERE t.id = task_comments.task_id)` }),
  );
  if (!inserted) {
    await getTask(tx, actor, input.taskId);
    const existing = await findComment(tx, input.id);
    if (!existing || existing.authorId !== actor.userId || existing.taskId !== input.taskId) throw new AppError('CONFLICT', 'comment.idConflict');
    // A replay after an edit is still the same create: compare with the body it was created with.
    const [created] = await tx
      .select({ data: taskActivity.data })
      .from(taskActivity)
      .where(and(eq(taskActivity.taskId, input.taskId), eq(taskActivity.kind, 'commented'), sql`${taskActivity.data}->>'commentId' = ${input.id}`))
      .limit(1);
    if (created?.data.body !== input.body) throw new AppError('CONFLICT', 'comment.idConflict');
    return existing;
  }
  const { projectId, ...row } = inserted;
  await track(tx, ws, actor, { id: row.taskId, projectId }, 'commented', 'comment.created', row, { commentId: row.id, body: row.body });
  return row;
}

export async function updateComment(
  tx: Tx,
  actor: BoardActor,
  ws: WorkspaceScope,
  input: { id: string; expectedVersion: number; body: string },
): Promise<Comment> {
  const { comment, task } = await visibleComment(tx, actor, input.id);
  if (!canOnResource(actor.role, 'comment:update', { ownerId: comment.authorId }, actor.userId)) throw new AppError('FORBIDDEN', 'comment.forbidden');
  const [row] = await tx
    .update(taskComments)
    .set({ body: input.body, version: sql`${taskComments.version} + 1`, updatedAt: new Date() })
    .where(and(eq(taskComments.id, input.id), eq(taskComments.version, input.expectedVersion)))
    .returning();
  if (!row) {
    const current = await findComment(tx, input.id);
    if (!current) throw new AppError('NOT_FOUND', 'comment.notFound');
    throw new AppError('CONFLICT', 'comment.conflict', { details: { current } });
  }
  await track(tx, ws, actor, task, 'comment_edited', 'comment.updated', row);
  return row;
}

export async function deleteComment(tx: Tx, actor: BoardActor, ws: WorkspaceScope, input: { id: string }): Promise<{ id: string }> {
  const { comment, task } = await visibleComment(tx, actor, input.id);
  if (!canOnResource(actor.role, 'comment:delete', { ownerId: comment.authorId }, actor.userId)) throw new AppError('FORBIDDEN', 'comment.forbidden');
  await tx.delete(taskComments).where(eq(taskComments.id, input.id));
  await track(tx, ws, actor, task, 'comment_deleted', 'comment.deleted', { id: comment.id, taskId: task.id, projectId: task.projectId, version: comment.version + 1 });
  return { id: comment.id };
}
