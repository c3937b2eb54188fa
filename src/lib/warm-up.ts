/**
 * Loading code ahead of need without making it part of a page's first load (PERF-3, ADR 0016): a
 * lazily imported chunk that must also work offline (the task dialog) is fetched once the browser is
 * idle after the page has loaded. The performance mark tells `npm run check:bundle` which scripts
 * were such warm-ups, so it can list them apart from the route's first-load JS.
 */
export const WARM_UP_MARK = 'kanso:warm-up';

/** Runs `load` when the page has loaded and the browser is idle; returns a cancel function. */
export function warmUp(load: () => Promise<unknown>): () => void {
  if (typeof window === 'undefined') return () => {};
  let cancelled = false;
  let idle: number | undefined;
  const run = () => {
    if (cancelled) return;
    performance.mark(WARM_UP_MARK);
    load().catch(() => {
      // Offline already, or a deploy replaced the chunk: it is fetched again when needed.
    });
  };
  const schedule = () => {
    if (cancelled) return;
    idle = typeof window.requestIdleCallback === 'function' ? window.requestIdleCallback(run, { timeout: 5_000 }) : window.setTimeout(run, 1_000);
  };
  if (document.readyState === 'complete') schedule();
  else window.addEventListener('load', schedule, { once: true });
  return () => {
    cancelled = true;
    window.removeEventListener('load', schedule);
    if (idle !== undefined) {
      if (typeof window.cancelIdleCallback === 'function') window.cancelIdleCallback(idle);
      else window.clearTimeout(idle);
    }
  };
}
