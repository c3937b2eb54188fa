/**
 * Lighthouse performance of the production build (PERF-3): `npm run bench:lighthouse`.
 *
 *   npm run build && npm run bench:lighthouse [-- --runs=1] [--save=dir]
 *
 * Starts the build on its own ports and data dir (scripts/lib/built-app.ts: `npm start` on a fresh
 * embedded PostgreSQL in .data/bench-lighthouse, the demo data seeded), signs the demo user in
 * through the sign-in page (headless Chromium via Playwright), then runs Lighthouse 13 through its
 * Node API against a Chromium started by chrome-launcher (/usr/bin/chromium) for the landing page
 * (signed out) and the demo board (signed in: the session cookie sent as an extra header). Lighthouse's
 * default settings: mobile emulation, simulated throttling (slow 4G, 4× CPU). Prints the performance
 * score and FCP, LCP, TBT, CLS, Speed Index and the JS transferred, per run and the median; targets
 * (SPEC PERF-3): landing ≥ 95, board ≥ 90. It prints figures; it does not fail on them (QA-2).
 * `--save=dir` also writes each run's Lighthouse report (JSON) there, for the audits behind a score.
 *
 * Ports (override with env): app BENCH_LIGHTHOUSE_PORT=3610, sidecar 3611, PostgreSQL 54356.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_PATH, hasBuild, launchChromium, signInDemo, startBuiltApp } from '../scripts/lib/built-app';

const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const APP_PORT = port('BENCH_LIGHTHOUSE_PORT', 3610);
const REALTIME_PORT = port('BENCH_LIGHTHOUSE_REALTIME_PORT', 3611);
const PG_PORT = port('BENCH_LIGHTHOUSE_PG_PORT', 54356);
const RUNS = Math.max(1, Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 1) || 1);
const SAVE = process.argv.find((a) => a.startsWith('--save='))?.slice('--save='.length);
const TARGETS: Record<string, number> = { landing: 95, board: 90 };
/** Headless Chromium as root on these machines (STACK-NOTES). */
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const log = (line: string) => console.log(`[bench:lighthouse] ${line}`);

interface Figures {
  score: number;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  si: number;
  jsKiB: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function audit(chromePort: number, url: string, cookie: string | undefined, saveAs: string | undefined): Promise<Figures> {
  const result = await lighthouse(url, {
    port: chromePort,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance'],
    ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
  });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (saveAs) {
    mkdirSync(dirname(saveAs), { recursive: true });
    writeFileSync(saveAs, JSON.stringify(lhr));
  }
  if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const value = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  // Transferred bytes of every script the page loaded (the network-requests audit's rows).
  const requests = (lhr.audits['network-requests']?.details as { items?: { resourceType?: string; transferSize?: number }[] } | undefined)?.items ?? [];
  const js = requests.filter((r) => r.resourceType === 'Script').reduce((n, r) => n + (r.transferSize ?? 0), 0);
  return {
    score: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    fcp: value('first-contentful-paint'),
    lcp: value('largest-contentful-paint'),
    tbt: value('total-blocking-time'),
    cls: value('cumulative-layout-shift'),
    si: value('speed-index'),
    jsKiB: js / 1024,
  };
}

function row(name: string, label: string, f: Figures): string {
  const ms = (n: number) => `${Math.round(n)} ms`.padStart(8);
  return `${name.padEnd(8)} ${label.padEnd(7)} ${String(f.score).padStart(5)}  ${ms(f.fcp)}  ${ms(f.lcp)}  ${ms(f.tbt)}  ${f.cls.toFixed(3).padStart(6)}  ${ms(f.si)}  ${f.jsKiB.toFixed(1).padStart(8)}`;
}

async function main(): Promise<number> {
  if (!hasBuild()) {
    console.error('[bench:lighthouse] no production build (.next/BUILD_ID): run `npm run build` first');
    return 1;
  }
  log(`starting the production build on http://localhost:${APP_PORT} (PostgreSQL ${PG_PORT}, sidecar ${REALTIME_PORT})`);
  const app = await startBuiltApp({ port: APP_PORT, realtimePort: REALTIME_PORT, pgPort: PG_PORT, dataDir: '.data/bench-lighthouse', stdio: 'ignore' });
  let chrome: chromeLauncher.LaunchedChrome | undefined;
  try {
    const browser = await launchChromium();
    const { state, projectPath } = await signInDemo(browser, app.url).finally(() => browser.close());
    const cookie = state.cookies.filter((c) => c.domain === 'localhost').map((c) => `${c.name}=${c.value}`).join('; ');
    chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROME_FLAGS });
    const chromePort = chrome.port;
    const pages = [
      { name: 'landing', url: `${app.url}/en`, cookie: undefined },
      { name: 'board', url: `${app.url}${projectPath}`, cookie },
    ];
    const results = new Map<string, Figures[]>();
    for (let run = 1; run <= RUNS; run++) {
      for (const page of pages) {
        log(`run ${run}/${RUNS}: ${page.name} (${page.url.replace(app.url, '')})`);
        const saveAs = SAVE ? join(SAVE, `${page.name}-${run}.json`) : undefined;
        // Lighthouse sometimes fails to record a trace (NO_NAVSTART, NO_FCP): that run is repeated once.
        const figures = await audit(chromePort, page.url, page.cookie, saveAs).catch((error: unknown) => {
          log(`repeating the run: ${error instanceof Error ? error.message : String(error)}`);
          return audit(chromePort, page.url, page.cookie, saveAs);
        });
        results.set(page.name, [...(results.get(page.name) ?? []), figures]);
      }
    }
    console.log();
    console.log(`page     run      score       FCP       LCP       TBT     CLS        SI   JS KiB   (Lighthouse 13, mobile, simulated throttling${RUNS > 1 ? `, median of ${RUNS}` : ''})`);
    for (const [name, runs] of results) {
      runs.forEach((f, i) => RUNS > 1 && console.log(row(name, `#${i + 1}`, f)));
      const m: Figures = {
        score: median(runs.map((f) => f.score)),
        fcp: median(runs.map((f) => f.fcp)),
        lcp: median(runs.map((f) => f.lcp)),
        tbt: median(runs.map((f) => f.tbt)),
        cls: median(runs.map((f) => f.cls)),
        si: median(runs.map((f) => f.si)),
        jsKiB: median(runs.map((f) => f.jsKiB)),
      };
      const target = TARGETS[name];
      console.log(`${row(name, RUNS > 1 ? 'median' : '', m)}   target ≥ ${target}: ${target !== undefined && m.score >= target ? 'met' : 'NOT met'}`);
    }
    console.log('JS KiB: script bytes transferred (as served, gzip) in the Lighthouse run.');
    return 0;
  } finally {
    await chrome?.kill();
    await app.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench:lighthouse] ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
