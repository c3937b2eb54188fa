'use client';
/**
 * A task's discussion (COLLAB-1): comments in markdown, oldest first; add (client id, so a retry
 * does not post twice), edit and delete own comments (admins: every comment), compare-and-set on the version.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useFormatter, useNow, useTranslations } from 'next-intl';
import { useId, useState, type KeyboardEvent } from 'react';
import { displayName, useAllWorkspaceMembers } from '@/components/projects/project-members';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { Spinner } from '@/components/ui/spinner';
import { useCan, useCanOnResource, useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { errorCodeOf, fieldErrorsOf, useTRPC } from '@/lib/trpc/client';
import { Markdown } from './markdown';
import { MentionTextarea } from './mention-textarea';
import { LoadError } from '@/components/ui/load-error';

interface CommentItem {
  id: string;
  workspaceId: string;
  taskId: string;
  authorId: string | null;
  body: string;
  version: number;
  /** ISO-8601 (ADR 0013). */
  createdAt: string;
  updatedAt: string;
}

const BODY_MAX = 10_000;

/** Ctrl+Enter / Cmd+Enter submits the textarea's form. */
function submitOnModEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}

function useCommentQueries(taskId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { workspaceSlug } = useWorkspaceRole();
  const listKey = trpc.comment.list.queryKey({ workspaceSlug, taskId });
  return {
    listKey,
    /** Puts the server's copy into the list at once, then refreshes the list and the activity. */
    settle: async (update?: (items: CommentItem[]) => CommentItem[]) => {
      if (update) queryClient.setQueryData(listKey, (items) => (items ? update(items) : items));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: listKey }),
        queryClient.invalidateQueries({ queryKey: trpc.task.listActivity.queryKey({ workspaceSlug, taskId }) }),
      ]);
    },
  };
}

export function TaskComments({ taskId }: { taskId: string }) {
  const t = useTranslations('comments');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const { workspaceSlug } = useWorkspaceRole();
  const canCreate = useCan('comment:create');
  const list = useQuery(trpc.comment.list.queryOptions({ workspaceSlug, taskId }));
  const members = useAllWorkspaceMembers();
  const id = useId();

  return (
    <section aria-labelledby={`${id}-title`} className="grid gap-3" data-testid="task-comments">
      <h3 id={`${id}-title`} className="text-sm font-semibold">
        {t('title')}
        {list.data && list.data.length > 0 ? <span className="ml-1 font-normal text-muted-foreground">({list.data.length})</span> : null}
      </h3>
      {list.isPending ? (
        <Spinner label={tc('loading')} />
      ) : list.isError ? (
        <LoadError message={t('loadError')} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <p className="text-sm text-muted-foreground" data-testid="comments-empty">
          {t('empty')}
        </p>
      ) : (
        <ol className="grid gap-3">
          {list.data.map((comment) => (
            <CommentView key={comment.id} comment={comment} author={displayName(members.byId.get(comment.authorId ?? ''), t('formerMember'))} />
          ))}
        </ol>
      )}
      {canCreate ? <NewComment taskId={taskId} /> : null}
    </section>
  );
}

function NewComment({ taskId }: { taskId: string }) {
  const t = useTranslations('comments');
  const tm = useTranslations('mentions');
  const trpc = useTRPC();
  const { workspaceSlug } = useWorkspaceRole();
  const { settle } = useCommentQueries(taskId);
  const id = useId();
  const [body, setBody] = useState('');
  // One id per draft: retrying after a network error replays the same create (no duplicate).
  const [commentId, setCommentId] = useState(() => crypto.randomUUID());
  const create = useMutation(
    trpc.comment.create.mutationOptions({
      onSuccess: async (created) => {
        setBody('');
        setCommentId(crypto.randomUUID());
        await settle((items) => (items.some((item) => item.id === created.id) ? items : [...items, created]));
      },
    }),
  );
  const errors = fieldErrorsOf(create.error);
  return (
    <form
      method="post"
      noValidate
      className="grid gap-2"
      data-testid="new-comment"
      onSubmit={(event) => {
        event.preventDefault();
        if (!body.trim() || create.isPending) return;
        create.mutate({ workspaceSlug, id: commentId, taskId, body });
      }}
    >
      <Label htmlFor={`${id}-body`}>{t('addLabel')}</Label>
      <MentionTextarea
        id={`${id}-body`}
        value={body}
        onValueChange={setBody}
        onKeyDown={submitOnModEnter}
        rows={3}
        maxLength={BODY_MAX}
        placeholder={t('placeholder')}
        aria-invalid={errors.body ? true : undefined}
        aria-describedby={`${id}-hint${errors.body || create.error ? ` ${id}-error` : ''}`}
      />
      <p id={`${id}-hint`} className="text-xs text-muted-foreground">
        {t('hint')} {tm('hint')}
      </p>
      {create.error ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-destructive">
          {errors.body ?? create.error.message}
        </p>
      ) : null}
      <div>
        <Button type="submit" size="sm" disabled={!body.trim() || create.isPending}>
          {create.isPending ? t('posting') : t('post')}
        </Button>
      </div>
    </form>
  );
}

function CommentView({ comment, author }: { comment: CommentItem; author: string }) {
  const t = useTranslations('comments');
  const tc = useTranslations('common');
  const format = useFormatter();
  const now = useNow({ updateInterval: 60_000 });
  const trpc = useTRPC();
  const { workspaceSlug } = useWorkspaceRole();
  const { settle } = useCommentQueries(comment.taskId);
  const canEdit = useCanOnResource('comment:update', comment.authorId);
  const canDelete = useCanOnResource('comment:delete', comment.authorId);
  const id = useId();
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [conflict, setConflict] = useState<string | null>(null);

  const update = useMutation(
    trpc.comment.update.mutationOptions({
      onSuccess: async (saved) => {
        setEditing(null);
        setConflict(null);
        await settle((items) => items.map((item) => (item.id === saved.id ? saved : item)));
      },
      onError: async (error) => {
        if (errorCodeOf(error) !== 'CONFLICT') return;
        // Someone else edited it: show theirs, keep the draft so nothing typed is lost.
        setConflict(error.message);
        await settle();
      },
    }),
  );
  const remove = useMutation(
    trpc.comment.delete.mutationOptions({
      onSuccess: async () => {
        await settle((items) => items.filter((item) => item.id !== comment.id));
      },
    }),
  );
  const edited = comment.version > 1;
  const errors = fieldErrorsOf(update.error);
  const createdAt = new Date(comment.createdAt);

  return (
    <li className="rounded-md border border-border p-3" data-testid="comment" data-comment-id={comment.id}>
      <div className="flex flex-wrap items-baseline gap-x-2 text-xs text-muted-foreground">
        <span className="text-sm font-medium text-foreground">{author}</span>
        <time dateTime={comment.createdAt} title={format.dateTime(createdAt, { dateStyle: 'medium', timeStyle: 'short' })}>
          {/* Newer than the shared clock (it ticks once a minute): "now", never "in 5 seconds". */}
          {format.relativeTime(createdAt, createdAt > now ? createdAt : now)}
        </time>
        {edited ? (
          <span title={format.dateTime(new Date(comment.updatedAt), { dateStyle: 'medium', timeStyle: 'short' })}>{t('edited')}</span>
        ) : null}
      </div>
      {editing !== null ? (
        <form
          method="post"
          noValidate
          className="mt-2 grid gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            if (!editing.trim()) return;
            setConflict(null);
            update.mutate({ workspaceSlug, commentId: comment.id, expectedVersion: comment.version, body: editing });
          }}
        >
          <Label htmlFor={`${id}-edit`} className="sr-only">
            {t('editLabel', { author })}
          </Label>
          <MentionTextarea
            id={`${id}-edit`}
            value={editing}
            autoFocus
            rows={3}
            maxLength={BODY_MAX}
            onValueChange={setEditing}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                // Leave the edit, not the surrounding dialog.
                event.stopPropagation();
                setEditing(null);
                return;
              }
              submitOnModEnter(event);
            }}
            aria-invalid={errors.body ? true : undefined}
          />
          {conflict ? (
            <Alert variant="error" className="grid gap-2">
              <p>{conflict}</p>
              <p>{t('conflictHint')}</p>
            </Alert>
          ) : update.error ? (
            <Alert variant="error">{errors.body ?? update.error.message}</Alert>
          ) : null}
          {conflict ? (
            <div className="rounded-md bg-muted/50 p-2">
              <p className="mb-1 text-xs text-muted-foreground">{t('currentVersion')}</p>
              <Markdown source={comment.body} />
            </div>
          ) : null}
          <div className="flex gap-2">
            <Button type="submit" size="sm" disabled={!editing.trim() || update.isPending}>
              {update.isPending ? tc('saving') : tc('save')}
            </Button>
            <Button
              type="button"
              variant="ghost"
              size="sm"
              onClick={() => {
                setEditing(null);
                setConflict(null);
                update.reset();
              }}
            >
              {tc('cancel')}
            </Button>
          </div>
        </form>
      ) : (
        <Markdown source={comment.body} className="mt-1" />
      )}
      {editing === null && (canEdit || canDelete) ? (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          {confirmingDelete ? (
            <div role="group" aria-labelledby={`${id}-confirm`} className="flex flex-wrap items-center gap-2">
              <span id={`${id}-confirm`} className="text-sm">
                {t('deleteConfirm')}
              </span>
              <Button
                variant="destructive"
                size="sm"
                autoFocus
                disabled={remove.isPending}
                onClick={() => remove.mutate({ workspaceSlug, commentId: comment.id })}
              >
                {remove.isPending ? t('deleting') : tc('delete')}
              </Button>
              <Button variant="ghost" size="sm" onClick={() => setConfirmingDelete(false)}>
                {tc('cancel')}
              </Button>
            </div>
          ) : (
            <>
              {canEdit ? (
                <Button variant="ghost" size="sm" aria-label={t('editLabel', { author })} onClick={() => setEditing(comment.body)}>
                  {t('edit')}
                </Button>
              ) : null}
              {canDelete ? (
                <Button variant="ghost" size="sm" aria-label={t('deleteLabel', { author })} onClick={() => setConfirmingDelete(true)}>
                  {tc('delete')}
                </Button>
              ) : null}
            </>
          )}
        </div>
      ) : null}
      {remove.error ? (
        <Alert variant="error" className="mt-2">
          {remove.error.message}
        </Alert>
      ) : null}
    </li>
  );
}
