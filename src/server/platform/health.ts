/** Readiness (OBS-5): the database answers and every migration in drizzle/ is applied. */
import { pendingMigrations } from '@/server/db/migrate';
import { db } from '@/server/db/client';

export interface ReadinessReport {
  ready: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; pending: string[] };
  };
}

export async function checkReadiness(): Promise<ReadinessReport> {
  const sql = db().$client;
  try {
    await sql`SELECT 1`;
  } catch (error) {
    return {
      ready: false,
      checks: {
        database: { ok: false, error: error instanceof Error ? error.message : 'unreachable' },
        migrations: { ok: false, pending: [] },
      },
    };
  }
  const pending = await pendingMigrations(sql);
  return {
    ready: pending.length === 0,
    checks: { database: { ok: true }, migrations: { ok: pending.length === 0, pending } },
  };
}
