'use client';
/**
 * The list view (COLLAB-1): every task of the project in a table, filtered by status, assignee,
 * label and due date. Filters live in the URL (?view=list&status=…) so a filtered list can be shared.
 */
import { useTranslations } from 'next-intl';
import { useId } from 'react';
import { BOARD_COLUMNS, type ViewTask } from '@/lib/boards/board-model';
import { Button } from '@/components/ui/button';
import { DueDate, PriorityBadge } from './task-card';

export const DUE_FILTERS = ['overdue', 'today', 'week', 'none'] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];

export interface TaskFilters {
  status?: string;
  assignee?: string;
  label?: string;
  due?: string;
}

function isoDay(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** Tasks matching every set filter (assignee `none` = unassigned). */
export function filterTasks(tasks: readonly ViewTask[], filters: TaskFilters, now = new Date()): ViewTask[] {
  const today = isoDay(now);
  const weekEnd = isoDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 7));
  return tasks.filter((task) => {
    if (filters.status && task.status !== filters.status) return false;
    if (filters.assignee && (filters.assignee === 'none' ? task.assigneeId !== null : task.assigneeId !== filters.assignee)) return false;
    if (filters.label && !task.labels.includes(filters.label)) return false;
    switch (filters.due) {
      case 'overdue':
        return task.dueDate !== null && task.dueDate < today && task.status !== 'done';
      case 'today':
        return task.dueDate === today;
      case 'week':
        return task.dueDate !== null && task.dueDate >= today && task.dueDate <= weekEnd;
      case 'none':
        return task.dueDate === null;
      default:
        return true;
    }
  });
}

export function TaskListView({
  tasks,
  filters,
  onFilter,
  members,
  nameOf,
  onOpen,
}: {
  tasks: readonly ViewTask[];
  filters: TaskFilters;
  onFilter: (filters: TaskFilters) => void;
  members: { userId: string; name: string }[];
  nameOf: (userId: string | null) => string | null;
  onOpen: (taskId: string) => void;
}) {
  const t = useTranslations('board');
  const ids = { status: useId(), assignee: useId(), label: useId(), due: useId() };
  const labels = [...new Set(tasks.flatMap((task) => task.labels))].sort();
  const order = (task: ViewTask) => BOARD_COLUMNS.indexOf(task.status);
  const rows = filterTasks(tasks, filters).sort((a, b) => order(a) - order(b) || (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  const select = 'h-9 rounded-md border border-border bg-background px-2 text-sm';
  const active = Object.values(filters).some(Boolean);

  return (
    <div className="grid gap-4">
      <form className="flex flex-wrap items-end gap-3" role="search" aria-label={t('filters.label')} onSubmit={(event) => event.preventDefault()}>
        <div className="grid gap-1">
          <label htmlFor={ids.status} className="text-xs font-medium text-muted-foreground">
            {t('fields.status')}
          </label>
          <select id={ids.status} className={select} value={filters.status ?? ''} onChange={(event) => onFilter({ ...filters, status: event.target.value || undefined })}>
            <option value="">{t('filters.any')}</option>
            {BOARD_COLUMNS.map((status) => (
              <option key={status} value={status}>
                {t(`columns.${status}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="grid gap-1">
          <label htmlFor={ids.assignee} className="text-xs font-medium text-muted-foreground">
            {t('fields.assigneeId')}
          </label>
          <select id={ids.assignee} className={select} value={filters.assignee ?? ''} onChange={(event) => onFilter({ ...filters, assignee: event.target.value || undefined })}>
            <option value="">{t('filters.any')}</option>
            <option value="none">{t('unassigned')}</option>
            {members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name}
              </option>
            ))}
          </select>
        </div>
        <div className="grid gap-1">
          <label htmlFor={ids.label} className="text-xs font-medium text-muted-foreground">
            {t('fields.labels')}
          </label>
          <select id={ids.label} className={select} value={filters.label ?? ''} onChange={(event) => onFilter({ ...filters, label: event.target.value || undefined })}>
            <option value="">{t('filters.any')}</option>
            {labels.map((label) => (
              <option key={label} value={label}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="grid gap-1">
          <label htmlFor={ids.due} className="text-xs font-medium text-muted-foreground">
            {t('fields.dueDate')}
          </label>
          <select id={ids.due} className={select} value={filters.due ?? ''} onChange={(event) => onFilter({ ...filters, due: event.target.value || undefined })}>
            <option value="">{t('filters.any')}</option>
            {DUE_FILTERS.map((due) => (
              <option key={due} value={due}>
                {t(`filters.due.${due}`)}
              </option>
            ))}
          </select>
        </div>
        {active && (
          <Button variant="ghost" size="sm" onClick={() => onFilter({})}>
            {t('filters.clear')}
          </Button>
        )}
      </form>
      <p className="text-sm text-muted-foreground" aria-live="polite">
        {t('filters.count', { shown: rows.length, total: tasks.length })}
      </p>
      {rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-border px-6 py-10 text-center text-sm text-muted-foreground">{active ? t('filters.empty') : t('emptyBoard')}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-border">
          <table className="w-full text-sm">
            <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
              <tr>
                <th className="px-3 py-2 font-medium">{t('fields.title')}</th>
                <th className="px-3 py-2 font-medium">{t('fields.status')}</th>
                <th className="px-3 py-2 font-medium">{t('fields.assigneeId')}</th>
                <th className="px-3 py-2 font-medium">{t('fields.priority')}</th>
                <th className="px-3 py-2 font-medium">{t('fields.dueDate')}</th>
                <th className="px-3 py-2 font-medium">{t('fields.labels')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((task) => (
                <tr key={task.id} data-testid="task-row" data-task-id={task.id} className="border-t border-border hover:bg-muted/30">
                  <td className="px-3 py-2">
                    <button type="button" className="text-left font-medium hover:underline" onClick={() => onOpen(task.id)}>
                      {task.title}
                    </button>
                  </td>
                  <td className="px-3 py-2">{t(`columns.${task.status}`)}</td>
                  <td className="px-3 py-2">{nameOf(task.assigneeId) ?? <span className="text-muted-foreground">{t('unassigned')}</span>}</td>
                  <td className="px-3 py-2">
                    <PriorityBadge priority={task.priority} />
                  </td>
                  <td className="px-3 py-2">
                    <DueDate day={task.dueDate} />
                  </td>
                  <td className="px-3 py-2">{task.labels.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
