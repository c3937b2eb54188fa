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
 * The first figure, prefetches included, is printed beside it ("+prefetch"). Chunks a page fetches
 * on purpose once it is idle (src/lib/warm-up.ts: after its `kanso:warm-up` performance mark, e.g.
 * the board's task dialog, kept ready for offline use) are not first-load JS either; they are
 * listed in the "warm-up" column.
 *
 * Ports (override with env): app CHECK_BUNDLE_PORT=3600, sidecar CHECK_BUNDLE_REALTIME_PORT=3601,
 * PostgreSQL CHECK_BUNDLE_PG_PORT=54355. Loopback only; the app is stopped at the end.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Browser } from '@playwright/test';
import { DEMO, hasBuild, launchChromium, signInDemo, startBuiltApp, type StorageState } from './lib/built-app';
import { harnessPorts } from './lib/ports';

/** Budgets in KiB of gzipped JS (SPEC PERF-3); routes without one are reported only. */
export const BUDGETS_KIB: Record<string, number> = { landing: 150, board: 250 };

const log = (line: string) => console.log(`[check-bundle] ${line}`);

const { APP_PORT, REALTIME_PORT, PG_PORT } = await harnessPorts(
  {
    APP_PORT: ['CHECK_BUNDLE_PORT', 3600],
    REALTIME_PORT: ['CHECK_BUNDLE_REALTIME_PORT', 3601],
    PG_PORT: ['CHECK_BUNDLE_PG_PORT', 54355],
  },
  log,
);
const DATA_DIR = '.data/check-bundle';
const APP_URL = `http://localhost:${APP_PORT}`;

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const jsonOut = args.find((a) => a.startsWith('--json='))?.slice('--json='.length);

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
  /** Chunks fetched on purpose after the page was idle (warm-ups), not part of the first load. */
  warmUp: ScriptFile[];
  /** Everything fetched until idle with the router's prefetches allowed (gzip bytes). */
  withPrefetchGzip: number;
  withPrefetchFiles: number;
  budgetKiB?: number;
  error?: string;
}

interface Load {
  files: ScriptFile[];
  /** Fetched after the page's warm-up mark (src/lib/warm-up.ts). */
  warmUp: ScriptFile[];
}

/** The performance mark of src/lib/warm-up.ts. */
const WARM_UP_MARK = 'kanso:warm-up';

/** A request the App Router makes to prefetch another route (its RSC payload). */
function isRouterPrefetch(headers: Record<string, string>): boolean {
  return headers['next-router-prefetch'] !== undefined || headers['next-router-segment-prefetch'] !== undefined;
}

const kib = (bytes: number) => bytes / 1024;

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
    const late = new Set(
      await page.evaluate((mark) => {
        const at = performance.getEntriesByName(mark)[0]?.startTime;
        return at === undefined ? [] : performance.getEntriesByType('resource').filter((e) => e.startTime >= at).map((e) => e.name);
      }, WARM_UP_MARK),
    );
    const all = [...files.values()].sort((a, b) => b.gzip - a.gzip);
    return { files: all.filter((f) => !late.has(f.url)), warmUp: all.filter((f) => late.has(f.url)) };
  } finally {
    await context.close();
  }
}

/** The route's own first-load JS (prefetches of other routes refused) and, for comparison, with them. */
export async function measure(browser: Browser, name: string, path: string, storageState?: StorageState): Promise<RouteResult> {
  try {
    const own = await load(browser, path, storageState, false);
    const all = await load(browser, path, storageState, true);
    return {
      name,
      path,
      files: own.files,
      warmUp: own.warmUp,
      bytes: own.files.reduce((n, f) => n + f.bytes, 0),
      gzip: own.files.reduce((n, f) => n + f.gzip, 0),
      withPrefetchGzip: [...all.files, ...all.warmUp].reduce((n, f) => n + f.gzip, 0),
      withPrefetchFiles: all.files.length + all.warmUp.length,
      budgetKiB: BUDGETS_KIB[name],
    };
  } catch (error) {
    return { name, path, files: [], warmUp: [], bytes: 0, gzip: 0, withPrefetchGzip: 0, withPrefetchFiles: 0, budgetKiB: BUDGETS_KIB[name], error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

function printTable(results: RouteResult[]): void {
  const header = ['route', 'path', 'files', 'raw KiB', 'gzip KiB', 'budget', 'warm-up', '+prefetch', 'result'];
  const rows = results.map((r) => {
    const status = r.error ? `ERROR: ${r.error}` : r.budgetKiB === undefined ? '(no budget)' : kib(r.gzip) <= r.budgetKiB ? 'ok' : 'OVER BUDGET';
    if (r.error) return [r.name, r.path, '-', '-', '-', r.budgetKiB === undefined ? '-' : String(r.budgetKiB), '-', '-', status];
    const warm = r.warmUp.length ? `${kib(r.warmUp.reduce((n, f) => n + f.gzip, 0)).toFixed(1)} (${r.warmUp.length})` : '-';
    const prefetch = `${kib(r.withPrefetchGzip).toFixed(1)} (${r.withPrefetchFiles})`;
    return [r.name, r.path, String(r.files.length), kib(r.bytes).toFixed(1), kib(r.gzip).toFixed(1), r.budgetKiB === undefined ? '-' : String(r.budgetKiB), warm, prefetch, status];
  });
  const last = header.length - 1;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (i === last ? 0 : (row[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === last ? c : i >= 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
  console.log();
  console.log(line(header));
  console.log(line(widths.map((w, i) => (i === last ? '------' : '-'.repeat(w)))));
  for (const row of rows) console.log(line(row));
  console.log("gzip KiB: the route's own first-load JS (gzip -9, KiB = 1024 B), compared with the budget;");
  console.log('warm-up: gzip KiB (files) a page fetches on purpose once idle (src/lib/warm-up.ts), not first-load;');
  console.log("+prefetch: gzip KiB (files) of everything, the router's idle-time prefetches of linked routes included.");
  console.log();
}

function printFiles(result: RouteResult, limit: number): void {
  console.log(`${result.name} (${result.path}): ${result.files.length} JS files, largest first (gzip KiB / raw KiB)`);
  for (const file of result.files.slice(0, limit)) {
    console.log(`  ${kib(file.gzip).toFixed(1).padStart(7)}  ${kib(file.bytes).toFixed(1).padStart(7)}  ${new URL(file.url).pathname}`);
  }
  if (result.files.length > limit) console.log(`  … ${result.files.length - limit} more`);
  for (const file of result.warmUp) {
    console.log(`  ${kib(file.gzip).toFixed(1).padStart(7)}  ${kib(file.bytes).toFixed(1).padStart(7)}  ${new URL(file.url).pathname}  (warm-up, not counted)`);
  }
}

async function main(): Promise<number> {
  if (!hasBuild()) {
    console.error('[check-bundle] no production build (.next/BUILD_ID): run `npm run build` first');
    return 1;
  }
  log(`starting the production build on ${APP_URL} (PostgreSQL ${PG_PORT}, sidecar ${REALTIME_PORT}, data in ${DATA_DIR}/)`);
  const app = await startBuiltApp({ port: APP_PORT, realtimePort: REALTIME_PORT, pgPort: PG_PORT, dataDir: DATA_DIR });
  const stop = () => void app.stop().finally(() => process.exit(1));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const results: RouteResult[] = [];
    results.push(await measure(browser, 'landing', '/en'));
    results.push(await measure(browser, 'sign-in', '/en/sign-in'));
    const { state, projectPath } = await signInDemo(browser, APP_URL);
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
      console.error(`[check-bundle] FAILED: ${failed.map((r) => (r.error ? `${r.name} (not measured: ${r.error})` : `${r.name} ${kib(r.gzip).toFixed(1)} KiB > ${r.budgetKiB} KiB`)).join(', ')}`);
      return 1;
    }
    log('every route is within its budget');
    return 0;
  } finally {
    await browser?.close();
    await app.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[check-bundle] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
