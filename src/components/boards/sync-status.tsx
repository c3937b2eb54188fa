'use client';
/**
 * Where this user's writes stand (COLLAB-5): saved, saving N, offline with N waiting, reconnecting
 * with N waiting (the API answers 503: the database is coming back), or N failed — failed ones listed
 * with retry and discard. Also says when the live connection is down.
 */
import { AlertTriangle, Check, CloudOff, Loader2, RefreshCw } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { useEffect, useState, type ReactNode } from 'react';
import { useConnectionState } from '@/components/layout/connection-notice';
import type { PendingOp } from '@/lib/boards/board-model';
import { useLazyComponent } from '@/lib/use-lazy-component';
import { warmUp } from '@/lib/warm-up';
import { useLiveState, useQueueState } from './workspace-live';

/** The failed-writes button's look (here and in failed-writes.tsx). */
export const FAILED_TRIGGER = 'rounded px-1 hover:bg-muted';

export function SyncStatus({ projectId }: { projectId: string }) {
  const t = useTranslations('board');
  const { ops, online } = useQueueState();
  const { status } = useLiveState();
  const api = useConnectionState();
  // Failed writes outlive a reload (the queue is in IndexedDB): their list must open offline too.
  useEffect(() => warmUp(loadList), []);
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
  return <FailedWrites body={body} failed={failed} />;
}

const loadList = () => import('./failed-writes').then((m) => m.FailedWritesPopover);

/**
 * The failed writes, listed in a popover (Radix, with its popper and focus handling, which a board
 * without failures does not need on its first load, PERF-3). Its chunk is fetched when the page is
 * idle (so it also opens offline); until it is there, the same button stands in and opens the
 * popover once it has loaded.
 */
function FailedWrites({ body, failed }: { body: ReactNode; failed: PendingOp[] }) {
  const [Popover, request] = useLazyComponent(loadList);
  const [wanted, setWanted] = useState(false);
  if (Popover) return <Popover body={body} failed={failed} defaultOpen={wanted} />;
  return (
    <button
      type="button"
      aria-haspopup="dialog"
      aria-expanded={false}
      className={FAILED_TRIGGER}
      onClick={() => {
        setWanted(true);
        request();
      }}
    >
      {body}
    </button>
  );
}
