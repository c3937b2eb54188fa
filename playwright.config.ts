/**
 * End-to-end tests (Playwright, Chromium from Debian at /usr/bin/chromium).
 *
 *   npm run build && npm run test:e2e
 *
 * Playwright starts three loopback servers first (see e2e/support/stack.ts for ports and env):
 *   - mail sink    SMTP 127.0.0.1:2525, messages at http://127.0.0.1:2580/messages?to=…
 *   - OIDC issuer  http://127.0.0.1:9400 (oauth2-mock-server)
 *   - the app      `npm start` on http://localhost:3200 with a fresh embedded PostgreSQL in
 *                  .data/e2e (port 54339), production mode, SMTP and OIDC pointed at the two above
 * Locally an app already listening on 3200 is reused (CI always starts its own). This config never
 * builds: the app must have been built with `npm run build` (.ci/run does it).
 */
import { defineConfig, devices } from '@playwright/test';
import { APP_ENV, APP_URL, MAIL_API_URL, OIDC_ISSUER } from './e2e/support/stack';

const CI = Boolean(process.env.CI);

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  // Two cores: the app, PostgreSQL and the browser share them.
  workers: CI ? 1 : 2,
  fullyParallel: false,
  forbidOnly: true,
  retries: CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  use: {
    baseURL: APP_URL,
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
  ],
  webServer: [
    {
      name: 'mail',
      command: 'node --import tsx e2e/support/mail-sink.ts',
      url: `${MAIL_API_URL}/health`,
      reuseExistingServer: !CI,
      timeout: 30_000,
      stdout: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    },
    {
      name: 'oidc',
      command: 'node --import tsx e2e/support/oidc-server.ts',
      url: `${OIDC_ISSUER}/.well-known/openid-configuration`,
      reuseExistingServer: !CI,
      timeout: 30_000,
      stdout: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    },
    {
      name: 'app',
      command: 'node --import tsx e2e/support/app-server.ts',
      url: `${APP_URL}/api/health/ready`,
      env: APP_ENV,
      reuseExistingServer: !CI,
      timeout: 180_000,
      stdout: 'pipe',
      // The launcher stops Next, then PostgreSQL; a SIGKILL would orphan PostgreSQL.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    },
  ],
});
