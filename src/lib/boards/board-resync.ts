/**
 * Resync of a live board (COLLAB-4, REL-2): replays what the board missed from `realtime.events`
 * after a reconnect, a `joined`, a board load, or the sidecar's `{type:'resync'}`. Framework-free,
 * so the browser (`WorkspaceLive`) and the tests run the same code against the real procedure.
 *
 *  - It pages on the previous page's `lastId`, never on the board's cursor: live events keep
 *    moving that cursor while pages are fetched, and re-reading it skipped every event between the
 *    page fetched and the cursor (600 offline creates → 100 never recovered).
 *  - Replayed events are applied without moving the cursor; the cursor moves once, when the last
 *    page is in (to the larger of its own value and the last replayed id). A replay cut short
 *    therefore never leaves the cursor past events it did not apply.
 *  - A failed page (or one not answered within 15 s) is fetched again with backoff (0.5 s doubling
 *    to 10 s, with jitter) until it works, the board is no longer loaded, or the caller stops; errors that will not go away by
 *    waiting (`shouldRetry` false: not found, forbidden, signed out) end it.
 *
 * `createResyncScheduler` runs one resync per board at a time: a request during a run makes one
 * more run afterwards, from the lowest cursor any request saw, and wakes a run that is waiting to
 * retry (the database is back: the sidecar's `resync` arrives).
 */
import { applyReplayed, type BoardData, type TaskEvent } from './board-model';

/** One answer of `realtime.events`. */
export interface EventPage {
  events: TaskEvent[];
  lastId: number;
  hasMore: boolean;
}

export interface BoardSource {
  /** `realtime.events({ afterId })` of this board's project. */
  fetchPage: (afterId: number) => Promise<EventPage>;
  /** The board as cached now; undefined when it is not loaded (nothing to resync: a load replays itself). */
  read: () => BoardData | undefined;
  /** Replaces the cached board (no-op when it is gone). */
  write: (update: (data: BoardData) => BoardData) => void;
  /** Every replayed page, after it was applied (comment/activity/project side effects). */
  onEvents?: (events: TaskEvent[]) => void;
  /** Whether a failed fetch says the cursor is older than the server keeps (then: reload the board). */
  isTooOld?: (error: unknown) => boolean;
  /** Whether a failed fetch is worth retrying (default: always). */
  shouldRetry?: (error: unknown) => boolean;
  /** Reports a failed attempt (it will be retried). */
  onError?: (error: unknown, attempt: number) => void;
}

export interface ResyncOptions extends BoardSource {
  /** Replay events after this id (default: the board's cursor now). */
  from?: number;
  /** Pages before giving up on replaying (default 20 × 500 events): then reload the board instead. */
  maxPages?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A page not answered within this counts as failed and is asked again (default 15 s). */
  pageTimeoutMs?: number;
  /** Waits between attempts (default setTimeout); may resolve early to retry at once. */
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export type ResyncOutcome =
  | { status: 'done'; lastId: number; pages: number; events: number }
  /** More than `maxPages` behind, or behind what the outbox still keeps: reload the board. */
  | { status: 'tooFar' }
  /** The board is not loaded (any more). */
  | { status: 'gone' }
  | { status: 'aborted' };

export const RESYNC_MAX_PAGES = 20;
const PAGE_TIMEOUT_MS = 15_000;

/** `promise`, or a rejection after `ms` (the late answer is ignored: pages are idempotent reads). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffMs(attempt: number, minMs = 500, maxMs = 10_000): number {
  return Math.min(maxMs, minMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}

/** Replays the board's events after `from` (or its cursor), page by page, until it has them all. */
export async function resyncBoard(options: ResyncOptions): Promise<ResyncOutcome> {
  const { fetchPage, read, write, signal } = options;
  const sleep = options.sleep ?? defaultSleep;
  const maxPages = options.maxPages ?? RESYNC_MAX_PAGES;
  const start = options.from ?? read()?.cursor;
  if (start === undefined) return { status: 'gone' };
  let after = start;
  let pages = 0;
  let events = 0;
  let attempt = 0;
  while (pages < maxPages) {
    if (signal?.aborted) return { status: 'aborted' };
    if (!read()) return { status: 'gone' };
    let page: EventPage;
    try {
      page = await within(fetchPage(after), options.pageTimeoutMs ?? PAGE_TIMEOUT_MS);
    } catch (error) {
      if (options.isTooOld?.(error)) return { status: 'tooFar' };
      if (options.shouldRetry && !options.shouldRetry(error)) throw error;
      options.onError?.(error, attempt);
      await sleep(backoffMs(attempt, options.minBackoffMs, options.maxBackoffMs));
      attempt += 1;
      continue;
    }
    attempt = 0;
    if (signal?.aborted) return { status: 'aborted' };
    write((data) => applyReplayed(data, page.events));
    options.onEvents?.(page.events);
    pages += 1;
    events += page.events.length;
    // The next page starts where this one ended — whatever live events did to the cursor meanwhile.
    after = page.lastId;
    if (!page.hasMore) {
      const lastId = after;
      write((data) => (data.cursor >= lastId ? data : { ...data, cursor: lastId }));
      return { status: 'done', lastId, pages, events };
    }
  }
  return { status: 'tooFar' };
}

export interface ResyncScheduler {
  /** Resyncs the project's board from its cursor now; coalesced with a run in flight. Resolves when caught up. */
  request(projectId: string): Promise<void>;
  /** Stops every run (the workspace closed). */
  stop(): void;
}

export interface SchedulerOptions extends Pick<ResyncOptions, 'maxPages' | 'minBackoffMs' | 'maxBackoffMs'> {
  /** How to read, write and fetch one project's board. */
  boardOf: (projectId: string) => BoardSource;
  /** The board is too far behind to replay: reload it (its load replays after itself). */
  reload: (projectId: string) => Promise<void>;
  /** A resync ended with an error that retrying does not cure. */
  onGiveUp?: (projectId: string, error: unknown) => void;
}

export function createResyncScheduler(options: SchedulerOptions): ResyncScheduler {
  const controller = new AbortController();
  const runs = new Map<string, { from: number | null; wake: (() => void) | null; done: Promise<void> }>();

  function request(projectId: string): Promise<void> {
    const source = options.boardOf(projectId);
    const from = source.read()?.cursor;
    if (from === undefined || controller.signal.aborted) return Promise.resolve();
    const running = runs.get(projectId);
    if (running) {
      // One more run once this one is done, from the lowest position asked for; retry now if waiting.
      running.from = Math.min(running.from ?? from, from);
      running.wake?.();
      return running.done;
    }
    const run: { from: number | null; wake: (() => void) | null; done: Promise<void> } = { from, wake: null, done: Promise.resolve() };
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer);
          run.wake = null;
          controller.signal.removeEventListener('abort', finish);
          resolve();
        };
        const timer = setTimeout(finish, ms);
        run.wake = finish;
        controller.signal.addEventListener('abort', finish);
      });
    runs.set(projectId, run);
    run.done = (async () => {
      try {
        while (run.from !== null && !controller.signal.aborted) {
          const start = run.from;
          run.from = null;
          const outcome = await resyncBoard({
            ...source,
            maxPages: options.maxPages,
            minBackoffMs: options.minBackoffMs,
            maxBackoffMs: options.maxBackoffMs,
            from: start,
            sleep,
            signal: controller.signal,
          });
          if (outcome.status === 'tooFar') await options.reload(projectId);
          if (outcome.status === 'gone') break;
        }
      } catch (error) {
        options.onGiveUp?.(projectId, error);
      } finally {
        runs.delete(projectId);
      }
    })();
    return run.done;
  }

  return {
    request,
    stop: () => controller.abort(),
  };
}
