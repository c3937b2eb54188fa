/** Shutdown settings shared by the web server and the launcher (REL-1). */

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/** KANSO_SHUTDOWN_GRACE_MS: how long the web server lets requests in flight finish on SIGTERM. */
export function shutdownGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KANSO_SHUTDOWN_GRACE_MS;
  if (raw === undefined || raw === '') return DEFAULT_SHUTDOWN_GRACE_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) {
    throw new Error(`KANSO_SHUTDOWN_GRACE_MS must be a whole number of milliseconds between 0 and 600000 (got "${raw}")`);
  }
  return ms;
}
