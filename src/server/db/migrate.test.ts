import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import journal from '../../../drizzle/meta/_journal.json';
import { APP_ROLE, OWNER_ROLE } from '../../../scripts/lib/embedded-postgres';
import { adminSql, cluster, testDatabase, testDb } from '../../../test/support/db';
import { migrateDatabase, pendingMigrations } from './migrate';

/** postgres.js as the app role on this file's database. */
const app = postgres(testDatabase().appUrl, { max: 1, onnotice: () => {} });
afterAll(() => app.end({ timeout: 5 }));

const newestTag = journal.entries.at(-1)?.tag;

describe('the app role', () => {
  it('is what db() (DATABASE_URL) connects as, on this file\'s own database', async () => {
    const [row] = await testDb().$client<{ user: string; db: string }[]>`SELECT current_user AS user, current_database() AS db`;
    expect(row).toEqual({ user: APP_ROLE, db: testDatabase().name });
    expect(process.env.DATABASE_ADMIN_URL).toBe(testDatabase().ownerUrl);
  });

  it('connects as kanso_app, neither superuser nor owner nor BYPASSRLS', async () => {
    const [me] = await app<{ user: string; rolsuper: boolean; rolbypassrls: boolean; rolcreatedb: boolean }[]>`
      SELECT current_user AS user, rolsuper, rolbypassrls, rolcreatedb FROM pg_roles WHERE rolname = current_user`;
    expect(me).toEqual({ user: APP_ROLE, rolsuper: false, rolbypassrls: false, rolcreatedb: false });
    const [owner] = await app<{ owner: string }[]>`SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'users'`;
    expect(owner?.owner).toBe(OWNER_ROLE);
  });

  it('cannot create a table', async () => {
    await expect(app`CREATE TABLE sneaky (id int)`).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('permission denied'),
    });
  });

  it('cannot drop, alter or truncate users', async () => {
    await expect(app`DROP TABLE users`).rejects.toMatchObject({ code: '42501', message: 'must be owner of table users' });
    await expect(app`ALTER TABLE users ADD COLUMN sneaky text`).rejects.toMatchObject({ code: '42501' });
    await expect(app`TRUNCATE users`).rejects.toMatchObject({ code: '42501' });
    const [still] = await adminSql()`SELECT to_regclass('public.users') AS t`;
    expect(still?.t).toBe('users');
  });

  it('cannot rewrite the migration journal', async () => {
    await expect(app`DELETE FROM drizzle.__drizzle_migrations`).rejects.toMatchObject({ code: '42501' });
  });

  it('can insert and select users', async () => {
    const email = `app-${randomBytes(4).toString('hex')}@example.com`;
    const [inserted] = await app<{ id: string }[]>`INSERT INTO users (email, name) VALUES (${email}, 'App') RETURNING id`;
    expect(inserted?.id).toMatch(/^[0-9a-f-]{36}$/);
    const rows = await app<{ email: string; name: string }[]>`SELECT email, name FROM users WHERE id = ${inserted!.id}`;
    expect(rows).toEqual([{ email, name: 'App' }]);
  });
});

describe('pendingMigrations', () => {
  it('is empty on a database cloned from the migrated template', async () => {
    expect(await pendingMigrations(app)).toEqual([]);
    expect(await pendingMigrations(adminSql())).toEqual([]);
  });

  it('lists the newest migration once its journal row is gone', async () => {
    expect(newestTag).toBeDefined();
    const owner = adminSql();
    const [removed] = await owner<{ hash: string; created_at: string }[]>`
      DELETE FROM drizzle.__drizzle_migrations
      WHERE id = (SELECT id FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1)
      RETURNING hash, created_at`;
    expect(removed).toBeDefined();
    try {
      expect(await pendingMigrations(app)).toEqual([newestTag]);
    } finally {
      await owner`INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (${removed!.hash}, ${removed!.created_at})`;
    }
    expect(await pendingMigrations(app)).toEqual([]);
  });

  it('lists every migration when the database has none applied', async () => {
    const name = `t_empty_${randomBytes(4).toString('hex')}`;
    const su = postgres(cluster().superuserUrl, { max: 1, onnotice: () => {} });
    try {
      await su.unsafe(`CREATE DATABASE "${name}" OWNER ${OWNER_ROLE}`);
      const empty = postgres(`${cluster().ownerBaseUrl}${name}`, { max: 1, onnotice: () => {} });
      try {
        expect(await pendingMigrations(empty)).toEqual(journal.entries.map((e) => e.tag));
      } finally {
        await empty.end();
      }
    } finally {
      await su.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await su.end();
    }
  });
});

/** An empty database owned by the owner role, its URLs and an app-role client; dropped afterwards. */
async function withEmptyDatabase(
  prefix: string,
  run: (db: { ownerUrl: string; appUrl: string; fresh: postgres.Sql }) => Promise<void>,
): Promise<void> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const su = postgres(cluster().superuserUrl, { max: 1, onnotice: () => {} });
  await su.unsafe(`CREATE DATABASE "${name}" OWNER ${OWNER_ROLE}`);
  const appUrl = `${cluster().appBaseUrl}${name}`;
  const fresh = postgres(appUrl, { max: 1, onnotice: () => {} });
  try {
    await run({ ownerUrl: `${cluster().ownerBaseUrl}${name}`, appUrl, fresh });
  } finally {
    await fresh.end();
    await su.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await su.end();
  }
}

describe('migrateDatabase', () => {
  it('migrates an empty database and grants the app role row access only', async () => {
    await withEmptyDatabase('t_fresh', async ({ ownerUrl, appUrl, fresh }) => {
      await migrateDatabase(ownerUrl, appUrl);
      expect(await pendingMigrations(fresh)).toEqual([]);
      await fresh`INSERT INTO users (email) VALUES ('fresh@example.com')`;
      expect(await fresh`SELECT email FROM users`).toEqual([{ email: 'fresh@example.com' }]);
      await expect(fresh`DROP TABLE users`).rejects.toMatchObject({ code: '42501' });

      // Idempotent: a second run applies nothing and keeps the data.
      await migrateDatabase(ownerUrl, appUrl);
      expect(await fresh`SELECT count(*)::int AS n FROM users`).toEqual([{ n: 1 }]);
    });
  });

  it('lets two runs at once take turns: each migration applied once, both succeed', async () => {
    await withEmptyDatabase('t_twice', async ({ ownerUrl, appUrl, fresh }) => {
      const results = await Promise.allSettled([migrateDatabase(ownerUrl, appUrl), migrateDatabase(ownerUrl, appUrl)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(await pendingMigrations(fresh)).toEqual([]);
      const [{ n } = { n: 0 }] = await fresh<{ n: number }[]>`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`;
      expect(n).toBe(journal.entries.length);
    });
  });
});
