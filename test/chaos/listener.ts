/**
 * An open board, as the browser keeps it (COLLAB-4, src/components/boards/workspace-live.tsx):
 *
 *   1. the cursor first (`realtime.cursor`), then the tasks (`task.list`, every page);
 *   2. a socket to the sidecar with a fresh ticket (`realtime.ticket`), joining the project;
 *   3. live `event` frames patch the tasks by version and move the cursor;
 *   4. after every `joined` (each (re)connect) and every `resync` frame, it pages `realtime.events`
 *      from its cursor — on the previous page's `lastId`, never on a cursor events can move;
 *   5. a closed socket reconnects with backoff (0.25 → 2 s); a failed resync is retried.
 *
 * `matches(db)` says whether it shows exactly the database's tasks (id, version, title).
 */
import WebSocket from 'ws';
import type { RealtimeEvent, ServerMessage } from '@/lib/realtime-protocol';
import type { Api } from './api';
import { sleep } from './processes';

interface Shown {
  version: number;
  title: string;
}

export function openBoard(api: Api, workspaceSlug: string, projectId: string) {
  const tasks = new Map<string, Shown>();
  let cursor = 0;
  let ws: WebSocket | null = null;
  let stopped = false;
  let resyncing: Promise<void> | null = null;
  let resyncAgain = false;
  const counts = { connects: 0, closes: 0, resyncs: 0, resyncFrames: 0, events: 0, closeCodes: new Map<number, number>() };

  function apply(event: RealtimeEvent): void {
    cursor = Math.max(cursor, event.id);
    if (event.projectId !== projectId) return;
    const payload = event.payload as { id?: string; version?: number; title?: string };
    if (!payload.id) return;
    if (event.type === 'task.deleted') {
      tasks.delete(payload.id);
      return;
    }
    if (event.type.startsWith('task.') && typeof payload.version === 'number' && typeof payload.title === 'string') {
      const shown = tasks.get(payload.id);
      if (!shown || shown.version < payload.version) tasks.set(payload.id, { version: payload.version, title: payload.title });
    }
  }

  /** Pages every event after the cursor; runs again if asked while running; retries until it succeeds. */
  function resync(): Promise<void> {
    if (resyncing) {
      resyncAgain = true;
      return resyncing;
    }
    resyncing = (async () => {
      do {
        resyncAgain = false;
        let afterId = cursor;
        for (let delay = 250; !stopped; delay = Math.min(delay * 2, 2000)) {
          try {
            for (;;) {
              const page = await api.realtime.events.query({ workspaceSlug, projectId, afterId });
              for (const event of page.events) apply(event);
              afterId = page.lastId;
              if (!page.hasMore) break;
            }
            cursor = Math.max(cursor, afterId);
            counts.resyncs += 1;
            break;
          } catch {
            await sleep(delay);
          }
        }
      } while (resyncAgain && !stopped);
      resyncing = null;
    })();
    return resyncing;
  }

  async function connect(): Promise<void> {
    for (let delay = 250; !stopped; delay = Math.min(delay * 2, 2000)) {
      try {
        const { ticket, url } = await api.realtime.ticket.mutate({ workspaceSlug });
        const socket = new WebSocket(`${url.replace('localhost', '127.0.0.1')}/?ticket=${encodeURIComponent(ticket)}`);
        ws = socket;
        counts.connects += 1;
        const closed = new Promise<void>((resolve) => {
          socket.on('close', (code) => {
            counts.closes += 1;
            counts.closeCodes.set(code, (counts.closeCodes.get(code) ?? 0) + 1);
            resolve();
          });
          socket.on('error', () => undefined);
        });
        socket.on('message', (data) => {
          const message = JSON.parse(String(data)) as ServerMessage | { type: 'resync' };
          if (message.type === 'ready') socket.send(JSON.stringify({ type: 'join', projectId }));
          else if (message.type === 'joined') void resync();
          else if (message.type === 'resync') {
            counts.resyncFrames += 1;
            void resync();
          } else if (message.type === 'event') {
            counts.events += 1;
            apply(message.event);
          }
        });
        await closed;
        delay = 250;
      } catch {
        // no ticket (web or database down): try again
      }
      if (!stopped) await sleep(delay);
    }
  }

  const started = (async () => {
    cursor = (await api.realtime.cursor.query({ workspaceSlug, projectId })).lastId;
    let pageCursor: string | undefined;
    do {
      const page = await api.task.list.query({ workspaceSlug, projectId, cursor: pageCursor });
      for (const task of page.items) tasks.set(task.id, { version: task.version, title: task.title });
      pageCursor = page.nextCursor ?? undefined;
    } while (pageCursor);
    void connect();
  })();

  return {
    ready: started,
    counts,
    tasks,
    /** Differences between what the board shows and `truth` (empty: converged). */
    diff(truth: Map<string, Shown>): string[] {
      const out: string[] = [];
      for (const [id, t] of truth) {
        const shown = tasks.get(id);
        if (!shown) out.push(`${id} missing`);
        else if (shown.version !== t.version || shown.title !== t.title) out.push(`${id} shows v${shown.version}, database v${t.version}`);
      }
      for (const id of tasks.keys()) if (!truth.has(id)) out.push(`${id} shown but not in the database`);
      return out;
    },
    stop() {
      stopped = true;
      ws?.close(1000, 'chaos done');
    },
  };
}

export type Board = ReturnType<typeof openBoard>;
