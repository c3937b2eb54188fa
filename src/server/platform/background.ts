/**
 * Work a request starts and does not wait for (there is no job queue yet, issue 11): e.g. sending a
 * mail after answering. Each task's failure is caught and handed to `onError` (never an unhandled
 * rejection). The set of tasks still running lives on globalThis, so it is one set per process even
 * though Next's bundle and the direct API path (scripts/lib/api-server.ts) load this module apart:
 * the web server waits for it on shutdown (scripts/web-server.ts), tests wait for it before reading results.
 */
const globalForTasks = globalThis as unknown as { kansoBackgroundTasks?: Set<Promise<void>> };
const running = (globalForTasks.kansoBackgroundTasks ??= new Set());

export function runInBackground(task: () => Promise<unknown>, onError: (error: unknown) => void): void {
  const run: Promise<void> = (async () => {
    await task();
  })()
    .catch((error: unknown) => {
      try {
        onError(error);
      } catch {
        // A failing error handler must not become an unhandled rejection either.
      }
    })
    .finally(() => running.delete(run));
  running.add(run);
}

/** How many background tasks are still running. */
export function backgroundTasksRunning(): number {
  return running.size;
}

/** Resolves once every background task started so far (and any they started) has finished. */
export async function backgroundTasksSettled(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running]);
}
