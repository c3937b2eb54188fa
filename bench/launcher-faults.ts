/**
 * REL-1 by hand, as a script that prints figures (QA-2): the real `npm start` (production build,
 * embedded PostgreSQL) under four faults.
 *
 *   npm run build && node --import tsx bench/launcher-faults.ts [--port=3410] [--pg-port=54341]
 *
 *   1. kill -9 of the web child while a client polls /api/health/live every 50 ms → downtime;
 *   2. kill -9 of the sidecar while a client polls a tRPC GET every 50 ms → failed HTTP requests;
 *   3. `npm run db:migrate` while readiness is polled every 100 ms → non-200 answers;
 *   4. SIGTERM to the launcher under keep-alive load (10 connections) → responses by status,
 *      requests cut on an open connection, launcher exit code, stop order, processes left.
 *
 * Loopback only; every loop is bounded. Data in .data/bench-launcher (kept between runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { processAlive as alive } from '../scripts/lib/process-alive';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const port = Number(arg('port', '3410'));
const realtimePort = port + 1;
const pgPort = Number(arg('pg-port', '54341'));
const dataDir = path.resolve('.data/bench-launcher');
const base = `http://127.0.0.1:${port}`;
const TRPC_GET = '/api/trpc/invitation.inspect?input=%7B%22json%22%3A%7B%22token%22%3A%22nope%22%7D%7D';

if (!existsSync('.next/BUILD_ID')) {
  console.error('no production build: run npm run build first');
  process.exit(1);
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  KANSO_DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: String(pgPort),
  PORT: String(port),
  REALTIME_PORT: String(realtimePort),
  KANSO_HOST: '127.0.0.1',
  APP_URL: `http://localhost:${port}`,
  NEXT_PUBLIC_REALTIME_URL: `ws://localhost:${realtimePort}`,
  AUTH_SECRET: 'bench-launcher-secret-0123456789abcdefghij',
  SMTP_URL: 'smtp://127.0.0.1:9',
  LOG_LEVEL: 'info',
  DATABASE_URL: '',
  DATABASE_ADMIN_URL: '',
};

const lines: string[] = [];
const launcher: ChildProcess = spawn('npm', ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
for (const stream of [launcher.stdout!, launcher.stderr!]) createInterface({ input: stream }).on('line', (l) => lines.push(l));
const launcherExit = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));

async function line(pattern: RegExp, from = 0, timeoutMs = 120_000): Promise<RegExpMatchArray> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const l of lines.slice(from)) {
      const m = l.match(pattern);
      if (m) return m;
    }
    if (Date.now() > end || launcher.exitCode !== null) throw new Error(`no line ${pattern}:\n${lines.slice(-30).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Probe {
  ok: number;
  failed: number;
  longestOutageMs: number;
  statuses: Record<string, number>;
}

/** GETs `url` every `everyMs` for `durationMs` (fresh connection each time); counts and the longest outage. */
async function probe(url: string, durationMs: number, everyMs: number, okStatus = (s: number) => s < 500): Promise<Probe> {
  const result: Probe = { ok: 0, failed: 0, longestOutageMs: 0, statuses: {} };
  const end = Date.now() + durationMs;
  let failingSince: number | undefined;
  while (Date.now() < end) {
    const t = Date.now();
    let key: string;
    let good = false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      key = String(response.status);
      good = okStatus(response.status);
    } catch (error) {
      key = ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name) || 'error';
    }
    result.statuses[key] = (result.statuses[key] ?? 0) + 1;
    if (good) {
      result.ok++;
      if (failingSince !== undefined) result.longestOutageMs = Math.max(result.longestOutageMs, t - failingSince);
      failingSince = undefined;
    } else {
      result.failed++;
      failingSince ??= t;
    }
    await sleep(Math.max(0, everyMs - (Date.now() - t)));
  }
  if (failingSince !== undefined) result.longestOutageMs = Math.max(result.longestOutageMs, Date.now() - failingSince);
  return result;
}

/** Keep-alive load: `connections` loops until `stop()` resolves or `durationMs` passes. */
function keepAliveLoad(url: string, connections: number, durationMs: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const counts: Record<string, number> = {};
  const add = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  const end = Date.now() + durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          add(String(res.statusCode));
          if (res.headers.connection === 'close') add('answered with Connection: close');
          resolve();
        });
        res.on('error', () => (add('cut mid-response'), resolve()));
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        // Refused = the server no longer listens (never sent). Reset / hang up = lost on an open connection.
        add(e.code === 'ECONNREFUSED' ? 'refused (server gone)' : `lost (${e.code ?? e.message})`);
        resolve();
      });
    });
  const done = Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        const before = counts['refused (server gone)'] ?? 0;
        await one();
        if ((counts['refused (server gone)'] ?? 0) > before) await sleep(200);
      }
    }),
  ).then(() => agent.destroy());
  return { counts, done };
}

const pidOf = (name: string) => Number(readFileSync(path.join(dataDir, 'run', `${name}.pid`), 'utf8').split('\n')[0]);
const postmasterPid = () => Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

function dbMigrate(): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'db:migrate'], { env, stdio: 'ignore' });
    child.once('exit', (code) => resolve(code));
  });
}

const table: Array<[string, string]> = [];
try {
  await line(/^\[kanso\] ready \(launcher pid/);
  console.log(`stack up on ${base} (launcher pid ${launcher.pid})`);

  // 1. web kill -9
  {
    const webPid = pidOf('web');
    const mark = lines.length;
    const polling = probe(`${base}/api/health/live`, 12_000, 50);
    await sleep(2_000);
    process.kill(webPid, 'SIGKILL');
    const result = await polling;
    const restarted = await line(/^\[kanso\] web restarted \(pid \d+\) after ([\d.]+) s down/, mark);
    table.push(['kill -9 web: HTTP downtime (client, 50 ms polls)', `${(result.longestOutageMs / 1000).toFixed(2)} s (${result.failed} of ${result.ok + result.failed} polls failed)`]);
    table.push(['kill -9 web: launcher says', restarted[0].replace('[kanso] ', '')]);
  }
  // 2. sidecar kill -9
  {
    const rtPid = pidOf('realtime');
    const mark = lines.length;
    const polling = probe(`${base}${TRPC_GET}`, 8_000, 50);
    await sleep(1_500);
    process.kill(rtPid, 'SIGKILL');
    const result = await polling;
    const restarted = await line(/^\[kanso\] realtime restarted \(pid \d+\) after ([\d.]+) s down/, mark);
    table.push(['kill -9 sidecar: failed HTTP requests (tRPC GET, 50 ms polls)', `${result.failed} of ${result.ok + result.failed}`]);
    table.push(['kill -9 sidecar: launcher says', restarted[0].replace('[kanso] ', '')]);
  }
  // 3. db:migrate while running
  {
    const postmaster = postmasterPid();
    let migrating = true;
    const polls: Probe[] = [];
    const poller = (async () => {
      while (migrating) polls.push(await probe(`${base}/api/health/ready`, 500, 100, (s) => s === 200));
    })();
    await sleep(500);
    const code = await dbMigrate();
    await sleep(500);
    migrating = false;
    await poller;
    const total = polls.reduce((n, p) => n + p.ok + p.failed, 0);
    const bad = polls.reduce((n, p) => n + p.failed, 0);
    table.push(['db:migrate while running: exit code', String(code)]);
    table.push(['db:migrate while running: readiness non-200 (100 ms polls)', `${bad} of ${total}; same postmaster: ${postmasterPid() === postmaster && alive(postmaster)}`]);
  }
  // 4. SIGTERM under keep-alive load
  {
    const pids = { web: pidOf('web'), realtime: pidOf('realtime'), postgres: postmasterPid() };
    const load = keepAliveLoad(`${base}/en/sign-in`, 10, 20_000);
    await sleep(6_000);
    const mark = lines.length;
    const sent = Date.now();
    process.kill(launcher.pid!, 'SIGTERM'); // the npm process, as a supervisor or Playwright would
    const code = await launcherExit;
    const stoppedIn = Date.now() - sent;
    await load.done;
    const after = lines.slice(mark);
    const order = after.filter((l) => /^\[kanso\] (web|realtime|PostgreSQL) stopped/.test(l)).map((l) => l.split(' ')[1]);
    const drained = after.find((l) => l.includes('web server stopped'));
    const left = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dataDir);
      } catch {
        return false;
      }
    });
    table.push(['SIGTERM under keep-alive load: responses', JSON.stringify(load.counts)]);
    table.push(['SIGTERM: web drain', drained ? (JSON.parse(drained) as { msg: string }).msg : 'no drain line']);
    table.push(['SIGTERM: stop order', order.join(' → ')]);
    table.push(['SIGTERM: last launcher line', after.filter((l) => l.startsWith('[kanso]')).at(-1) ?? '']);
    table.push(['SIGTERM: exit code (npm start) / time to exit', `${code} / ${(stoppedIn / 1000).toFixed(1)} s`]);
    table.push(['SIGTERM: processes left', `web ${alive(pids.web)}, realtime ${alive(pids.realtime)}, postgres ${alive(pids.postgres)}, others using the data dir: ${left.length}`]);
  }
} finally {
  if (launcher.exitCode === null) {
    process.kill(-launcher.pid!, 'SIGTERM');
    await launcherExit;
  }
}

const width = Math.max(...table.map(([k]) => k.length));
console.log('');
for (const [k, v] of table) console.log(`${k.padEnd(width)}  ${v}`);
