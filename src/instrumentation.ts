/**
 * Server start-up hook: validates the environment (a bad variable stops the boot with its name)
 * and initialises Sentry — only when SENTRY_DSN is set (ADR 0013).
 *
 * Without a DSN the server never loads the SDK: no OpenTelemetry tracer provider is registered, so
 * Next's spans and the database queries stay no-ops, and `onRequestError` returns at once. (Calling
 * `Sentry.init({ enabled: false })` still set up tracing and made spans for every request: 7–9 % of
 * the server's CPU.) The browser side is src/instrumentation-client.ts (NEXT_PUBLIC_SENTRY_DSN).
 */
import type { Instrumentation } from 'next';

/** Sentry's request-error hook once Sentry is initialised; undefined without a DSN. */
let captureRequestError: Instrumentation.onRequestError | undefined;

export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('@/server/platform/env');
  const config = env();
  if (!config.SENTRY_DSN) return;
  const Sentry = await import('@sentry/nextjs');
  Sentry.init({ dsn: config.SENTRY_DSN, environment: config.SENTRY_ENVIRONMENT, tracesSampleRate: 0.1 });
  captureRequestError = Sentry.captureRequestError;
}

export const onRequestError: Instrumentation.onRequestError = (error, request, context) => captureRequestError?.(error, request, context);
