'use client';
/**
 * Where this user's writes stand (COLLAB-5): saved, saving N, offline with N waiting, reconnecting
 * with N waiting (the API answers 503: the database is coming back), or N failed — failed ones listed
 * with retry and discard. Also says when the live connection is down.
 */
import { AlertTriangle, Check, CloudOff, Loader2, RefreshCw } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { Popover } from 'radix-ui';
import { useConnectionState } from '@/components/layout/connection-notice';
import { Button } from '@/components/ui/button';
import type { PendingOp } from '@/lib/boards/board-model';
import { useLive, useLiveState, useQueueState } from './workspace-live';

export function SyncStatus({ projectId }: { projectId: string }) {
  const t = useTranslations('board');
  const { queue } = useLive();
  const { ops, online } = useQueueState();
  const { status } = useLiveState();
  const api = useConnectionState();
  const mine = ops.filter((op) => op.projectId === projectId);
  const pending = mine.filter((op) => op.state === 'pending').length;
  const failed = mine.filter((op) => op.state === 'failed');
  const offline = !online || status === 'offline';

  let state: 'offline' | 'reconnecting' | 'failed' | 'saving' | 'saved' = 'saved';
  if (failed.length > 0) state = 'failed';
  else if (offline) state = 'offline';
  else if (api.status === 'reconnecting') state = 'reconnecting';
  else if (pending > 0) state = 'saving';

  const label = {
    offline: pending > 0 ? t('sync.offlinePending', { count: pending }) : t('sync.offline'),
    reconnecting: pending > 0 ? t('sync.reconnectingPending', { count: pending }) : t('sync.reconnecting'),
    failed: t('sync.failed', { count: failed.length }),
    saving: t('sync.saving', { count: pending }),
    saved: t('sync.saved'),
  }[state];
  const Icon = { offline: CloudOff, reconnecting: RefreshCw, failed: AlertTriangle, saving: Loader2, saved: Check }[state];
  const body = (
    <span className="inline-flex items-center gap-1.5 text-xs text-muted-foreground" data-testid="sync-status" data-state={state} data-pending={pending}>
      <Icon className={state === 'saving' ? 'h-3.5 w-3.5 animate-spin' : 'h-3.5 w-3.5'} aria-hidden />
      {label}
    </span>
  );
  if (state !== 'failed') return <div role="status">{body}</div>;
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <button type="button" className="rounded px-1 hover:bg-muted">
          {body}
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={6} className="z-50 w-80 rounded-md border border-border bg-background p-3 text-sm shadow-lg">
          <ul className="grid gap-2">
            {failed.map((op) => (
              <li key={op.opId} className="grid gap-1">
                <p className="font-medium">{describe(op, t)}</p>
                <p className="text-xs text-destructive">{op.error}</p>
                <div className="flex gap-2">
                  <Button size="sm" variant="outline" onClick={() => queue.retry(op.opId)}>
                    {t('sync.retry')}
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => queue.discard(op.opId)}>
                    {t('sync.discard')}
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function describe(op: PendingOp, t: ReturnType<typeof useTranslations<'board'>>): string {
  switch (op.kind) {
    case 'create':
      return t('sync.op.create', { title: op.task.title });
    case 'update':
      return t('sync.op.update', { fields: Object.keys(op.changes).map((f) => t(`fields.${f}` as never)).join(', ') });
    case 'move':
      return t('sync.op.move', { column: t(`columns.${op.to.status}`) });
    case 'delete':
      return t('sync.op.delete', { title: op.snapshot.title });
  }
}
