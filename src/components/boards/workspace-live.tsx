'use client';
/**
 * The live layer of an open workspace (COLLAB-3..5), mounted once by the workspace layout so it
 * survives navigation between boards:
 *
 *  - one realtime socket (ticket from `realtime.ticket`), its status and the presence of each room;
 *  - live events patch the TanStack Query cache in place: a board's tasks (by version), comment
 *    lists and activity of the task concerned; project events refresh the (small) project list;
 *  - after every (re)join of a room the board resyncs from the last event it applied, and so does
 *    every joined board when the sidecar says `resync` (its LISTEN was down, or an event could not
 *    be delivered) — paging on each page's last id, retried with backoff until it gets through
 *    (src/lib/boards/board-resync.ts);
 *  - the write queue (IndexedDB-backed) that every board write goes through, and its notices;
 *  - a session that ended (signed out elsewhere, revoked) sends the page to sign in again, coming
 *    back here; writes still queued stay in IndexedDB (per user) and are sent after.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useLocale, useTranslations } from 'next-intl';
import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useOnReconnected } from '@/components/layout/connection-notice';
import { useMemberList } from '@/components/members/use-member-list';
import { useToast } from '@/components/ui/toaster';
import { useWorkspaceRole } from '@/components/workspaces/workspace-role';
import { boardKey } from '@/lib/boards/board-load';
import { applyEvent, removeTask, upsertTask, type BoardData, type PendingOp } from '@/lib/boards/board-model';
import { createResyncScheduler, type ResyncScheduler } from '@/lib/boards/board-resync';
import { indexedDbOpStore } from '@/lib/boards/op-store';
import { trpcTransport } from '@/lib/boards/trpc-transport';
import { WriteQueue, type QueueNotice } from '@/lib/boards/write-queue';
import type { RealtimeEvent, ServerMessage } from '@/lib/realtime-protocol';
import { applyPresenceDelta, EMPTY_PRESENCE, presenceFromJoined, type RoomPresence } from '@/lib/realtime/room-presence';
import { RealtimeClient, type RealtimeStatus } from '@/lib/realtime/realtime-client';
import { registerWorkspaceSocket } from '@/lib/notifications/live-sockets';
import { errorCodeOf, eventsTooOld, useTRPC, useTRPCClient } from '@/lib/trpc/client';


/** Presence and access state of the socket, read with `useLiveState`. */
interface LiveState {
  status: RealtimeStatus;
  /** Per room: the shown people (bounded by the sidecar) and how many people are there. */
  presence: Record<string, RoomPresence>;
  /** Projects whose access was revoked while open. */
  revoked: Record<string, true>;
}

class LiveStore {
  private state: LiveState = { status: 'connecting', presence: {}, revoked: {} };
  private readonly listeners = new Set<() => void>();
  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  get = () => this.state;
  update(change: (state: LiveState) => LiveState): void {
    this.state = change(this.state);
    for (const listener of this.listeners) listener();
  }
}

interface LiveContextValue {
  queue: WriteQueue;
  store: LiveStore;
  join: (projectId: string) => void;
  leave: (projectId: string) => void;
  setEditing: (projectId: string, taskId: string | null) => void;
  resync: (projectId: string) => Promise<void>;
}

const LiveContext = createContext<LiveContextValue | null>(null);

export function useLive(): LiveContextValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error('useLive outside <WorkspaceLive>');
  return value;
}

export function useLiveState(): LiveState {
  const { store } = useLive();
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

export function useQueueState() {
  const { queue } = useLive();
  return useSyncExternalStore(queue.subscribe, queue.getSnapshot, queue.getSnapshot);
}

/** Display names of the workspace's members (presence, "overwritten by", assignees). */
export function useMemberNames(): Map<string, string> {
  const members = useMemberList();
  return useMemo(() => new Map((members.data?.pages ?? []).flatMap((p) => p.items).map((m) => [m.userId, m.name || m.email])), [members.data]);
}

/** Refusals that waiting does not cure: a resync that meets one stops (the board is hidden or the page signs in again). */
const FINAL_ERRORS = new Set(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHORIZED', 'BAD_REQUEST']);

export function WorkspaceLive({ children }: { children: ReactNode }) {
  const { workspaceSlug, userId } = useWorkspaceRole();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const notify = useToast();
  const t = useTranslations('board');
  const names = useMemberNames();
  // What the long-lived socket and queue callbacks need from the latest render.
  const [latest] = useState(() => ({ names, t, notify }));
  useEffect(() => {
    Object.assign(latest, { names, t, notify });
  }, [latest, names, t, notify]);

  const [store] = useState(() => new LiveStore());
  const [queue] = useState(
    () =>
      new WriteQueue({
        store: indexedDbOpStore(),
        userId,
        workspaceSlug,
        transport: trpcTransport(client, workspaceSlug),
        onApplied: (op, outcome) => {
          queryClient.setQueryData<BoardData>(boardKey(workspaceSlug, op.projectId), (data) =>
            data && { ...data, tasks: 'task' in outcome ? upsertTask(data.tasks, outcome.task) : removeTask(data.tasks, outcome.deletedId) },
          );
        },
        onNotice: (notice) => latest.notify(noticeText(notice, latest.t), notice.kind === 'failed' ? 'error' : 'warning'),
        onStoreError: (error) => console.warn('[kanso] offline store unavailable', error),
      }),
  );
  const socket = useRef<RealtimeClient | null>(null);
  // The rooms the mounted boards want. A board rendered with the page (its tasks from the server)
  // joins in an effect that runs before this provider's effect opens the socket; the socket then
  // joins what is wanted here.
  const wantedRooms = useRef(new Set<string>());
  // The API is back after an outage (503s): send what waits now rather than after the queue's backoff (≤ 30 s).
  useOnReconnected(() => queue.resume());
  const resyncs = useRef<ResyncScheduler | null>(null);

  /** Resyncs one board (coalesced per board; retried with backoff until it gets through). */
  const resync = useMemo(() => (projectId: string) => resyncs.current?.request(projectId) ?? Promise.resolve(), []);

  useEffect(() => {
    /** What an event means besides the board's tasks: small queries to refetch, a notice. */
    const sideEffects = (event: RealtimeEvent, live: boolean) => {
      const payload = event.payload;
      if (event.type.startsWith('task.') && event.projectId) {
        if (typeof payload.id === 'string') void queryClient.invalidateQueries({ queryKey: trpc.task.listActivity.queryKey({ workspaceSlug, taskId: payload.id }) });
        const overwrote = live && Array.isArray(payload.overwrote) ? (payload.overwrote as { field: string; actorId: string }[]) : [];
        for (const entry of overwrote.filter((o) => o.actorId === userId)) {
          const by = (event.actorId && latest.names.get(event.actorId)) || latest.t('someone');
          latest.notify(latest.t('notice.overwritten', { field: latest.t(`fields.${entry.field}` as never), title: String(payload.title ?? ''), by }), 'warning');
        }
      } else if (event.type.startsWith('comment.') && typeof payload.taskId === 'string') {
        void queryClient.invalidateQueries({ queryKey: trpc.comment.list.queryKey({ workspaceSlug, taskId: payload.taskId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.task.listActivity.queryKey({ workspaceSlug, taskId: payload.taskId }) });
      } else if (event.type.startsWith('project.')) {
        void queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey({ workspaceSlug }) });
        if (event.projectId) void queryClient.invalidateQueries({ queryKey: trpc.project.get.queryKey({ workspaceSlug, projectId: event.projectId }) });
        if (event.type === 'project.deleted' && event.projectId) hide(event.projectId);
      }
    };
    const onEvent = (event: RealtimeEvent) => {
      if (event.type.startsWith('task.') && event.projectId) {
        queryClient.setQueryData<BoardData>(boardKey(workspaceSlug, event.projectId), (data) => data && applyEvent(data, event));
      }
      sideEffects(event, true);
    };
    const scheduler = createResyncScheduler({
      boardOf: (projectId) => {
        const key = boardKey(workspaceSlug, projectId);
        return {
          fetchPage: (afterId) => client.realtime.events.query({ workspaceSlug, projectId, afterId }),
          read: () => queryClient.getQueryData<BoardData>(key),
          write: (update) => queryClient.setQueryData<BoardData>(key, (data) => data && update(data)),
          onEvents: (events) => events.forEach((event) => sideEffects(event as RealtimeEvent, false)),
          isTooOld: eventsTooOld,
          shouldRetry: (error) => !FINAL_ERRORS.has(errorCodeOf(error) ?? ''),
          onError: (error, attempt) => console.warn(`[kanso] resync of a board failed (attempt ${attempt + 1}); retrying`, error),
        };
      },
      // Too far behind to replay: reload the board (its load replays after itself).
      reload: (projectId) => queryClient.invalidateQueries({ queryKey: boardKey(workspaceSlug, projectId) }),
      onGiveUp: (projectId, error) => console.warn(`[kanso] resync of board ${projectId} stopped`, error),
    });
    resyncs.current = scheduler;
    /** Everything may be behind: every joined board, and the project lists. */
    const resyncAll = () => {
      for (const projectId of socket.current?.joinedRooms() ?? []) void scheduler.request(projectId);
      void queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey({ workspaceSlug }) });
      void queryClient.invalidateQueries({ queryKey: trpc.project.get.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.comment.list.pathKey() });
    };
    const hide = (projectId: string) => {
      store.update((s) => ({ ...s, revoked: { ...s.revoked, [projectId]: true } }));
      queryClient.removeQueries({ queryKey: boardKey(workspaceSlug, projectId) });
      void queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey({ workspaceSlug }) });
    };
    const onMessage = (message: ServerMessage) => {
      switch (message.type) {
        case 'notifications':
          // The user's notifications changed (COLLAB-7): the header's badge refetches.
          void queryClient.invalidateQueries({ queryKey: trpc.notification.pathKey() });
          break;
        case 'ready':
          store.update((s) => ({ ...s, presence: {} }));
          // Notifications made while disconnected.
          void queryClient.invalidateQueries({ queryKey: trpc.notification.pathKey() });
          // Project-level changes missed while disconnected (boards resync themselves on `joined`).
          void queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey({ workspaceSlug }) });
          break;
        case 'joined':
          store.update((s) => ({ ...s, presence: { ...s.presence, [message.projectId]: presenceFromJoined(message, userId) } }));
          void scheduler.request(message.projectId);
          break;
        case 'resync':
          resyncAll();
          break;
        case 'presence_delta':
          store.update((s) => ({ ...s, presence: { ...s.presence, [message.projectId]: applyPresenceDelta(s.presence[message.projectId] ?? EMPTY_PRESENCE, message) } }));
          break;
        case 'kicked':
        case 'project_hidden':
        case 'join_refused':
          hide(message.projectId);
          break;
        case 'event':
          onEvent(message.event);
          break;
        default:
          break;
      }
    };
    const realtime = new RealtimeClient({
      fetchTicket: () => client.realtime.ticket.mutate({ workspaceSlug }),
      isSignedOut: (error) => errorCodeOf(error) === 'UNAUTHORIZED',
      onMessage,
      onStatus: (status) => {
        store.update((s) => ({ ...s, status }));
        if (status === 'signedOut') signInAgain(locale);
      },
    });
    socket.current = realtime;
    for (const projectId of wantedRooms.current) realtime.join(projectId);
    realtime.start();
    // This socket carries the badge's frames: the bell opens none of its own meanwhile.
    const releaseSocket = registerWorkspaceSocket();
    const online = () => queue.setOnline(true);
    const offline = () => queue.setOnline(false);
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    queue.setOnline(navigator.onLine);
    void queue.start();
    return () => {
      releaseSocket();
      realtime.stop();
      scheduler.stop();
      queue.stop();
      socket.current = null;
      resyncs.current = null;
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    };
  }, [client, latest, locale, queryClient, queue, store, trpc, userId, workspaceSlug]);

  const value = useMemo<LiveContextValue>(
    () => ({
      queue,
      store,
      resync,
      join: (projectId) => {
        store.update((s) => (s.revoked[projectId] ? { ...s, revoked: Object.fromEntries(Object.entries(s.revoked).filter(([id]) => id !== projectId)) } : s));
        wantedRooms.current.add(projectId);
        socket.current?.join(projectId);
      },
      leave: (projectId) => {
        wantedRooms.current.delete(projectId);
        socket.current?.leave(projectId);
      },
      setEditing: (projectId, taskId) => socket.current?.setEditing(projectId, taskId),
    }),
    [queue, resync, store],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** A full page load of sign-in (nothing of the ended session stays in memory) that returns here. */
function signInAgain(locale: string): void {
  const signIn = new URL(`/${locale}/sign-in`, window.location.origin);
  signIn.searchParams.set('callbackUrl', window.location.pathname + window.location.search);
  window.location.assign(signIn.href);
}

function noticeText(notice: QueueNotice, t: ReturnType<typeof useTranslations<'board'>>): string {
  const title = opTitle(notice.op);
  switch (notice.kind) {
    case 'refused':
      return t('notice.undoRefused', { title });
    case 'lost':
      return t('notice.lostDeleted', { title });
    case 'failed':
      return t('notice.failed', { title, message: notice.message });
  }
}

function opTitle(op: PendingOp): string {
  if (op.kind === 'create') return op.task.title;
  if (op.kind === 'delete') return op.snapshot.title;
  if (op.kind === 'update' && op.changes.title) return op.changes.title;
  return '';
}
