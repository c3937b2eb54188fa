/**
 * Server start-up hook: validates the environment (a bad variable stops the boot with its name)
 * and initialises Sentry — inert without SENTRY_DSN.
 */
import * as Sentry from '@sentry/nextjs';

export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('@/server/platform/env');
  const config = env();
  Sentry.init({
    dsn: config.SENTRY_DSN,
    enabled: Boolean(config.SENTRY_DSN),
    environment: config.SENTRY_ENVIRONMENT,
    tracesSampleRate: 0.1,
  });
}

export const onRequestError = Sentry.captureRequestError;
