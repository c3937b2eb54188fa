/** The write queue's transport in the browser (and in its integration test): the app's tRPC API. */
import { TRPCClientError, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@/server/api/root';
import type { Task } from './board-model';
import type { QueueTransport } from './write-queue';

/** Sends queued ops through tRPC and sorts failures into network / conflict / gone / refused. */
export function trpcTransport(client: TRPCClient<AppRouter>, workspaceSlug: string): QueueTransport {
  return {
    async send(op) {
      switch (op.kind) {
        case 'create':
          return { task: await client.task.create.mutate({ workspaceSlug, ...op.task }) };
        case 'update':
          return { task: await client.task.update.mutate({ workspaceSlug, taskId: op.taskId, expectedVersion: op.expectedVersion, baseVersion: op.baseVersion >= 1 ? Math.min(op.baseVersion, op.expectedVersion) : undefined, ...op.changes }) };
        case 'move':
          return { task: await client.task.move.mutate({ workspaceSlug, taskId: op.taskId, expectedVersion: op.expectedVersion, status: op.to.status, position: op.to.position }) };
        case 'delete':
          // A plain delete wins over concurrent edits; an undo/redo delete is compare-and-set.
          return { deletedId: (await client.task.delete.mutate({ workspaceSlug, taskId: op.taskId, expectedVersion: op.guarded ? op.expectedVersion : undefined })).id };
      }
    },
    classify(error) {
      if (!(error instanceof TRPCClientError)) return { kind: 'network' };
      const data = error.data as { code?: string; httpStatus?: number; current?: Task } | undefined;
      if (!data?.httpStatus || data.httpStatus >= 500 || data.httpStatus === 429) return { kind: 'network' };
      // No session (signed out elsewhere, revoked): keep the op and retry like a dropped network —
      // the page is on its way to sign-in (WorkspaceLive) and the op is sent after, as the same user.
      if (data.code === 'UNAUTHORIZED') return { kind: 'network' };
      if (data.code === 'CONFLICT' && data.current) return { kind: 'conflict', current: data.current };
      if (data.code === 'NOT_FOUND') return { kind: 'notFound' };
      return { kind: 'rejected', message: error.message };
    },
  };
}
