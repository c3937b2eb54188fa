/**
 * Runs in the browser before the app hydrates. Sentry is loaded lazily and only when
 * NEXT_PUBLIC_SENTRY_DSN was set for the build (src/lib/monitoring/error-reporting.ts, ADR 0016):
 * without a DSN no SDK code is fetched at all.
 */
import { errorReportingEnabled, loadErrorReporting, reportRouterTransitionStart } from '@/lib/monitoring/error-reporting';

// After the page is interactive, so the SDK never competes with hydration for the main thread.
if (errorReportingEnabled && typeof window !== 'undefined') {
  const start = () => void loadErrorReporting();
  if (document.readyState === 'complete') setTimeout(start, 0);
  else window.addEventListener('load', start, { once: true });
}

export const onRouterTransitionStart = reportRouterTransitionStart;
