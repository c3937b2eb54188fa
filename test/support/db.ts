/**
 * The database of the current test file (created by test/setup-db.ts from `kanso_template`).
 *
 *   testDb()      the app's own pool (`db()`), connected as kanso_app — what production code sees
 *   adminSql()    postgres.js as kanso_owner (owns the tables, so RLS does not apply to it) for
 *                 arranging and asserting what the app role may not see or do
 *   superSql()    the cluster superuser on this file's database: bypasses RLS, for assertions only
 *   resetTables() empties every table of `public` (one TRUNCATE), for files whose tests need a
 *                 clean slate between them
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { closeDb, db, type Database } from '@/server/db/client';
import { resetEnvCache } from '@/server/platform/env';
import { TEMPLATE_DB, type TestCluster } from './cluster';

interface FileDatabase {
  name: string;
  appUrl: string;
  ownerUrl: string;
}

let current: FileDatabase | undefined;
let admin: postgres.Sql | undefined;

export function cluster(): TestCluster {
  const provided = inject('kansoCluster');
  if (!provided) throw new Error('no test cluster: run tests through vitest.config.ts (test/global-setup.ts)');
  return provided;
}

function fileDatabase(): FileDatabase {
  if (!current) throw new Error('no per-file test database: is test/setup-db.ts in setupFiles?');
  return current;
}

/** Name, app-role URL and owner URL of this file's database. */
export function testDatabase(): Readonly<FileDatabase> {
  return fileDatabase();
}

/** This file's Database (the process-wide `db()` pool, as the app role). */
export function testDb(): Database {
  fileDatabase();
  return db();
}

/** A postgres.js client as the owner role on this file's database (closed after the file). */
export function adminSql(): postgres.Sql {
  admin ??= postgres(fileDatabase().ownerUrl, { max: 2, onnotice: () => {} });
  return admin;
}

let superuser: postgres.Sql | undefined;

/**
 * postgres.js as the cluster superuser on this file's database. The superuser bypasses row-level
 * security: use it only to arrange or assert what no tenant-scoped query can see.
 */
export function superSql(): postgres.Sql {
  superuser ??= postgres(superuserUrl(), { max: 2, onnotice: () => {} });
  return superuser;
}

/** The superuser URL of this file's database (bypasses row-level security). */
export function superuserUrl(): string {
  const url = new URL(cluster().superuserUrl);
  url.pathname = `/${fileDatabase().name}`;
  return url.toString();
}

/** Empties every table in `public` (not the migration journal). */
export async function resetTables(): Promise<void> {
  const sql = adminSql();
  const tables = await sql<{ name: string }[]>`
    SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'`;
  if (tables.length === 0) return;
  await sql.unsafe(`TRUNCATE ${tables.map((t) => `public.${t.name}`).join(', ')} RESTART IDENTITY CASCADE`);
  // The job queue's jobs too (its tasks and queues are looked up by name and may stay).
  await sql.unsafe('DELETE FROM graphile_worker._private_jobs');
}

/** A short-lived superuser connection to the `postgres` database. */
async function withSuperuser<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(cluster().superuserUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

/**
 * Clones the template into `t_<random>` and points DATABASE_URL (app role) and
 * DATABASE_ADMIN_URL (owner) at it. Called by test/setup-db.ts before the test file is imported.
 */
export async function createFileDatabase(label?: string): Promise<FileDatabase> {
  const { ownerBaseUrl, appBaseUrl } = cluster();
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withSuperuser(async (sql) => {
    await sql.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}" OWNER kanso_owner`);
    if (label) await sql.unsafe(`COMMENT ON DATABASE "${name}" IS ${quoteLiteral(label)}`);
  });
  current = { name, appUrl: `${appBaseUrl}${name}`, ownerUrl: `${ownerBaseUrl}${name}` };
  process.env.DATABASE_URL = current.appUrl;
  process.env.DATABASE_ADMIN_URL = current.ownerUrl;
  resetEnvCache();
  return current;
}

/** Closes every pool on this file's database and drops it. */
export async function dropFileDatabase(): Promise<void> {
  const database = current;
  if (!database) return;
  current = undefined;
  await closeDb();
  await admin?.end({ timeout: 5 });
  admin = undefined;
  await superuser?.end({ timeout: 5 });
  superuser = undefined;
  // FORCE: a connection a test leaked (its own postgres() client) must not keep the database alive.
  await withSuperuser((sql) => sql.unsafe(`DROP DATABASE IF EXISTS "${database.name}" WITH (FORCE)`));
  if (process.env.DATABASE_URL === database.appUrl) {
    delete process.env.DATABASE_URL;
    delete process.env.DATABASE_ADMIN_URL;
  }
  resetEnvCache();
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
