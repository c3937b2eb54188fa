/**
 * `npm run bench:rate-limit` — the rate limiter measured from outside (SEC-2, ADR 0025).
 *
 * Starts the PRODUCTION build through the launcher on its own ports and data dir with the real
 * policies (RATE_LIMIT_SCALE=1, the default PostgreSQL store, TRUST_PROXY=1 so that the bench can
 * play each client's proxy and give every part its own address), and beside it two more web
 * processes on the same database: one with limits on but out of reach (RATE_LIMIT_SCALE=1000) and
 * one with limits off (RATE_LIMIT_STORE=off). Prints:
 *
 *   1. requests allowed vs the policy's number for sign-in per account, sign-in per address and
 *      tRPC reads per address (must be equal), with the refusal's status and headers;
 *   2. the Retry-After error: what the refusal said against when the window really ends (the first
 *      request's time + the window), in seconds;
 *   3. the limiter's added latency per request: the board read (task.list, 200 tasks) at 10
 *      connections against "on" and "off", interleaved over ≥ 3 rounds, medians of p50/p95 and req/s.
 *
 *   npm run build && npm run bench:rate-limit -- [--rounds=3] [--duration=10] [--connections=10] [--check]
 *
 * Ports: launcher web 3430 (sidecar 3431, PostgreSQL 54348), limits-on web 3432, limits-off web 3433;
 * data dir .data/bench-rate-limit (wiped). It needs `npm run build` first and never builds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { stackEnv } from '../scripts/lib/stack-env';
import { RATE_LIMIT_POLICIES, type PolicyName } from '../src/server/platform/rate-limit-policies';
import { benchArgs } from './lib/cli';
import { BENCH_AUTH_SECRET, requireBuild, startStack, type Stack } from './lib/stack';
import { measure, type LoadContext, type Measurement } from './http/load';
import { seedStack } from './http/seed';

const args = benchArgs();
const ROUNDS = Math.max(3, Number(args.rounds ?? 3));
const DURATION = Math.max(1, Number(args.duration ?? 10));
const CONNECTIONS = Math.max(1, Number(args.connections ?? 10));
const PORTS = { web: 3430, realtime: 3431, pg: 54348, on: 3432, off: 3433 };

const log = (line: string) => console.log(`[bench:rate-limit] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

let stack: Stack | undefined;
const webs: ChildProcess[] = [];

async function stopAll(): Promise<void> {
  for (const web of webs) if (web.exitCode === null && web.pid) process.kill(web.pid, 'SIGTERM');
  await stack?.stop();
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

/** A web process (scripts/web-server.ts, as `npm start` runs it) on the stack's database. */
async function startWeb(port: number, env: Record<string, string>): Promise<string> {
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', './scripts/lib/exit-with-parent.mjs', '--import', 'tsx', 'scripts/web-server.ts'], {
    env: {
      ...stackEnv({ dataDir: '.data/bench-rate-limit', port, realtimePort: PORTS.realtime, pgPort: PORTS.pg, appUrl: base, authSecret: BENCH_AUTH_SECRET, label: 'bench' }),
      DATABASE_URL: stack!.appDatabaseUrl,
      KANSO_SUPERVISOR_PID: String(process.pid),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  webs.push(child);
  for (const until = Date.now() + 60_000; Date.now() < until; ) {
    const ok = await fetch(`${base}/api/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return base;
    await sleep(300);
  }
  throw new Error(`the web process on :${port} did not become ready`);
}

interface Exactness {
  policy: PolicyName;
  allowed: number;
  points: number;
  refusedStatus: number | null;
  retryAfter: number | null;
  /** Seconds: Retry-After minus the time left until the window (opened by the first request) ends. */
  retryAfterError: number | null;
  headers: string;
}

/** Calls `send` until the first refusal (at most points + 5 times) and reports what was allowed. */
async function exactness(policy: PolicyName, send: (i: number) => Promise<Response>): Promise<Exactness> {
  const { points, seconds } = RATE_LIMIT_POLICIES[policy];
  let allowed = 0;
  let opened = 0;
  for (let i = 0; i < points + 5; i++) {
    const sentAt = Date.now();
    const response = await send(i);
    await response.body?.cancel();
    if (i === 0) opened = sentAt;
    if (response.status !== 429) {
      allowed += 1;
      continue;
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    const leftSeconds = (opened + seconds * 1000 - Date.now()) / 1000;
    return {
      policy,
      allowed,
      points,
      refusedStatus: response.status,
      retryAfter,
      retryAfterError: retryAfter - leftSeconds,
      headers: `${response.headers.get('ratelimit-policy')} | ${response.headers.get('ratelimit')}`,
    };
  }
  return { policy, allowed, points, refusedStatus: null, retryAfter: null, retryAfterError: null, headers: '(never refused)' };
}

async function main(): Promise<void> {
  requireBuild();
  log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${ROUNDS} round(s) × ${DURATION} s at ${CONNECTIONS} connections`);
  stack = await startStack(
    { dataDir: '.data/bench-rate-limit', port: PORTS.web, realtimePort: PORTS.realtime, pgPort: PORTS.pg, env: { RATE_LIMIT_SCALE: '1', TRUST_PROXY: '1' } },
    log,
  );
  const [on, off] = [await startWeb(PORTS.on, { RATE_LIMIT_SCALE: '1000' }), await startWeb(PORTS.off, { RATE_LIMIT_STORE: 'off' })];
  log(`launcher web :${PORTS.web} (real policies), limits on :${PORTS.on} (×1000, never reached), limits off :${PORTS.off}; one PostgreSQL`);
  const seed = await seedStack({ baseUrl: stack.baseUrl, wire: 'json', databaseUrl: stack.appDatabaseUrl, members: 100, signers: 1, tasks: 200 }, log);

  // ── 1 and 2: exactness, each part from its own address (the bench is the trusted proxy) ──
  const post = (path: string, body: unknown, address: string) =>
    fetch(`${stack!.baseUrl}/api/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack!.baseUrl, 'x-forwarded-for': address },
      body: JSON.stringify(body),
    });
  const results = [
    await exactness('sign-in-account', () => post('auth.signIn', { email: seed.signerEmails[0], password: 'not the password' }, '198.51.100.1')),
    await exactness('sign-in-ip', (i) => post('auth.signIn', { email: `nobody-${i}@example.test`, password: 'not the password' }, '198.51.100.2')),
    await exactness('trpc-read', () => fetch(`${stack!.baseUrl}/api/trpc/auth.listProviders`, { headers: { 'x-forwarded-for': '198.51.100.3' } })),
  ];
  console.log('\n  policy            allowed  policy  equal  refused  Retry-After  error s  headers');
  for (const r of results) {
    console.log(
      `  ${r.policy.padEnd(17)} ${String(r.allowed).padStart(7)} ${String(r.points).padStart(7)}  ${r.allowed === r.points ? 'yes  ' : 'NO   '}  ${String(r.refusedStatus ?? '—').padStart(7)}  ${String(r.retryAfter ?? '—').padStart(11)}  ${r.retryAfterError === null ? '     —' : r.retryAfterError.toFixed(2).padStart(7)}  ${r.headers}`,
    );
  }

  // ── 3: added latency, interleaved ──
  const ctx: LoadContext = { wire: 'json', seed, versions: new Map(), signers: seed.signerEmails };
  log(`warm-up: 3 s per side`);
  await measure('read', on, ctx, 3, {}, CONNECTIONS);
  await measure('read', off, ctx, 3, {}, CONNECTIONS);
  const rows: Record<'on' | 'off', Measurement[]> = { on: [], off: [] };
  console.log('\n  round  limits    req/s   p50 ms   p95 ms   p99 ms  non2xx');
  for (let round = 1; round <= ROUNDS; round++) {
    const order: Array<'on' | 'off'> = round % 2 ? ['on', 'off'] : ['off', 'on'];
    for (const side of order) {
      await sleep(1500);
      const m = await measure('read', side === 'on' ? on : off, ctx, DURATION, {}, CONNECTIONS);
      rows[side].push(m);
      console.log(`  ${String(round).padStart(5)}  ${side.padEnd(6)} ${m.perSecond.toFixed(1).padStart(8)} ${m.p50.toFixed(1).padStart(8)} ${m.p95.toFixed(1).padStart(8)} ${m.p99.toFixed(1).padStart(8)} ${String(m.non2xx).padStart(7)}`);
    }
  }
  const med = (side: 'on' | 'off', key: 'perSecond' | 'p50' | 'p95') => median(rows[side].map((m) => m[key]));
  console.log('\n  median           on       off     added');
  for (const key of ['p50', 'p95'] as const) {
    console.log(`  ${`${key} ms`.padEnd(10)} ${med('on', key).toFixed(2).padStart(8)} ${med('off', key).toFixed(2).padStart(9)} ${(med('on', key) - med('off', key)).toFixed(2).padStart(9)}`);
  }
  console.log(`  ${'req/s'.padEnd(10)} ${med('on', 'perSecond').toFixed(1).padStart(8)} ${med('off', 'perSecond').toFixed(1).padStart(9)} ${`${((med('on', 'perSecond') / med('off', 'perSecond')) * 100).toFixed(1)} %`.padStart(9)}`);
  const exact = results.every((r) => r.allowed === r.points && r.refusedStatus === 429 && Math.abs(r.retryAfterError ?? 99) <= 1);
  console.log(`\n  allowed = policy and Retry-After within 1 s for every policy: ${exact ? 'PASS' : 'FAIL'}`);
  await stopAll();
  if (args.check === 'true' && !exact) process.exit(1);
}

main().catch(async (error: unknown) => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
