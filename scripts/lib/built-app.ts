/**
 * The production build started for a measurement (check:bundle, bench:lighthouse): `npm start` on a
 * fresh embedded PostgreSQL in its own data dir and ports (through e2e/support/app-server.ts, which
 * stops leftovers of a crashed run and empties the data dir first), the demo data seeded
 * (`db:seed`), and the demo user signed in through the sign-in page in headless Chromium.
 * Loopback only; stop() ends what start() began (SIGTERM to the launcher's process group).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags these machines need (../STACK-NOTES: headless Chromium as root, no network extras). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
/** The demo account of src/server/db/seed.ts (DEMO_USER, DEMO_WORKSPACE), created by `db:seed`. */
export const DEMO = { email: 'demo@kanso.localhost', password: 'kanso-demo-2026', workspace: 'acme' };

export type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export interface BuiltAppOptions {
  port: number;
  realtimePort: number;
  pgPort: number;
  /** A folder directly under .data/ (it is deleted first). */
  dataDir: string;
  /** Where the app's own output goes (default: this process's stdout/stderr). */
  stdio?: 'inherit' | 'ignore';
}

export interface BuiltApp {
  url: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export function hasBuild(): boolean {
  return existsSync('.next/BUILD_ID');
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, stdio: 'inherit' | 'ignore'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', stdio, 'inherit'], env });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function stopGroup(app: ChildProcess): Promise<void> {
  if (app.exitCode !== null || app.signalCode !== null || app.pid === undefined) return;
  const exited = new Promise<void>((resolve) => app.once('exit', () => resolve()));
  // The launcher stops Next and the sidecar, then PostgreSQL; a SIGKILL would orphan PostgreSQL.
  process.kill(-app.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (app.pid !== undefined && app.exitCode === null) process.kill(-app.pid, 'SIGKILL');
  }, 30_000);
  await exited;
  clearTimeout(timer);
}

/** Starts the build, waits until it is ready and seeds the demo data. */
export async function startBuiltApp(options: BuiltAppOptions): Promise<BuiltApp> {
  const url = `http://localhost:${options.port}`;
  const stdio = options.stdio ?? 'inherit';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(options.port),
    APP_URL: url,
    AUTH_TRUST_HOST: 'true',
    AUTH_SECRET: `measurement-only-${randomBytes(24).toString('base64url')}`,
    // Production refuses to start without SMTP; nothing is mailed during a measurement.
    SMTP_URL: 'smtp://127.0.0.1:2569',
    MAIL_FROM: 'Kanso <no-reply@kanso.test>',
    KANSO_DATA_DIR: options.dataDir,
    DATABASE_URL: '',
    DATABASE_ADMIN_URL: '',
    EMBEDDED_PG_PORT: String(options.pgPort),
    REALTIME_PORT: String(options.realtimePort),
    WORKER_PORT: String(options.realtimePort + 100),
    KANSO_HOST: '127.0.0.1',
    DEV_MAILBOX: 'false',
    LOG_LEVEL: 'warn',
  };
  // Its own process group, so stopping it reaches the launcher's children.
  const app = spawn('node', ['--import', 'tsx', 'e2e/support/app-server.ts'], { stdio: ['ignore', stdio, 'inherit'], env, detached: true });
  const stop = () => stopGroup(app);
  try {
    const until = Date.now() + 180_000;
    for (;;) {
      if (app.exitCode !== null) throw new Error(`the app exited with code ${app.exitCode} before it was ready`);
      const ready = await fetch(`http://127.0.0.1:${options.port}/api/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > until) throw new Error(`the app did not become ready on port ${options.port} within 180 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await run('node', ['--import', 'tsx', 'scripts/db.ts', 'seed'], env, stdio);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, env, stop };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Signs the demo user in through the sign-in page; its cookies and the path of the demo board. */
export async function signInDemo(browser: Browser, baseURL: string): Promise<{ state: StorageState; projectPath: string }> {
  const context = await browser.newContext({ baseURL, serviceWorkers: 'block', locale: 'en-US' });
  const page = await context.newPage();
  try {
    await page.goto('/en/sign-in', { waitUntil: 'networkidle' });
    const form = page.getByTestId('sign-in-form');
    // Acting before hydration would submit the bare HTML form.
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="sign-in-form"]');
      return Boolean(el && Object.keys(el).some((key) => key.startsWith('__reactProps$')));
    });
    await form.locator('input#email').fill(DEMO.email);
    await form.locator('input#password').fill(DEMO.password);
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/en\/w\/[^/?#]+/, { timeout: 30_000 });
    await page.goto(`/en/w/${DEMO.workspace}`, { waitUntil: 'networkidle' });
    const projectId = await page.locator('[data-testid="project-card"]').first().getAttribute('data-project-id', { timeout: 15_000 });
    if (!projectId) throw new Error('the demo workspace shows no project card');
    return { state: await context.storageState(), projectPath: `/en/w/${DEMO.workspace}/p/${projectId}` };
  } finally {
    await context.close();
  }
}
