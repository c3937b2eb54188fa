/**
 * The Sentry browser SDK, initialised on import. Never imported statically: src/lib/monitoring/
 * error-reporting.ts loads this module with import() only when NEXT_PUBLIC_SENTRY_DSN is set, so the
 * SDK is a chunk of its own that a build without a DSN never fetches (PERF-3, ADR 0016). Named
 * imports keep the chunk to what is used (no replay, feedback or profiling code).
 */
import { captureException, captureRouterTransitionStart, init } from '@sentry/nextjs';

init({ dsn: process.env.NEXT_PUBLIC_SENTRY_DSN, enabled: Boolean(process.env.NEXT_PUBLIC_SENTRY_DSN), tracesSampleRate: 0.1 });

export { captureException, captureRouterTransitionStart };
