/**
 * Where the E2E stack listens (all loopback) and the environment the app is started with.
 * Shared by playwright.config.ts (which starts the servers) and the specs (which talk to them).
 * Every port can be moved with an env variable when something else already uses it.
 */
const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

export const APP_PORT = port('E2E_APP_PORT', 3200);
export const PG_PORT = port('E2E_PG_PORT', 54339);
export const SMTP_PORT = port('E2E_SMTP_PORT', 2525);
export const MAIL_HTTP_PORT = port('E2E_MAIL_HTTP_PORT', 2580);
export const OIDC_PORT = port('E2E_OIDC_PORT', 9400);
/** The realtime sidecar (started by `npm start` next to the app); its default 3001 is a dev stack's. */
export const REALTIME_PORT = port('E2E_REALTIME_PORT', 3201);
/** The job worker's health endpoint (started by `npm start` too); its default 3002 is a dev stack's. */
export const WORKER_PORT = port('E2E_WORKER_PORT', 3202);

/** The origin the browser uses; the app's APP_URL must be exactly this (mail links, OAuth callbacks). */
export const APP_URL = `http://localhost:${APP_PORT}`;
export const MAIL_API_URL = `http://127.0.0.1:${MAIL_HTTP_PORT}`;
export const OIDC_ISSUER = `http://127.0.0.1:${OIDC_PORT}`;
/** What the browser connects to (the app derives ws://localhost:<REALTIME_PORT> itself). */
export const REALTIME_URL = `ws://localhost:${REALTIME_PORT}`;

export const OIDC_CLIENT_ID = 'kanso-e2e';
export const OIDC_CLIENT_SECRET = 'kanso-e2e-client-secret';
/** The provider button label on the sign-in page (AUTH_OIDC_NAME). */
export const OIDC_NAME = 'Kanso Test SSO';

/** A fresh database per run: the app server wrapper deletes this directory before starting. */
export const E2E_DATA_DIR = '.data/e2e';

export const APP_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  PORT: String(APP_PORT),
  APP_URL,
  AUTH_TRUST_HOST: 'true',
  // A fixed, test-only value (≥ 32 characters); never used outside this suite.
  AUTH_SECRET: 'e2e-only-auth-secret-0123456789-abcdefghijklmnop',
  SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
  MAIL_FROM: 'Kanso E2E <no-reply@kanso.test>',
  AUTH_OIDC_ISSUER: OIDC_ISSUER,
  AUTH_OIDC_ID: OIDC_CLIENT_ID,
  AUTH_OIDC_SECRET: OIDC_CLIENT_SECRET,
  AUTH_OIDC_NAME: OIDC_NAME,
  KANSO_DATA_DIR: E2E_DATA_DIR,
  // Empty: the launcher starts its embedded PostgreSQL instead of using a DATABASE_URL from the shell.
  DATABASE_URL: '',
  DATABASE_ADMIN_URL: '',
  EMBEDDED_PG_PORT: String(PG_PORT),
  REALTIME_PORT: String(REALTIME_PORT),
  WORKER_PORT: String(WORKER_PORT),
  DEV_MAILBOX: 'false',
  LOG_LEVEL: 'warn',
  // The suite signs up and signs in dozens of accounts from one address within minutes (and retries
  // a failed spec): every policy ×10. The limits themselves are proven in test/security/ over HTTP;
  // e2e/rate-limit.spec.ts shows a refusal in the UI at this scale.
  RATE_LIMIT_SCALE: '10',
  // Webhook receivers run by the specs listen on 127.0.0.1 (e2e/webhooks.spec.ts). Loopback is a
  // dev/test-only allowance that a production build refuses — unless the process is marked a
  // throw-away test stack (KANSO_TEST_STACK), which this is. Private ranges stay refused.
  WEBHOOK_ALLOW_LOOPBACK: 'true',
  KANSO_TEST_STACK: 'true',
  // The notification digest goes out this long after the first unread notification of a burst
  // (default one hour): e2e/notifications.spec.ts reads it from the mail sink.
  NOTIFICATION_DIGEST_DELAY_SECONDS: '20',
};
