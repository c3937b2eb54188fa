/**
 * Browser error reporting without paying for it up front: with NEXT_PUBLIC_SENTRY_DSN set (inlined at
 * build time) the Sentry SDK is loaded lazily, once, and initialised (./sentry-browser.ts); without one
 * nothing is loaded and these functions do nothing. Reports made while the SDK is still loading are
 * sent once it is there.
 */
type SentryBrowser = typeof import('./sentry-browser');

const dsn = process.env.NEXT_PUBLIC_SENTRY_DSN;
let loading: Promise<SentryBrowser | undefined> | undefined;

/** Whether this build reports errors (a DSN was set when it was built). */
export const errorReportingEnabled = Boolean(dsn);

/** Loads and initialises the SDK (once); undefined without a DSN or when the chunk fails to load. */
export function loadErrorReporting(): Promise<SentryBrowser | undefined> {
  if (!dsn) return Promise.resolve(undefined);
  loading ??= import('./sentry-browser').catch(() => {
    // A chunk that failed to load (offline, new deploy): try again with the next report.
    loading = undefined;
    return undefined;
  });
  return loading;
}

export function reportException(error: unknown): void {
  if (!dsn) return;
  void loadErrorReporting().then((sentry) => sentry?.captureException(error));
}

/** Next's router-transition hook (instrumentation-client.ts), forwarded once the SDK is there. */
export function reportRouterTransitionStart(href: string, navigationType: string): void {
  if (!dsn) return;
  void loadErrorReporting().then((sentry) => sentry?.captureRouterTransitionStart(href, navigationType));
}
