/**
 * The one typed, validated view of the process environment (FND-4).
 *
 * Every variable the server reads is declared here and documented in `.env.example`.
 * A missing or malformed value fails at start with a message naming the variable;
 * in production, dev-only switches refuse to start.
 */
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const optionalUrl = z.string().url().optional();

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /** Connection the app uses (a non-owner role). Set by the launcher when PostgreSQL is embedded. */
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    /** Owner connection used for migrations; defaults to DATABASE_URL. */
    DATABASE_ADMIN_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    /** Longest wait for a new connection (TCP + startup + auth) before the request fails with 503. */
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
    /** Server-side `statement_timeout` of the app's connections (0 = none). */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    /** Server-side `idle_in_transaction_session_timeout`: a transaction left idle this long is ended (0 = none). */
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
    /** Named prepared statements for the hot queries (ADR 0014); false for a pooler that cannot keep them. */
    DATABASE_PREPARED_STATEMENTS: bool.default(true),
    /**
     * Reverse proxies in front of the web process that append to X-Forwarded-For (SEC-2, ADR 0024).
     * 0: forwarded headers from clients are ignored (the socket's address and scheme count).
     */
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    /** Public origin of the app, used in links in emails and OAuth callbacks. */
    APP_URL: z.string().url().default('http://localhost:3000'),
    /** Secret(s) for signing; comma-separated, first one signs, all verify. */
    AUTH_SECRET: z.string().min(32, 'must be at least 32 characters'),
    AUTH_GITHUB_ID: z.string().min(1).optional(),
    AUTH_GITHUB_SECRET: z.string().min(1).optional(),
    AUTH_GOOGLE_ID: z.string().min(1).optional(),
    AUTH_GOOGLE_SECRET: z.string().min(1).optional(),
    AUTH_OIDC_ISSUER: optionalUrl,
    AUTH_OIDC_ID: z.string().min(1).optional(),
    AUTH_OIDC_SECRET: z.string().min(1).optional(),
    AUTH_OIDC_NAME: z.string().min(1).default('SSO'),
    /** AUTH-3: also refuse new passwords found in Have I Been Pwned (k-anonymity range API; fails open). */
    HIBP_ENABLED: bool.default(false),
    /** Base URL of the Pwned Passwords range API (`GET {url}/range/{first 5 SHA-1 hex}`). */
    HIBP_API_URL: z.string().url().default('https://api.pwnedpasswords.com'),
    /** AUTH-4: Cloudflare Turnstile replaces the self-hosted ALTCHA proof of work when both keys are set. */
    TURNSTILE_SITE_KEY: z.string().min(1).optional(),
    TURNSTILE_SECRET_KEY: z.string().min(1).optional(),
    /** SMTP transport (smtp://user:pass@host:port). Without it, mail goes to the dev mailbox. */
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
    MAIL_FROM: z.string().min(3).default('Kanso <no-reply@kanso.localhost>'),
    /** Dev-only: store mail in the database and show it at /dev/mailbox. */
    DEV_MAILBOX: bool.default(false),
    /**
     * Sandbox (docs/email.md): no mail reaches its real recipient. Every mail goes to the dev mailbox,
     * or to MAIL_SANDBOX_TO when set (its subject prefixed with the real recipient's domain). In
     * production only together with MAIL_SANDBOX_TO (a staging stack).
     */
    MAIL_SANDBOX: bool.default(false),
    MAIL_SANDBOX_TO: z.string().email().optional(),
    /** Standard Webhooks secret (`whsec_…`) of POST /api/webhooks/email (bounces, complaints); unset: the endpoint answers 404. */
    MAIL_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a whsec_… secret (base64)').optional(),
    /** Realtime sidecar (COLLAB-3): port and interface it listens on (loopback unless told). */
    REALTIME_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
    REALTIME_HOST: z.string().min(1).default('127.0.0.1'),
    /** Several realtime sidecars: share presence and single-use ticket nonces over Redis (redis://…). Optional. */
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
    /**
     * Store of the rate limiter (SEC-2, ADR 0025): postgres (default without Redis; shared by every
     * instance on the database), redis (default with REDIS_URL), memory (one process), off (no limits).
     */
    RATE_LIMIT_STORE: z.enum(['postgres', 'redis', 'memory', 'off']).optional(),
    /** Multiplies every policy's allowance; for load tests and benches (default 1). */
    RATE_LIMIT_SCALE: z.coerce.number().min(0.01).max(100_000).default(1),
    /** Period of the sidecar's access-fingerprint re-check in ms (revocations that emit no event are caught within it). */
    REALTIME_RECHECK_MS: z.coerce.number().int().min(100).max(600_000).default(1000),
    /** Authenticated sockets per session / user / workspace on one sidecar (SEC-2); over a cap the socket is closed with 4429. */
    REALTIME_MAX_SOCKETS_PER_SESSION: z.coerce.number().int().min(1).max(10_000).default(10),
    REALTIME_MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).max(100_000).default(30),
    REALTIME_MAX_SOCKETS_PER_WORKSPACE: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
    /** Presence coalescing window of the sidecar in ms (ADR 0015): each room sends at most one presence frame per window. */
    REALTIME_PRESENCE_FLUSH_MS: z.coerce.number().int().min(10).max(10_000).default(100),
    /** WebSocket URL browsers use to reach the sidecar (behind a proxy: wss://…); default ws://localhost:REALTIME_PORT. */
    NEXT_PUBLIC_REALTIME_URL: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').optional(),
    /** The job worker's health endpoint (GET /health), loopback by default (worker/job-worker.ts). */
    WORKER_HOST: z.string().default('127.0.0.1'),
    WORKER_PORT: z.coerce.number().int().min(1).max(65535).default(3002),
    /** Jobs one worker process runs at once. */
    JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    /** A job locked by a worker without a heartbeat for this long is released to another (the lease). */
    JOBS_LEASE_SECONDS: z.coerce.number().int().min(2).max(86_400).default(30),
    /**
     * The worker process's niceness (0–19): on a machine it shares with the web process, background
     * work yields the CPU to requests (bench:http: a relay backlog behind a request burst doubled
     * sign-in p95 at 0). Lowering one's own priority needs no privilege.
     */
    JOBS_NICE: z.coerce.number().int().min(0).max(19).default(10),
    /** How often an idle worker looks for due jobs besides NOTIFY (ms; bounds the wait of a missed wake-up). */
    JOBS_POLL_INTERVAL_MS: z.coerce.number().int().min(20).max(60_000).default(200),
    /** On SIGTERM, running jobs get this long to finish before they are aborted and released. */
    JOBS_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(8_000),
    /** Outbox events older than this (and relayed to every consumer) are pruned. */
    OUTBOX_RETENTION_DAYS: z.coerce.number().min(0.0001).max(3650).default(30),
    /**
     * Webhooks (JOBS-3, docs/webhooks.md): seconds between a delivery's scheduled attempts, comma-separated
     * (one attempt more than entries; then the delivery is dead). Default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
     */
    WEBHOOK_RETRY_SCHEDULE_SECONDS: z
      .string()
      .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, 'must be comma-separated seconds, e.g. "5,300,1800"')
      .default('5,300,1800,7200,18000,36000,36000'),
    /** An endpoint whose deliveries failed without a success for this long is disabled and its admins are mailed. */
    WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number().min(0.0001).max(8760).default(72),
    /** Timeout of one delivery request (connect + response), ms. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /**
     * Development and tests only: loopback receivers (127.0.0.0/8, ::1) are allowed. Refused in
     * production unless KANSO_TEST_STACK is set too (the E2E stack runs a production build).
     */
    WEBHOOK_ALLOW_LOOPBACK: bool.default(false),
    /** Marks a throw-away test stack (E2E) running a production build: allows its test-only switches. Never in a deployment. */
    KANSO_TEST_STACK: bool.default(false),
    /** A notification still unread this long after it was made goes into the recipient's email digest (COLLAB-7). */
    NOTIFICATION_DIGEST_DELAY_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(3600),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SENTRY_DSN: optionalUrl,
    NEXT_PUBLIC_SENTRY_DSN: optionalUrl,
    SENTRY_ENVIRONMENT: z.string().default('development'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      if (env.DEV_MAILBOX) {
        ctx.addIssue({ code: 'custom', path: ['DEV_MAILBOX'], message: 'is a dev-only switch and must not be set in production' });
      }
      if (env.WEBHOOK_ALLOW_LOOPBACK && !env.KANSO_TEST_STACK) {
        ctx.addIssue({ code: 'custom', path: ['WEBHOOK_ALLOW_LOOPBACK'], message: 'is a dev/test-only switch and must not be set in production' });
      }
      if (!env.SMTP_URL) {
        ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'is required in production (no mail transport otherwise)' });
      }
      if (env.MAIL_SANDBOX && !env.MAIL_SANDBOX_TO) {
        ctx.addIssue({ code: 'custom', path: ['MAIL_SANDBOX'], message: 'needs MAIL_SANDBOX_TO in production (the dev mailbox is refused there)' });
      }
    }
    if (env.RATE_LIMIT_STORE === 'redis' && !env.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['RATE_LIMIT_STORE'], message: 'is redis but REDIS_URL is not set' });
    }
    const pairs: Array<[keyof typeof env, keyof typeof env]> = [
      ['AUTH_GITHUB_ID', 'AUTH_GITHUB_SECRET'],
      ['AUTH_GOOGLE_ID', 'AUTH_GOOGLE_SECRET'],
      ['AUTH_OIDC_ID', 'AUTH_OIDC_SECRET'],
      ['AUTH_OIDC_ISSUER', 'AUTH_OIDC_ID'],
    ];
    for (const [a, b] of pairs) {
      if (Boolean(env[a]) !== Boolean(env[b])) {
        ctx.addIssue({ code: 'custom', path: [env[a] ? b : a], message: `must be set together with ${env[a] ? a : b}` });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parses an environment object; throws an EnvError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" (a blank line in .env must not count as a value).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`));
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment of this process, parsed once on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests that change process.env call this to re-read it. */
export function resetEnvCache(): void {
  cached = undefined;
}
