'use client';
/** The popover listing this user's failed writes with retry and discard (loaded by sync-status.tsx). */
import { useTranslations } from 'next-intl';
import { Popover } from 'radix-ui';
import type { ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import type { PendingOp } from '@/lib/boards/board-model';
import { FAILED_TRIGGER } from './sync-status';
import { useLive } from './workspace-live';

export function FailedWritesPopover({ body, failed, defaultOpen }: { body: ReactNode; failed: PendingOp[]; defaultOpen: boolean }) {
  const t = useTranslations('board');
  const { queue } = useLive();
  return (
    <Popover.Root defaultOpen={defaultOpen}>
      <Popover.Trigger asChild>
        <button type="button" className={FAILED_TRIGGER}>
          {body}
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={6} className="z-50 w-80 rounded-md border border-border bg-background p-3 text-sm shadow-lg" data-testid="failed-writes">
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
