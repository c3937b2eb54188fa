/**
 * Vitest setup file (runs in the worker before each test file is imported).
 *
 * Every test file gets its own database `t_<random>`, cloned from the migrated `kanso_template`
 * (~40 ms), so files run in parallel without seeing each other's rows. Before the test file loads,
 * DATABASE_URL points at it as the app role (kanso_app: no ownership, no BYPASSRLS) and
 * DATABASE_ADMIN_URL as the owner; `db()` and `env()` pick those up. After the file, the pools are
 * closed and the database is dropped.
 */
import { afterAll, expect } from 'vitest';
import { createFileDatabase, dropFileDatabase } from './support/db';

const testPath = expect.getState().testPath;
await createFileDatabase(testPath ? `vitest: ${testPath}` : undefined);

afterAll(async () => {
  await dropFileDatabase();
});
