/**
 * Applying and inspecting migrations (FND-5). Used by the launcher, `npm run db:migrate`,
 * the test harness and the readiness probe.
 */
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { Logger, runMigrations } from 'graphile-worker';
import postgres from 'postgres';
import journal from '../../../drizzle/meta/_journal.json';

/** drizzle/ of the checkout; every entry point (launcher, scripts, tests, next) runs from the repo root. */
export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), 'drizzle');

/**
 * Applies pending migrations as the owner role, then grants the app role row-level privileges
 * (and nothing else) on every table.
 */
export async function migrateDatabase(adminUrl: string, appUrl: string): Promise<void> {
  const client = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    // Several at once (a deploy's migrate step next to a launcher, two hosts) take turns: drizzle's
    // migrator does not lock, and two runs would both apply the same migration. One connection
    // (max: 1), so the session lock covers the migrator's transaction.
    await client`SELECT pg_advisory_lock(hashtext('kanso:migrate'))`;
    // The job queue's schema first (ADR 0029): drizzle's migrations reference graphile_worker.
    await migrateJobQueue(adminUrl);
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    const appRole = decodeURIComponent(new URL(appUrl).username);
    const [{ current } = { current: '' }] = await client<{ current: string }[]>`SELECT current_user AS current`;
    if (appRole && appRole !== current) await grantAppRole(client, appRole);
  } finally {
    await client.end();
  }
}

/** graphile-worker's own migrations of its `graphile_worker` schema (idempotent; quiet). */
async function migrateJobQueue(adminUrl: string): Promise<void> {
  const quiet = new Logger(() => (level: string, message: string) => {
    if (level === 'error') console.error(`[graphile-worker] ${message}`);
  });
  await runMigrations({ connectionString: adminUrl, maxPoolSize: 1, logger: quiet });
}

/** Tables the app may only read and append to (SEC-4, the COLLAB-3 outbox): no UPDATE, DELETE or TRUNCATE. */
export const APPEND_ONLY_TABLES = ['audit_log', 'outbox_events'] as const;

async function grantAppRole(sql: postgres.Sql, role: string): Promise<void> {
  const r = `"${role.replaceAll('"', '""')}"`;
  await sql.unsafe(`
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    GRANT USAGE ON SCHEMA public TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r};
    GRANT USAGE ON SCHEMA drizzle TO ${r};
    GRANT SELECT ON drizzle.__drizzle_migrations TO ${r};
    GRANT USAGE ON SCHEMA graphile_worker TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO ${r};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA graphile_worker TO ${r};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO ${r};
    -- graphile-worker turns row-level security on for its private tables (no policy: only their
    -- owner may touch them); the app role enqueues and works jobs, so it gets a policy of its own.
    DO $$
    DECLARE t record;
    BEGIN
      FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'graphile_worker' AND c.relkind = 'r' AND c.relrowsecurity LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = 'graphile_worker' AND tablename = t.relname AND policyname = 'kanso_app') THEN
          EXECUTE format('CREATE POLICY kanso_app ON graphile_worker.%I FOR ALL TO ${r} USING (true) WITH CHECK (true)', t.relname);
        END IF;
      END LOOP;
    END $$;
    ${APPEND_ONLY_TABLES.map((t) => `REVOKE UPDATE, DELETE, TRUNCATE ON ${t} FROM ${r};`).join('\n    ')}
  `);
}

/** Tags of migrations in drizzle/ that the database has not applied yet (oldest first). */
export async function pendingMigrations(sql: postgres.Sql): Promise<string[]> {
  let applied = 0;
  try {
    const [row] = await sql<{ last: string | null }[]>`SELECT max(created_at)::text AS last FROM drizzle.__drizzle_migrations`;
    applied = Number(row?.last ?? 0);
  } catch (error) {
    // No migrations table (42P01) or schema (3F000) yet: everything is pending. Anything else is real.
    const code = (error as { code?: string }).code;
    if (code !== '42P01' && code !== '3F000') throw error;
    applied = 0;
  }
  return journal.entries.filter((e) => e.when > applied).map((e) => e.tag);
}
