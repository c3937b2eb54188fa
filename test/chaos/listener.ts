/**
 * An open board, kept exactly as the browser keeps it (COLLAB-4, src/components/boards/workspace-live.tsx),
 * with the browser's own code for the data: `applyEvent` (board-model.ts) and the resync scheduler
 * (board-resync.ts). What the React layer adds is replaced by plain calls:
 *
 *   1. the cursor first (`realtime.cursor`), then the tasks (`task.list`, every page);
 *   2. a socket to the sidecar with a fresh ticket (`realtime.ticket`), joining the project;
 *   3. live `event` frames patch the board by version and move the cursor;
 *   4. every `joined` (each (re)connect) and every `resync` frame asks the scheduler to replay
 *      `realtime.events` after the cursor;
 *   5. a closed socket (anything but 4403) reconnects with a fresh ticket and backoff (0.25 → 2 s).
 *
 * `diff(truth)` lists where it differs from the database's tasks (id, version, title).
 */
import WebSocket from 'ws';
import { applyEvent, type BoardData, type TaskEvent } from '@/lib/boards/board-model';
import { createResyncScheduler } from '@/lib/boards/board-resync';
import { REALTIME_CLOSE, type ServerMessage } from '@/lib/realtime-protocol';
import type { Api } from './api';
import { sleep } from './processes';

interface Shown {
  version: number;
  title: string;
}

export function openBoard(api: Api, workspaceSlug: string, projectId: string) {
  let board: BoardData | undefined;
  let ws: WebSocket | null = null;
  let stopped = false;
  const counts = { connects: 0, closes: 0, resyncs: 0, resyncFrames: 0, events: 0 };
  const resync = createResyncScheduler({
    boardOf: () => ({
      fetchPage: (afterId) => api.realtime.events.query({ workspaceSlug, projectId, afterId }),
      read: () => board,
      write: (update) => {
        if (board) board = update(board);
      },
    }),
    reload: () => load(),
    minBackoffMs: 250,
    maxBackoffMs: 2000,
  });
  const request = () => {
    counts.resyncs += 1;
    void resync.request(projectId);
  };

  async function load(): Promise<void> {
    const cursor = (await api.realtime.cursor.query({ workspaceSlug, projectId })).lastId;
    const tasks: BoardData['tasks'] = [];
    let pageCursor: string | undefined;
    do {
      const page = await api.task.list.query({ workspaceSlug, projectId, cursor: pageCursor });
      tasks.push(...page.items);
      pageCursor = page.nextCursor ?? undefined;
    } while (pageCursor);
    board = { tasks, cursor };
    request();
  }

  async function connect(): Promise<void> {
    for (let delay = 250; !stopped; delay = Math.min(delay * 2, 2000)) {
      let code = 0;
      try {
        const { ticket, url } = await api.realtime.ticket.mutate({ workspaceSlug });
        const socket = new WebSocket(`${url.replace('localhost', '127.0.0.1')}/?ticket=${encodeURIComponent(ticket)}`);
        ws = socket;
        counts.connects += 1;
        const closed = new Promise<void>((resolve) => {
          socket.on('close', (c) => {
            counts.closes += 1;
            code = c;
            resolve();
          });
          socket.on('error', () => undefined);
        });
        socket.on('message', (data) => {
          const message = JSON.parse(String(data)) as ServerMessage;
          if (message.type === 'ready') {
            delay = 250;
            socket.send(JSON.stringify({ type: 'join', projectId }));
          } else if (message.type === 'joined') request();
          else if (message.type === 'resync') {
            counts.resyncFrames += 1;
            request();
          } else if (message.type === 'event' && board) {
            counts.events += 1;
            if (message.event.projectId === projectId) board = applyEvent(board, message.event as TaskEvent);
            else board = { ...board, cursor: Math.max(board.cursor, message.event.id) };
          }
        });
        await closed;
      } catch {
        // no ticket (web or database down): try again
      }
      if (code === REALTIME_CLOSE.forbidden) return;
      if (!stopped) await sleep(delay);
    }
  }

  const started = load().then(() => void connect());

  return {
    ready: started,
    counts,
    /** Differences between what the board shows and `truth` (empty: converged). */
    diff(truth: Map<string, Shown>): string[] {
      const shown = new Map((board?.tasks ?? []).map((t) => [t.id, t]));
      const out: string[] = [];
      for (const [id, t] of truth) {
        const s = shown.get(id);
        if (!s) out.push(`${id} missing`);
        else if (s.version !== t.version || s.title !== t.title) out.push(`${id} shows v${s.version}, database v${t.version}`);
      }
      for (const id of shown.keys()) if (!truth.has(id)) out.push(`${id} shown but not in the database`);
      return out;
    },
    stop() {
      stopped = true;
      resync.stop();
      ws?.close(1000, 'chaos done');
    },
  };
}

export type Board = ReturnType<typeof openBoard>;
