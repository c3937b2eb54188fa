/**
 * Unit and integration tests (Vitest 4) against real PostgreSQL.
 *
 * test/global-setup.ts starts one embedded cluster per run and migrates a template database;
 * test/setup-db.ts gives every test file its own copy and points DATABASE_URL at it (app role).
 * Playwright specs (e2e/) are not run here.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${here('./src')}/` },
      { find: /^server-only$/, replacement: here('./test/support/server-only.ts') },
    ],
  },
  test: {
    environment: 'node',
    // next-intl's and next-auth's ESM import `next/server` (and `next/headers`) without an
    // extension; let Vite resolve them.
    server: { deps: { inline: ['next-intl', 'next-auth'] } },
    // Child processes rather than worker threads: postgres.js sockets, process.env and signals
    // behave as in the app, and a crashed file cannot take its neighbours down.
    pool: 'forks',
    // Two cores on these machines; each worker also drives its own database connections.
    maxWorkers: 2,
    include: [
      'src/**/*.test.ts',
      'src/**/*.test.tsx',
      'scripts/**/*.test.ts',
      'test/**/*.test.ts',
      // Deliberately failing files, run only by test/test-command.test.ts in a child process.
      ...(process.env.KANSO_TEST_FIXTURES ? ['test/fixtures/**/*.fixture-test.ts'] : []),
    ],
    // Suites that need an optional service (Redis) run with `npm run test:redis` (.ci/run does), not
    // in `npm test`, which must pass on a machine with only Node and npm.
    exclude: ['e2e/**', 'node_modules/**', '.data/**', '.next/**', ...(process.env.KANSO_TEST_REDIS ? [] : ['**/*-redis.test.ts'])],
    globalSetup: ['./test/global-setup.ts'],
    setupFiles: ['./test/setup-db.ts'],
    env: {
      NODE_ENV: 'test',
      AUTH_SECRET: 'test-secret-test-secret-test-secret-0123456789',
      APP_URL: 'http://localhost:3000',
      DEV_MAILBOX: 'true',
      LOG_LEVEL: 'silent',
    },
    testTimeout: 15_000,
    hookTimeout: 30_000,
    // Nothing may slip through unnoticed.
    allowOnly: false,
    passWithNoTests: false,
  },
});
