/**
 * Runs in the browser before the app hydrates. Sentry is loaded lazily and only when
 * NEXT_PUBLIC_SENTRY_DSN was set for the build (src/lib/monitoring/error-reporting.ts, ADR 0016):
 * without a DSN no SDK code is fetched at all.
 */
import { setNonce } from 'get-nonce';
import { errorReportingEnabled, loadErrorReporting, reportRouterTransitionStart } from '@/lib/monitoring/error-reporting';

// The page's CSP nonce (SEC-1; the browser shows it only as the `nonce` property of nonce'd elements)
// for the one library that inserts a <style> element itself: Radix dialogs' scroll lock
// (react-remove-scroll → react-style-singleton reads it through get-nonce).
if (typeof document !== 'undefined') {
  const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce;
  if (nonce) setNonce(nonce);
}

// After the page is interactive, so the SDK never competes with hydration for the main thread.
if (errorReportingEnabled && typeof window !== 'undefined') {
  const start = () => void loadErrorReporting();
  if (document.readyState === 'complete') setTimeout(start, 0);
  else window.addEventListener('load', start, { once: true });
}

export const onRouterTransitionStart = reportRouterTransitionStart;
