'use client';
/**
 * A task's detail (COLLAB-1, -2): every field editable in place. Text fields keep the user's draft
 * while they type even when a live change arrives, and remember the values and version the edit
 * started from, so a concurrent change is merged field by field when it is saved. While open, the
 * room sees this user editing the task (presence).
 */
import { Trash2, X } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { Dialog } from 'radix-ui';
import { useId, useRef, useState, type ReactNode } from 'react';
import { Markdown } from '@/components/tasks/markdown';
import { MentionTextarea } from '@/components/tasks/mention-textarea';
import { TaskActivity } from '@/components/tasks/task-activity';
import { TaskComments } from '@/components/tasks/task-comments';
import { Button } from '@/components/ui/button';
import { BOARD_COLUMNS, PRIORITIES, columnOf, type TaskPatch, type TaskStatus, type ViewTask } from '@/lib/boards/board-model';
import type { EditBase } from './use-board';

export interface TaskDialogProps {
  task: ViewTask | undefined;
  /** The task was open and is gone (deleted by someone). */
  gone: boolean;
  tasks: readonly ViewTask[];
  canEdit: boolean;
  canDelete: boolean;
  members: { userId: string; name: string }[];
  onClose: () => void;
  onUpdate: (taskId: string, changes: TaskPatch, base?: EditBase) => void;
  onMove: (taskId: string, status: TaskStatus, index: number) => void;
  onDelete: (taskId: string) => void;
}

const control = 'h-9 w-full rounded-md border border-border bg-background px-2 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-60';

export function TaskDialog(props: TaskDialogProps) {
  const t = useTranslations('board');
  const { task } = props;
  return (
    <Dialog.Root open onOpenChange={(open) => !open && props.onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content
          data-testid="task-dialog"
          className="fixed inset-x-0 bottom-0 top-10 z-50 mx-auto flex max-w-3xl flex-col overflow-y-auto rounded-t-xl border border-border bg-background p-5 shadow-2xl md:top-16 md:bottom-auto md:max-h-[calc(100vh-8rem)] md:rounded-xl"
        >
          <div className="flex items-start justify-between gap-3">
            <Dialog.Title className="sr-only">{task?.title ?? t('taskGone')}</Dialog.Title>
            <Dialog.Description className="sr-only">{t('dialogDescription')}</Dialog.Description>
            <div className="flex-1" />
            <Dialog.Close asChild>
              <Button variant="ghost" size="icon" aria-label={t('close')}>
                <X className="h-4 w-4" aria-hidden />
              </Button>
            </Dialog.Close>
          </div>
          {task ? <TaskEditor {...props} task={task} /> : <p role="alert" className="py-10 text-center text-muted-foreground">{props.gone ? t('taskGone') : t('taskNotFound')}</p>}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function Field({ label, children, id }: { label: string; children: ReactNode; id: string }) {
  return (
    <div className="grid gap-1">
      <label htmlFor={id} className="text-xs font-medium text-muted-foreground">
        {label}
      </label>
      {children}
    </div>
  );
}

/** A text draft that follows the live value unless the user is editing it; `base` is what editing started from. */
function useDraft(value: string, version: number) {
  const [editing, setEditing] = useState<{ value: string; version: number; draft: string } | null>(null);
  return {
    draft: editing ? editing.draft : value,
    setDraft: (draft: string) => setEditing((e) => ({ ...(e ?? { value, version }), draft })),
    base: editing,
    begin: () => setEditing((e) => e ?? { value, version, draft: value }),
    end: () => setEditing(null),
  };
}

function TaskEditor({ task, tasks, canEdit, canDelete, members, onUpdate, onMove, onDelete, onClose }: TaskDialogProps & { task: ViewTask }) {
  const t = useTranslations('board');
  const tm = useTranslations('mentions');
  const ids = { title: useId(), status: useId(), assignee: useId(), priority: useId(), due: useId(), labels: useId(), description: useId() };
  const title = useDraft(task.title, task.version);
  const description = useDraft(task.description, task.version);
  const labels = useDraft(task.labels.join(', '), task.version);
  const [editingDescription, setEditingDescription] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);

  function saveTitle() {
    const value = title.draft.trim();
    if (value && title.base) onUpdate(task.id, { title: value.slice(0, 500) }, { values: { title: title.base.value }, version: title.base.version });
    title.end();
  }

  function saveDescription() {
    if (description.base) onUpdate(task.id, { description: description.draft }, { values: { description: description.base.value }, version: description.base.version });
    description.end();
    setEditingDescription(false);
  }

  function saveLabels() {
    const list = [...new Set(labels.draft.split(',').map((l) => l.trim().slice(0, 40)).filter(Boolean))].slice(0, 20);
    if (labels.base) onUpdate(task.id, { labels: list }, { values: { labels: labels.base.value.split(', ').filter(Boolean) }, version: labels.base.version });
    labels.end();
  }

  return (
    <div className="grid gap-5 md:grid-cols-[1fr_14rem]">
      <div className="grid content-start gap-4">
        <div>
          <label htmlFor={ids.title} className="sr-only">
            {t('fields.title')}
          </label>
          <input
            id={ids.title}
            ref={titleRef}
            data-testid="task-title-input"
            value={title.draft}
            disabled={!canEdit}
            maxLength={500}
            onFocus={title.begin}
            onChange={(event) => title.setDraft(event.target.value)}
            onBlur={saveTitle}
            onKeyDown={(event) => {
              if (event.key === 'Enter') titleRef.current?.blur();
              if (event.key === 'Escape' && title.base) {
                event.preventDefault();
                title.end();
              }
            }}
            className="w-full rounded-md border border-transparent bg-transparent px-1 py-1 text-xl font-semibold outline-none hover:border-border focus-visible:border-border focus-visible:ring-2 focus-visible:ring-ring"
          />
          {task.pending && <p className="px-1 text-xs text-muted-foreground">{t('pendingChange')}</p>}
        </div>
        <section aria-labelledby={`${ids.description}-h`} className="grid gap-2">
          <div className="flex items-center justify-between">
            <h3 id={`${ids.description}-h`} className="text-sm font-semibold">
              {t('fields.description')}
            </h3>
            {canEdit && !editingDescription && (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  description.begin();
                  setEditingDescription(true);
                }}
              >
                {t('edit')}
              </Button>
            )}
          </div>
          {editingDescription ? (
            <div className="grid gap-2">
              <label htmlFor={ids.description} className="sr-only">
                {t('fields.description')}
              </label>
              <MentionTextarea
                id={ids.description}
                autoFocus
                rows={8}
                maxLength={20_000}
                value={description.draft}
                onValueChange={description.setDraft}
                className="p-2 font-mono"
              />
              <p className="text-xs text-muted-foreground">
                {t('markdownHint')} {tm('hint')}
              </p>
              <div className="flex gap-2">
                <Button size="sm" onClick={saveDescription}>
                  {t('save')}
                </Button>
                <Button
                  size="sm"
                  variant="outline"
                  onClick={() => {
                    description.end();
                    setEditingDescription(false);
                  }}
                >
                  {t('cancel')}
                </Button>
              </div>
            </div>
          ) : task.description ? (
            <Markdown source={task.description} />
          ) : (
            <p className="text-sm text-muted-foreground">{t('noDescription')}</p>
          )}
        </section>
        <TaskComments taskId={task.id} />
        <TaskActivity taskId={task.id} />
      </div>
      <aside className="grid content-start gap-3">
        <Field label={t('fields.status')} id={ids.status}>
          <select
            id={ids.status}
            className={control}
            value={task.status}
            disabled={!canEdit}
            onChange={(event) => {
              const status = event.target.value as TaskStatus;
              onMove(task.id, status, columnOf(tasks, status).filter((x) => x.id !== task.id).length);
            }}
          >
            {BOARD_COLUMNS.map((status) => (
              <option key={status} value={status}>
                {t(`columns.${status}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('fields.assigneeId')} id={ids.assignee}>
          <select id={ids.assignee} className={control} value={task.assigneeId ?? ''} disabled={!canEdit} onChange={(event) => onUpdate(task.id, { assigneeId: event.target.value || null })}>
            <option value="">{t('unassigned')}</option>
            {members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('fields.priority')} id={ids.priority}>
          <select id={ids.priority} className={control} value={task.priority} disabled={!canEdit} onChange={(event) => onUpdate(task.id, { priority: event.target.value as ViewTask['priority'] })}>
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {t(`priority.${priority}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('fields.dueDate')} id={ids.due}>
          <input id={ids.due} type="date" className={control} value={task.dueDate ?? ''} disabled={!canEdit} onChange={(event) => onUpdate(task.id, { dueDate: event.target.value || null })} />
        </Field>
        <Field label={t('fields.labels')} id={ids.labels}>
          <input
            id={ids.labels}
            className={control}
            value={labels.draft}
            disabled={!canEdit}
            placeholder={t('labelsPlaceholder')}
            onFocus={labels.begin}
            onChange={(event) => labels.setDraft(event.target.value)}
            onBlur={saveLabels}
            onKeyDown={(event) => event.key === 'Enter' && event.currentTarget.blur()}
          />
        </Field>
        {canDelete && (
          <Button
            variant="outline"
            className="mt-2 text-destructive"
            onClick={() => {
              onDelete(task.id);
              onClose();
            }}
          >
            <Trash2 className="h-4 w-4" aria-hidden />
            {t('delete')}
          </Button>
        )}
      </aside>
    </div>
  );
}
