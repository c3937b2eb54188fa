'use client';
/** A card on the board: title, priority, due date, labels, assignee, and who is editing it right now. */
import { CalendarDays, CloudUpload } from 'lucide-react';
import { useFormatter, useTranslations } from 'next-intl';
import { memo } from 'react';
import type { ViewTask } from '@/lib/boards/board-model';
import type { PresenceEntry } from '@/lib/realtime-protocol';
import { cn } from '@/lib/utils';
import { Avatar } from './presence-bar';

export function PriorityBadge({ priority }: { priority: ViewTask['priority'] }) {
  const t = useTranslations('board');
  if (priority === 'none') return null;
  return (
    <span
      className={cn(
        'rounded px-1.5 py-0.5 text-[11px] font-medium',
        priority === 'urgent' && 'bg-destructive/15 text-destructive',
        priority === 'high' && 'bg-amber-500/15 text-amber-700 dark:text-amber-400',
        (priority === 'medium' || priority === 'low') && 'bg-muted text-muted-foreground',
      )}
    >
      {t(`priority.${priority}`)}
    </span>
  );
}

export function DueDate({ day }: { day: string | null }) {
  const format = useFormatter();
  if (!day) return null;
  const overdue = day < new Date().toISOString().slice(0, 10);
  return (
    <span className={cn('inline-flex items-center gap-1 text-xs', overdue ? 'text-destructive' : 'text-muted-foreground')}>
      <CalendarDays className="h-3 w-3" aria-hidden />
      {format.dateTime(new Date(`${day}T00:00:00`), { day: 'numeric', month: 'short' })}
    </span>
  );
}

/** Memoised: a card re-renders with the drag layer's state (every card registers with it on mount) without re-rendering its body. */
export const TaskCardBody = memo(function TaskCardBody({ task, assignee, editors }: { task: ViewTask; assignee: string | null; editors: PresenceEntry[] }) {
  const t = useTranslations('board');
  return (
    <>
      <div className="flex items-start gap-2">
        <p className="flex-1 break-words text-sm font-medium" data-testid="task-title">
          {task.title}
        </p>
        {task.pending && <CloudUpload className="mt-0.5 h-3.5 w-3.5 shrink-0 text-muted-foreground" aria-label={t('pendingChange')} />}
      </div>
      {(task.priority !== 'none' || task.dueDate || task.labels.length > 0 || assignee || editors.length > 0) && (
        <div className="mt-2 flex flex-wrap items-center gap-1.5">
          <PriorityBadge priority={task.priority} />
          <DueDate day={task.dueDate} />
          {task.labels.map((label) => (
            <span key={label} className="rounded bg-primary/10 px-1.5 py-0.5 text-[11px] text-primary">
              {label}
            </span>
          ))}
          <span className="flex-1" />
          {editors.map((editor) => (
            <span key={editor.userId} data-testid="card-editor" title={t('editing', { name: editor.name ?? '' })} className="rounded-full ring-2 ring-amber-500">
              <Avatar name={editor.name ?? '?'} size="sm" />
            </span>
          ))}
          {assignee && <Avatar name={assignee} size="sm" label={t('assignedTo', { name: assignee })} />}
        </div>
      )}
    </>
  );
});
