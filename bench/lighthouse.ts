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
 *
 * Each page is audited twice per run (ADR 0020): with Lighthouse's default 4× CPU slowdown, which is
 * calibrated for a host of benchmarkIndex ≈ 1500, and with the slowdown Lighthouse's own CPU
 * throttling calculator gives for the benchmarkIndex this host measured in the default audit (≈ 2.4×
 * at the ≈ 1000 of these 2-core machines; Lighthouse docs/throttling.md), so that the emulated device is
 * the reference one whatever the host. Both are printed; the targets are judged on the calibrated one.
 * `--save=dir` also writes each run's Lighthouse report (JSON) there, for the audits behind a score.
 *
 * Ports (override with env): app BENCH_LIGHTHOUSE_PORT=3610, sidecar 3611, PostgreSQL 54356.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { throttling } from 'lighthouse/core/config/constants.js';
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
  benchmarkIndex: number;
  cpuSlowdown: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * The CPU slowdown that makes this host emulate Lighthouse's reference mobile device: Lighthouse's
 * CPU throttling calculator (github.com/patrickhulce/lighthouse-cpu-throttling-calculator, linked
 * from Lighthouse's docs/throttling.md): 1533 → 4×, 1300 → 3×, 800 → 2×, 150 → 1×, linear between.
 */
function calibratedSlowdown(benchmarkIndex: number): number {
  if (benchmarkIndex >= 1300) return 3 + (benchmarkIndex - 1300) / 233;
  if (benchmarkIndex >= 800) return 2 + (benchmarkIndex - 800) / 500;
  return Math.max(1, 1 + (benchmarkIndex - 150) / 650);
}

async function audit(chromePort: number, url: string, cookie: string | undefined, saveAs: string | undefined, cpuSlowdown?: number): Promise<Figures> {
  const result = await lighthouse(url, {
    port: chromePort,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance'],
    ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
    // Lighthouse's default mobile throttling (slow 4G) with only the CPU slowdown changed.
    ...(cpuSlowdown === undefined ? {} : { throttling: { ...throttling.mobileSlow4G, cpuSlowdownMultiplier: cpuSlowdown } }),
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
    benchmarkIndex: lhr.environment.benchmarkIndex,
    cpuSlowdown: lhr.configSettings.throttling?.cpuSlowdownMultiplier ?? Number.NaN,
  };
}

function row(name: string, label: string, f: Figures): string {
  const ms = (n: number) => `${Math.round(n)} ms`.padStart(8);
  return `${name.padEnd(8)} ${label.padEnd(7)} ${`${f.cpuSlowdown.toFixed(1)}×`.padStart(5)} ${String(Math.round(f.benchmarkIndex)).padStart(6)} ${String(f.score).padStart(5)}  ${ms(f.fcp)}  ${ms(f.lcp)}  ${ms(f.tbt)}  ${f.cls.toFixed(3).padStart(6)}  ${ms(f.si)}  ${f.jsKiB.toFixed(1).padStart(8)}`;
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
    const results = new Map<string, { name: string; calibrated: boolean; runs: Figures[] }>();
    const record = (name: string, calibrated: boolean, figures: Figures) => {
      const key = `${name}/${calibrated}`;
      const entry = results.get(key) ?? { name, calibrated, runs: [] };
      entry.runs.push(figures);
      results.set(key, entry);
    };
    // Lighthouse sometimes fails to record a trace (NO_NAVSTART, NO_FCP): that run is repeated (twice at most).
    const auditOnce = async (page: (typeof pages)[number], saveAs: string | undefined, cpuSlowdown?: number): Promise<Figures> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await audit(chromePort, page.url, page.cookie, saveAs, cpuSlowdown);
        } catch (error) {
          if (attempt === 3) throw error;
          log(`repeating the run: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    };
    for (let run = 1; run <= RUNS; run++) {
      for (const page of pages) {
        log(`run ${run}/${RUNS}: ${page.name} (${page.url.replace(app.url, '')}), 4× CPU`);
        const standard = await auditOnce(page, SAVE ? join(SAVE, `${page.name}-4x-${run}.json`) : undefined);
        record(page.name, false, standard);
        const slowdown = Math.round(calibratedSlowdown(standard.benchmarkIndex) * 10) / 10;
        log(`run ${run}/${RUNS}: ${page.name}, calibrated ${slowdown}× CPU (benchmarkIndex ${Math.round(standard.benchmarkIndex)})`);
        record(page.name, true, await auditOnce(page, SAVE ? join(SAVE, `${page.name}-calibrated-${run}.json`) : undefined, slowdown));
      }
    }
    console.log();
    console.log(`page     run       CPU  bench score       FCP       LCP       TBT     CLS        SI   JS KiB   (Lighthouse 13, mobile, simulated throttling${RUNS > 1 ? `, median of ${RUNS}` : ''})`);
    for (const { name, calibrated, runs } of results.values()) {
      runs.forEach((f, i) => RUNS > 1 && console.log(row(name, `#${i + 1}`, f)));
      const pick = (field: keyof Figures) => median(runs.map((f) => f[field]));
      const m: Figures = {
        score: pick('score'),
        fcp: pick('fcp'),
        lcp: pick('lcp'),
        tbt: pick('tbt'),
        cls: pick('cls'),
        si: pick('si'),
        jsKiB: pick('jsKiB'),
        benchmarkIndex: pick('benchmarkIndex'),
        cpuSlowdown: pick('cpuSlowdown'),
      };
      const target = TARGETS[name];
      const verdict = calibrated ? `target ≥ ${target}: ${target !== undefined && m.score >= target ? 'met' : 'NOT met'}` : '(Lighthouse default 4×, for comparison)';
      console.log(`${row(name, RUNS > 1 ? 'median' : '', m)}   ${verdict}`);
    }
    console.log('CPU: the simulated slowdown; bench: the benchmarkIndex Lighthouse measured on this host (its 4× assumes ≈ 1500).');
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
