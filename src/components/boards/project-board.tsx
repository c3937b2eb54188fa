'use client';
/**
 * A project's page (COLLAB-1..6): header (name, presence, sync state, undo/redo, view switch),
 * the board or the list, and the task dialog. View, filters and the open task live in the URL.
 * Ctrl+Z / Ctrl+Shift+Z (⌘ on macOS; also Ctrl+Y) undo and redo outside text fields.
 */
import { useQuery } from '@tanstack/react-query';
import { Columns3, List, Lock, Redo2, Settings, Undo2 } from 'lucide-react';
import { useTranslations } from 'next-intl';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ProjectUnavailable } from '@/components/projects/project-unavailable';
import { Spinner } from '@/components/ui/spinner';
import { useCan, useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { Link } from '@/i18n/navigation';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';
import { useTRPC } from '@/lib/trpc/client';
import { cn } from '@/lib/utils';
import { BoardColumns } from './board-columns';
import { EMPTY_PRESENCE } from '@/lib/realtime/room-presence';
import { PresenceBar } from './presence-bar';
import { SyncStatus } from './sync-status';
import { TaskDialog, warmTaskDialog } from './task-dialog-lazy';
import { TaskListView, type TaskFilters } from './task-list-view';
import { useBoard } from './use-board';
import { useLive, useLiveState, useMemberNames } from './workspace-live';
import { LoadError } from '@/components/ui/load-error';

type Project = inferRouterOutputs<AppRouter>['project']['get'];

function isTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export function ProjectBoard({ initialProject }: { initialProject: Project }) {
  const t = useTranslations('board');
  const tc = useTranslations('common');
  const trpc = useTRPC();
  const { workspaceSlug, userId } = useWorkspaceRole();
  const projectId = initialProject.id;
  const project = useQuery({ ...trpc.project.get.queryOptions({ workspaceSlug, projectId }), initialData: initialProject, retry: false }).data ?? initialProject;
  const board = useBoard(projectId);
  const live = useLive();
  const { presence, revoked } = useLiveState();
  const names = useMemberNames();
  const members = useMemo(() => [...names].map(([id, name]) => ({ userId: id, name })).sort((a, b) => a.name.localeCompare(b.name)), [names]);
  const nameOf = useCallback((id: string | null) => (id ? (names.get(id) ?? null) : null), [names]);
  const canEdit = useCan('task:update');
  const canCreate = useCan('task:create');
  const canDelete = useCan('task:delete');
  const canSettings = useCan('project:update');

  const pathname = usePathname();
  const params = useSearchParams();
  const view = params.get('view') === 'list' ? 'list' : 'board';
  const openTaskId = params.get('task');
  const filters: TaskFilters = { status: params.get('status') ?? undefined, assignee: params.get('assignee') ?? undefined, label: params.get('label') ?? undefined, due: params.get('due') ?? undefined };
  const setParams = useCallback(
    (change: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString());
      for (const [key, value] of Object.entries(change)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      const query = next.toString();
      // The native History API (synced with useSearchParams by Next): no server round trip, so the
      // task dialog and the view switch also work offline (router.replace went to the network).
      window.history.replaceState(null, '', query ? `${pathname}?${query}` : pathname);
    },
    [params, pathname],
  );

  // The task dialog is a chunk of its own (markdown, comments, activity); fetched once the board is
  // idle, so that a task still opens after the connection has gone (offline editing, ADR 0016).
  useEffect(() => warmTaskDialog(), []);

  // Presence: the room sees which task this user has open.
  useEffect(() => {
    live.setEditing(projectId, openTaskId);
  }, [live, openTaskId, projectId]);

  // The task dialog remembers a task it showed, to say "deleted" rather than "not found".
  const [shownTaskId, setShownTaskId] = useState<string | null>(null);
  const openTask = openTaskId ? board.tasks.find((x) => x.id === openTaskId) : undefined;
  if (openTask && shownTaskId !== openTask.id) setShownTaskId(openTask.id);

  const { undo, redo } = board;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || isTextField(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        undo();
      } else if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo]);

  if (revoked[projectId]) return <ProjectUnavailable title={t('revokedTitle')} body={t('revokedBody')} testId="project-revoked" />;

  const roomPresence = presence[projectId] ?? EMPTY_PRESENCE;
  return (
    <div className="grid gap-5">
      <header className="flex flex-wrap items-center gap-3">
        {/* The name takes its own row on a phone; the controls wrap below it. */}
        <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
          <p className="text-xs text-muted-foreground">
            <Link href={`/w/${workspaceSlug}`} className="hover:underline">
              {t('projects')}
            </Link>
          </p>
          <h1 className="flex items-center gap-2 text-2xl font-semibold tracking-tight" data-testid="project-name">
            <span className="truncate">{project.name}</span>
            {project.visibility === 'private' && <Lock className="h-4 w-4 text-muted-foreground" aria-label={t('private')} />}
          </h1>
        </div>
        <PresenceBar room={roomPresence} meId={userId} titleOf={(id) => board.tasks.find((x) => x.id === id)?.title} />
        <SyncStatus projectId={projectId} />
        <div className="flex items-center gap-1">
          <Button variant="outline" size="icon" onClick={undo} disabled={!board.canUndo} aria-label={t('undo')} title={t('undoShortcut')}>
            <Undo2 className="h-4 w-4" aria-hidden />
          </Button>
          <Button variant="outline" size="icon" onClick={redo} disabled={!board.canRedo} aria-label={t('redo')} title={t('redoShortcut')}>
            <Redo2 className="h-4 w-4" aria-hidden />
          </Button>
        </div>
        <div role="group" aria-label={t('viewLabel')} className="flex rounded-md border border-border p-0.5">
          {(['board', 'list'] as const).map((v) => {
            const Icon = v === 'board' ? Columns3 : List;
            return (
              <button
                key={v}
                type="button"
                aria-pressed={view === v}
                onClick={() => setParams({ view: v === 'board' ? undefined : 'list' })}
                className={cn('inline-flex items-center gap-1 rounded px-2 py-1 text-sm', view === v ? 'bg-muted font-medium' : 'text-muted-foreground hover:text-foreground')}
              >
                <Icon className="h-4 w-4" aria-hidden />
                {t(`views.${v}`)}
              </button>
            );
          })}
        </div>
        {canSettings && (
          <Button asChild variant="ghost" size="icon" aria-label={t('settings')}>
            <Link href={`/w/${workspaceSlug}/p/${projectId}/settings`}>
              <Settings className="h-4 w-4" aria-hidden />
            </Link>
          </Button>
        )}
      </header>

      {board.query.isPending ? (
        <Spinner label={tc('loading')} />
      ) : board.query.isError ? (
        <LoadError message={t('loadError')} onRetry={() => void board.query.refetch()} />
      ) : view === 'board' ? (
        <>
          {board.tasks.length === 0 && <p className="text-sm text-muted-foreground">{canCreate ? t('emptyBoardCreate') : t('emptyBoard')}</p>}
          <BoardColumns
            tasks={board.tasks}
            canEdit={canEdit}
            canCreate={canCreate}
            meId={userId}
            presence={roomPresence.people}
            nameOf={nameOf}
            onOpen={(taskId) => setParams({ task: taskId })}
            onMove={board.moveTask}
            onCreate={(title, status) => board.createTask({ title, status })}
          />
        </>
      ) : (
        <TaskListView
          tasks={board.tasks}
          filters={filters}
          onFilter={(next) => setParams({ status: next.status, assignee: next.assignee, label: next.label, due: next.due })}
          members={members}
          nameOf={nameOf}
          onOpen={(taskId) => setParams({ task: taskId })}
        />
      )}

      {openTaskId && !board.query.isPending && (
        <TaskDialog
          task={openTask}
          gone={shownTaskId === openTaskId}
          tasks={board.tasks}
          canEdit={canEdit}
          canDelete={canDelete}
          members={members}
          onClose={() => setParams({ task: undefined })}
          onUpdate={board.updateTask}
          onMove={board.moveTask}
          onDelete={board.deleteTask}
        />
      )}
    </div>
  );
}
