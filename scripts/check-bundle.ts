/**
 * First-load JS per route, measured from the production build (PERF-3): `npm run check:bundle`.
 *
 *   npm run build && npm run check:bundle [-- --verbose] [--json=path]
 *
 * Starts the built app the way the E2E suite does (e2e/support/app-server.ts: `npm start` on a fresh
 * embedded PostgreSQL in .data/check-bundle, ports below), seeds the demo data (`db:seed`: the demo
 * user, the "Acme" workspace and its board), signs in through the sign-in page, and loads each route
 * in a fresh headless Chromium context (cold cache, service workers blocked). Every JavaScript
 * response until the network is idle — the HTML's scripts and the chunks fetched while hydrating —
 * is counted once; its bytes are gzipped here (level 9) so the figure does not depend on the
 * server's compression. KiB = 1024 bytes. Prints a table and exits 1 when a route is over its
 * budget (or cannot be measured). Inline scripts (the RSC payload in the HTML) are not JS files and
 * are not counted.
 *
 * The budget is the route's own first load: each route is loaded a second time with the router's
 * prefetches of OTHER routes (the `next-router-prefetch` requests a visible <Link> makes once the
 * page is idle, and the chunks their payloads name) refused, and that figure is the one compared.
 * The first figure, prefetches included, is printed beside it ("+prefetch").
 *
 * Ports (override with env): app CHECK_BUNDLE_PORT=3600, sidecar CHECK_BUNDLE_REALTIME_PORT=3601,
 * PostgreSQL CHECK_BUNDLE_PG_PORT=54355. Loopback only; the app is stopped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';

/** Budgets in KiB of gzipped JS (SPEC PERF-3); routes without one are reported only. */
export const BUDGETS_KIB: Record<string, number> = { landing: 150, board: 250 };

const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const APP_PORT = port('CHECK_BUNDLE_PORT', 3600);
const REALTIME_PORT = port('CHECK_BUNDLE_REALTIME_PORT', 3601);
const PG_PORT = port('CHECK_BUNDLE_PG_PORT', 54355);
const DATA_DIR = '.data/check-bundle';
const APP_URL = `http://localhost:${APP_PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
/** The demo account of src/server/db/seed.ts (DEMO_USER), created by `db:seed`. */
const DEMO = { email: 'demo@kanso.localhost', password: 'kanso-demo-2026', workspace: 'acme' };

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const jsonOut = args.find((a) => a.startsWith('--json='))?.slice('--json='.length);

const log = (line: string) => console.log(`[check-bundle] ${line}`);

const APP_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  PORT: String(APP_PORT),
  APP_URL,
  AUTH_TRUST_HOST: 'true',
  AUTH_SECRET: `check-bundle-only-${randomBytes(24).toString('base64url')}`,
  // Production refuses to start without SMTP; nothing is mailed here.
  SMTP_URL: 'smtp://127.0.0.1:2569',
  MAIL_FROM: 'Kanso <no-reply@kanso.test>',
  KANSO_DATA_DIR: DATA_DIR,
  DATABASE_URL: '',
  DATABASE_ADMIN_URL: '',
  EMBEDDED_PG_PORT: String(PG_PORT),
  REALTIME_PORT: String(REALTIME_PORT),
  KANSO_HOST: '127.0.0.1',
  DEV_MAILBOX: 'false',
  LOG_LEVEL: 'warn',
};

export interface ScriptFile {
  url: string;
  bytes: number;
  gzip: number;
}

export interface RouteResult {
  name: string;
  path: string;
  /** The route's own first-load JS (other routes' prefetches refused): what the budget is about. */
  files: ScriptFile[];
  bytes: number;
  gzip: number;
  /** Everything fetched until idle with the router's prefetches allowed (gzip bytes). */
  withPrefetchGzip: number;
  withPrefetchFiles: number;
  budgetKiB?: number;
  error?: string;
}

interface Load {
  files: ScriptFile[];
}

/** A request the App Router makes to prefetch another route (its RSC payload). */
function isRouterPrefetch(headers: Record<string, string>): boolean {
  return headers['next-router-prefetch'] !== undefined || headers['next-router-segment-prefetch'] !== undefined;
}

const kib = (bytes: number) => bytes / 1024;

async function waitForReady(app: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (app.exitCode !== null) throw new Error(`the app exited with code ${app.exitCode} before it was ready`);
    try {
      const response = await fetch(`http://127.0.0.1:${APP_PORT}/api/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the app did not become ready on port ${APP_PORT} within ${timeoutMs / 1000} s`);
}

function run(command: string, commandArgs: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'inherit', 'inherit'], env });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${commandArgs.join(' ')} exited with ${code}`))));
  });
}

async function stopApp(app: ChildProcess): Promise<void> {
  if (app.exitCode !== null || app.pid === undefined) return;
  const exited = new Promise<void>((resolve) => app.once('exit', () => resolve()));
  // The launcher stops Next and the sidecar, then PostgreSQL; a SIGKILL would orphan PostgreSQL.
  process.kill(-app.pid, 'SIGTERM');
  const timer = setTimeout(() => app.pid !== undefined && app.exitCode === null && process.kill(-app.pid, 'SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Loads `path` in a fresh context and lists the JS it fetched until the network was idle. */
async function load(browser: Browser, path: string, storageState: StorageState | undefined, prefetch: boolean): Promise<Load> {
  const context = await browser.newContext({ baseURL: APP_URL, serviceWorkers: 'block', storageState, locale: 'en-US' });
  if (!prefetch) await context.route('**/*', (route) => (isRouterPrefetch(route.request().headers()) ? route.abort('aborted') : route.fallback()));
  const page = await context.newPage();
  const pending: Promise<void>[] = [];
  const files = new Map<string, ScriptFile>();
  page.on('response', (response) => {
    const request = response.request();
    const type = response.headers()['content-type'] ?? '';
    if (request.resourceType() !== 'script' && !type.includes('javascript')) return;
    if (response.status() !== 200 || files.has(response.url())) return;
    const url = response.url();
    files.set(url, { url, bytes: 0, gzip: 0 });
    pending.push(
      response.body().then(
        (body) => void files.set(url, { url, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length }),
        () => void files.delete(url),
      ),
    );
  });
  try {
    const response = await page.goto(path, { waitUntil: 'networkidle', timeout: 60_000 });
    if (!response || response.status() >= 400) throw new Error(`${path} answered ${response?.status() ?? 'nothing'}`);
    const landed = new URL(page.url()).pathname;
    if (landed !== new URL(path, APP_URL).pathname) throw new Error(`${path} ended on ${landed}`);
    // Chunks requested by effects after hydration (lazy components shown at once) come a little later.
    await page.waitForTimeout(1_000);
    await page.waitForLoadState('networkidle');
    await Promise.all(pending);
    return { files: [...files.values()].sort((a, b) => b.gzip - a.gzip) };
  } finally {
    await context.close();
  }
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** The route's own first-load JS (prefetches of other routes refused) and, for comparison, with them. */
export async function measure(browser: Browser, name: string, path: string, storageState?: StorageState): Promise<RouteResult> {
  try {
    const own = await load(browser, path, storageState, false);
    const all = await load(browser, path, storageState, true);
    return {
      name,
      path,
      files: own.files,
      bytes: own.files.reduce((n, f) => n + f.bytes, 0),
      gzip: own.files.reduce((n, f) => n + f.gzip, 0),
      withPrefetchGzip: all.files.reduce((n, f) => n + f.gzip, 0),
      withPrefetchFiles: all.files.length,
      budgetKiB: BUDGETS_KIB[name],
    };
  } catch (error) {
    return { name, path, files: [], bytes: 0, gzip: 0, withPrefetchGzip: 0, withPrefetchFiles: 0, budgetKiB: BUDGETS_KIB[name], error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

async function signIn(browser: Browser): Promise<{ state: StorageState; projectPath: string }> {
  const context = await browser.newContext({ baseURL: APP_URL, serviceWorkers: 'block', locale: 'en-US' });
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
    const card = page.locator('[data-testid="project-card"]').first();
    const projectId = await card.getAttribute('data-project-id', { timeout: 15_000 });
    if (!projectId) throw new Error('the demo workspace shows no project card');
    return { state: await context.storageState(), projectPath: `/en/w/${DEMO.workspace}/p/${projectId}` };
  } finally {
    await context.close();
  }
}

function printTable(results: RouteResult[]): void {
  const header = ['route', 'path', 'files', 'raw KiB', 'gzip KiB', 'budget', '+prefetch', 'result'];
  const rows = results.map((r) => {
    const status = r.error ? `ERROR: ${r.error}` : r.budgetKiB === undefined ? '(no budget)' : kib(r.gzip) <= r.budgetKiB ? 'ok' : 'OVER BUDGET';
    if (r.error) return [r.name, r.path, '-', '-', '-', r.budgetKiB === undefined ? '-' : String(r.budgetKiB), '-', status];
    const prefetch = `${kib(r.withPrefetchGzip).toFixed(1)} (${r.withPrefetchFiles})`;
    return [r.name, r.path, String(r.files.length), kib(r.bytes).toFixed(1), kib(r.gzip).toFixed(1), r.budgetKiB === undefined ? '-' : String(r.budgetKiB), prefetch, status];
  });
  const last = header.length - 1;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (i === last ? 0 : (row[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === last ? c : i >= 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  console.log();
  console.log(line(header));
  console.log(line(widths.map((w, i) => (i === last ? '------' : '-'.repeat(w)))));
  for (const row of rows) console.log(line(row));
  console.log("gzip KiB: the route's own first-load JS (gzip -9, KiB = 1024 B), compared with the budget;");
  console.log("+prefetch: gzip KiB (files) with the router's idle-time prefetches of linked routes allowed.");
  console.log();
}

function printFiles(result: RouteResult, limit: number): void {
  console.log(`${result.name} (${result.path}): ${result.files.length} JS files, largest first (gzip KiB / raw KiB)`);
  for (const file of result.files.slice(0, limit)) {
    console.log(`  ${kib(file.gzip).toFixed(1).padStart(7)}  ${kib(file.bytes).toFixed(1).padStart(7)}  ${new URL(file.url).pathname}`);
  }
  if (result.files.length > limit) console.log(`  … ${result.files.length - limit} more`);
}

async function main(): Promise<number> {
  if (!existsSync('.next/BUILD_ID')) {
    console.error('[check-bundle] no production build (.next/BUILD_ID): run `npm run build` first');
    return 1;
  }
  const env = { ...process.env, ...APP_ENV };
  log(`starting the production build on ${APP_URL} (PostgreSQL ${PG_PORT}, sidecar ${REALTIME_PORT}, data in ${DATA_DIR}/)`);
  // Its own process group, so stopping it reaches the launcher's children.
  const app = spawn('node', ['--import', 'tsx', 'e2e/support/app-server.ts'], { stdio: ['ignore', 'inherit', 'inherit'], env, detached: true });
  let browser: Browser | undefined;
  const stop = () => void stopApp(app).finally(() => process.exit(1));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await waitForReady(app, 180_000);
    await run('node', ['--import', 'tsx', 'scripts/db.ts', 'seed'], env);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const results: RouteResult[] = [];
    results.push(await measure(browser, 'landing', '/en'));
    results.push(await measure(browser, 'sign-in', '/en/sign-in'));
    const { state, projectPath } = await signIn(browser);
    results.push(await measure(browser, 'workspace', `/en/w/${DEMO.workspace}`, state));
    results.push(await measure(browser, 'board', projectPath, state));
    results.push(await measure(browser, 'settings', `/en/w/${DEMO.workspace}/settings`, state));

    printTable(results);
    for (const result of results) {
      const over = result.budgetKiB !== undefined && kib(result.gzip) > result.budgetKiB;
      if (verbose || over) printFiles(result, verbose ? 100 : 8);
    }
    if (jsonOut) {
      writeFileSync(jsonOut, `${JSON.stringify({ measuredAt: new Date().toISOString(), budgetsKiB: BUDGETS_KIB, results }, null, 2)}\n`);
      log(`wrote ${jsonOut}`);
    }
    const failed = results.filter((r) => r.error || (r.budgetKiB !== undefined && kib(r.gzip) > r.budgetKiB));
    if (failed.length > 0) {
      console.error(`[check-bundle] FAILED: ${failed.map((r) => (r.error ? `${r.name} (not measured)` : `${r.name} ${kib(r.gzip).toFixed(1)} KiB > ${r.budgetKiB} KiB`)).join(', ')}`);
      return 1;
    }
    log('every route is within its budget');
    return 0;
  } finally {
    await browser?.close();
    await stopApp(app);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[check-bundle] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
