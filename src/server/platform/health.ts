/**
 * Probes (OBS-5). Readiness: the database answers and every migration in drizzle/ is applied —
 * decided within a deadline, whatever the database does (a probe that hangs is worse than one that
 * says no). The report names causes (`unreachable`, `timeout`, `auth`, …) and pending migrations, but
 * never a host, port or driver message: those are logged server-side with the request id.
 */
import { databaseErrorCode, databaseFailure, type DatabaseFailure } from '@/server/db/errors';
import { pendingMigrations } from '@/server/db/migrate';
import { db, type Database } from '@/server/db/client';
import { logger, type Logger } from './logger';

/** What readiness may say about the database: a failure kind, `timeout` for the deadline, `error` for anything else. */
export type DatabaseCause = DatabaseFailure | 'error';

export interface ReadinessReport {
  ready: boolean;
  checks: {
    database: { ok: true } | { ok: false; cause: DatabaseCause };
    /** `checked: false` when the database could not be asked (then `pending` is unknown, not empty). */
    migrations: { ok: boolean; checked: boolean; pending: string[] };
  };
  /** How long the checks took (ms). */
  ms: number;
}

/** Readiness always answers within this (ms); a probe's own timeout is typically 1 s. */
export const READINESS_DEADLINE_MS = 800;

const TIMED_OUT = Symbol('timed out');

/** `promise`'s value, or TIMED_OUT once `ms` have passed (the promise keeps running; its failure is swallowed). */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  promise.catch(() => {});
  try {
    return await Promise.race([promise, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(resolve, ms, TIMED_OUT)))]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ReadinessOptions {
  database?: Database;
  deadlineMs?: number;
  log?: Logger;
}

export async function checkReadiness({ database = db(), deadlineMs = READINESS_DEADLINE_MS, log = logger }: ReadinessOptions = {}): Promise<ReadinessReport> {
  const started = performance.now();
  const sql = database.$client;
  const elapsed = () => Math.round(performance.now() - started);
  // One round trip answers both: the journal query fails the same way SELECT 1 would.
  let outcome: string[] | typeof TIMED_OUT;
  try {
    outcome = await withDeadline(pendingMigrations(sql), deadlineMs);
  } catch (error) {
    const cause: DatabaseCause = databaseFailure(error) ?? 'error';
    // The driver's message (host, port) stays in the server log.
    log.warn({ check: 'database', cause, dbCode: databaseErrorCode(error), err: error, ms: elapsed() }, 'readiness: database not ready');
    return notReady(cause, elapsed());
  }
  if (outcome === TIMED_OUT) {
    log.warn({ check: 'database', cause: 'timeout', deadlineMs }, 'readiness: database did not answer in time');
    return notReady('timeout', elapsed());
  }
  const pending = outcome;
  if (pending.length > 0) log.warn({ check: 'migrations', pending }, 'readiness: migrations pending');
  return {
    ready: pending.length === 0,
    checks: { database: { ok: true }, migrations: { ok: pending.length === 0, checked: true, pending } },
    ms: elapsed(),
  };
}

function notReady(cause: DatabaseCause, ms: number): ReadinessReport {
  return { ready: false, checks: { database: { ok: false, cause }, migrations: { ok: false, checked: false, pending: [] } }, ms };
}

/** The JSON body and status both probes answer with. */
export function probeResponse(status: string, report: ReadinessReport, requestId: string): Response {
  const { database, migrations } = report.checks;
  const reason = !database.ok
    ? `database ${database.cause}`
    : migrations.pending.length > 0
      ? `pending migrations: ${migrations.pending.join(', ')}`
      : undefined;
  return Response.json(
    { status, reason, checks: report.checks, ms: report.ms, requestId },
    { status: report.ready ? 200 : 503, headers: { 'cache-control': 'no-store', ...(report.ready ? {} : { 'retry-after': '5' }) } },
  );
}

// Start-up (OBS-5): passes once this process has been ready once; a supervisor then switches to
// liveness and readiness. Kept per process (not per module graph) like the pool.
const globalForStartup = globalThis as unknown as { kansoStarted?: boolean };

export async function checkStartup(options: ReadinessOptions = {}): Promise<{ started: boolean; report?: ReadinessReport }> {
  if (globalForStartup.kansoStarted) return { started: true };
  const report = await checkReadiness(options);
  if (report.ready) globalForStartup.kansoStarted = true;
  return { started: report.ready, report };
}
