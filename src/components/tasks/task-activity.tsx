'use client';
/**
 * A task's history (COLLAB-1) as a localised timeline, newest first. The entries are the
 * `record(...)` calls of src/server/tasks/task-service.ts and comment-service.ts:
 * created {…content} · updated {field: {from, to}, version, overwrote?: [{field, actorId}]} ·
 * moved {from: {status}, to: {status}} ·
 * commented / comment_edited / comment_deleted {commentId}.
 */
import { useQuery } from '@tanstack/react-query';
import { useFormatter, useNow, useTranslations } from 'next-intl';
import { useId } from 'react';
import { displayName, useAllWorkspaceMembers } from '@/components/projects/project-members';
import { Spinner } from '@/components/ui/spinner';
import { useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { useTRPC } from '@/lib/trpc/client';
import { LoadError } from '@/components/ui/load-error';

const STATUSES = ['todo', 'in_progress', 'done'] as const;
const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
type Status = (typeof STATUSES)[number];
type Priority = (typeof PRIORITIES)[number];

const FIELDS = ['title', 'description', 'assigneeId', 'priority', 'dueDate', 'labels'] as const;
type Field = (typeof FIELDS)[number];

const isField = (value: unknown): value is Field => FIELDS.includes(value as Field);
const isStatus = (value: unknown): value is Status => STATUSES.includes(value as Status);
const isPriority = (value: unknown): value is Priority => PRIORITIES.includes(value as Priority);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `to` side of an `updated` change ({from, to}); tolerates a bare value. */
function changedTo(change: unknown): unknown {
  return isRecord(change) && 'to' in change ? change.to : change;
}

export function TaskActivity({ taskId }: { taskId: string }) {
  const t = useTranslations('comments.activity');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const format = useFormatter();
  const now = useNow({ updateInterval: 60_000 });
  const { workspaceSlug } = useWorkspaceRole();
  const activity = useQuery(trpc.task.listActivity.queryOptions({ workspaceSlug, taskId }));
  const members = useAllWorkspaceMembers();
  const id = useId();

  const nameOf = (userId: string | null) => displayName(userId ? members.byId.get(userId) : undefined, t('someone'));
  const statusName = (value: unknown) => (isStatus(value) ? t(`status.${value}`) : t('unknownColumn'));

  /** One or more sentences for an entry (an update of several fields gives one line per field). */
  function describe(kind: string, data: Record<string, unknown>, who: string): string[] {
    switch (kind) {
      case 'created':
        return [t('created', { who })];
      case 'moved': {
        const from = isRecord(data.from) ? data.from.status : undefined;
        const to = isRecord(data.to) ? data.to.status : undefined;
        return [from !== undefined && from === to ? t('reordered', { who, column: statusName(to) }) : t('moved', { who, column: statusName(to) })];
      }
      case 'commented':
        return [t('commented', { who })];
      case 'comment_edited':
        return [t('commentEdited', { who })];
      case 'comment_deleted':
        return [t('commentDeleted', { who })];
      case 'updated': {
        // Only the task's fields: the entry also carries `version` and, after a merged re-apply,
        // `overwrote` (the fields whose newer value by someone else this update replaced).
        const lines = Object.entries(data)
          .filter(([field]) => isField(field))
          .map(([field, change]) => {
            const to = changedTo(change);
            switch (field) {
              case 'title':
                return typeof to === 'string' ? t('renamed', { who, title: to }) : t('changedTitle', { who });
              case 'description':
                return t('changedDescription', { who });
              case 'assigneeId':
                return typeof to === 'string' ? t('assigned', { who, assignee: nameOf(to) }) : t('unassigned', { who });
              case 'priority':
                return isPriority(to) ? t('changedPriority', { who, priority: t(`priority.${to}`) }) : t('changedPriorityPlain', { who });
              case 'dueDate':
                return typeof to === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(to)
                  ? t('setDueDate', {
                      who,
                      // A calendar day: formatted in UTC so no time zone shifts it.
                      date: format.dateTime(new Date(`${to}T00:00:00Z`), { dateStyle: 'medium', timeZone: 'UTC' }),
                    })
                  : t('removedDueDate', { who });
              case 'labels':
                return t('changedLabels', { who });
              default:
                return t('updated', { who });
            }
          });
        const overwrote = Array.isArray(data.overwrote) ? data.overwrote.filter(isRecord) : [];
        for (const entry of overwrote) {
          if (!isField(entry.field)) continue;
          lines.push(
            t('overwrote', {
              field: t(`fields.${entry.field}`),
              other: nameOf(typeof entry.actorId === 'string' ? entry.actorId : null),
            }),
          );
        }
        return lines.length > 0 ? lines : [t('updated', { who })];
      }
      default:
        return [t('updated', { who })];
    }
  }

  return (
    <section aria-labelledby={`${id}-title`} className="grid gap-3" data-testid="task-activity">
      <h3 id={`${id}-title`} className="text-sm font-semibold">
        {t('title')}
      </h3>
      {activity.isPending ? (
        <Spinner label={tc('loading')} />
      ) : activity.isError ? (
        <LoadError message={t('loadError')} onRetry={() => void activity.refetch()} />
      ) : activity.data.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t('empty')}</p>
      ) : (
        <ol className="relative grid gap-3 border-l border-border pl-4">
          {activity.data.map((entry) => (
            <li key={entry.id} className="relative text-sm" data-testid="activity-entry" data-kind={entry.kind}>
              <span aria-hidden className="absolute top-1.5 -left-[1.3rem] h-2 w-2 rounded-full bg-muted-foreground/60" />
              {describe(entry.kind, entry.data, nameOf(entry.actorId)).map((line, index) => (
                <p key={index}>{line}</p>
              ))}
              <time
                dateTime={entry.createdAt}
                title={format.dateTime(new Date(entry.createdAt), {
                  dateStyle: 'medium',
                  timeStyle: 'short',
                })}
                className="text-xs text-muted-foreground"
              >
                {format.relativeTime(new Date(entry.createdAt), Math.max(Date.parse(entry.createdAt), now.getTime()))}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
