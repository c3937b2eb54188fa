/**
 * The environment of a production stack started by a harness (the chaos suite, the benches):
 * the launcher (`scripts/launch.ts start`) on loopback ports of its own, embedded PostgreSQL in its
 * own data directory, no mail sent, logs at warn.
 */
export interface StackEnvOptions {
  dataDir: string;
  port: number;
  realtimePort: number;
  pgPort: number;
  /** The job worker's health port (default realtimePort + 100). */
  workerPort?: number;
  /** A fixed, harness-only secret (≥ 32 characters). */
  authSecret: string;
  /** Who the harness is, in MAIL_FROM (no mail is sent). */
  label: string;
  /** The origin clients use (default http://localhost:<port>). */
  appUrl?: string;
  /**
   * RATE_LIMIT_SCALE (default 1000): a harness drives a machine's worth of load through a few users
   * from one address. The limiter still runs every check (its cost is part of what benches measure),
   * its allowances are just out of reach.
   */
  rateLimitScale?: number;
}

export function stackEnv(options: StackEnvOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(options.port),
    KANSO_HOST: '127.0.0.1',
    APP_URL: options.appUrl ?? `http://localhost:${options.port}`,
    AUTH_TRUST_HOST: 'true',
    AUTH_SECRET: options.authSecret,
    // Nothing listens there; the harnesses send no mail.
    SMTP_URL: 'smtp://127.0.0.1:25999',
    MAIL_FROM: `Kanso ${options.label} <no-reply@kanso.test>`,
    KANSO_DATA_DIR: options.dataDir,
    // Empty: the launcher starts its embedded PostgreSQL instead of using a DATABASE_URL from the shell.
    DATABASE_URL: '',
    DATABASE_ADMIN_URL: '',
    EMBEDDED_PG_PORT: String(options.pgPort),
    REALTIME_PORT: String(options.realtimePort),
    REALTIME_HOST: '127.0.0.1',
    WORKER_PORT: String(options.workerPort ?? options.realtimePort + 100),
    WORKER_HOST: '127.0.0.1',
    NEXT_PUBLIC_REALTIME_URL: `ws://127.0.0.1:${options.realtimePort}`,
    DEV_MAILBOX: 'false',
    LOG_LEVEL: 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
    RATE_LIMIT_SCALE: String(options.rateLimitScale ?? 1000),
  };
}
