/**
 * `npm run bench:http` — PERF-1's budgets measured from outside (docs/performance.md, ADR 0017).
 *
 * Starts the PRODUCTION build through the launcher (`npm start`: embedded PostgreSQL + web +
 * realtime sidecar) on its own ports and a fresh data dir, seeds one board of 200 tasks and member
 * sessions, starts the floor (bench/http/floor-server.ts: bare node:http + postgres.js doing the
 * same session check, RLS transaction and SQL as the same role), then drives both with autocannon,
 * interleaved (app, floor; next round floor, app), for each scenario; and argon2id verify alone.
 * Prints per round and the median over rounds: req/s, p50/p95/p99, errors; then the ratios against
 * the acceptance budgets. Everything it started is stopped at the end (or on Ctrl+C).
 *
 *   npm run build && npm run bench:http -- [--rounds=3] [--duration=10] [--quick] [--json=out.json]
 *     [--check] [--sql] [--scenarios=read,update,comment,signin]
 *
 *   --quick       1 round of 3 s (a smoke run; its figures mean little)
 *   --check       exit 1 when a budget fails
 *   --sql         before measuring, log one call of each scenario on both sides from PostgreSQL's
 *                 statement log and compare the statement texts (the floor must send the app's SQL)
 *   --json=FILE   write every measurement and the summary as JSON
 *
 * Ports (the bench's own range): web 3400, sidecar 3401, floor 3404, PostgreSQL 54345;
 * data dir .data/bench-http (wiped at start). BENCH_HTTP_PORT / _REALTIME_PORT / _FLOOR_PORT /
 * _PG_PORT move them. It needs `npm run build` first and never builds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import postgres from 'postgres';
import { harnessPorts } from '../../scripts/lib/ports';
import { benchArgs } from '../lib/cli';
import { requireBuild, startStack, type Stack } from '../lib/stack';
import { measure, measureArgon2, SCENARIOS, type LoadContext, type Measurement, type ScenarioName } from './load';
import { BENCH_PASSWORD, seedStack, type Seed } from './seed';
import { call, callOk, detectWire, type Wire } from './wire';

const args = benchArgs();
const quick = args.quick === 'true';
const ROUNDS = Math.max(1, Number(args.rounds ?? (quick ? 1 : 3)));
const DURATION = Math.max(1, Number(args.duration ?? (quick ? 3 : 10)));
const SCENARIO_LIST = (args.scenarios ?? 'read,update,comment,signin').split(',').filter((s): s is ScenarioName => s in SCENARIOS);
const PORTS = await harnessPorts(
  {
    web: ['BENCH_HTTP_PORT', 3400],
    realtime: ['BENCH_HTTP_REALTIME_PORT', 3401],
    floor: ['BENCH_HTTP_FLOOR_PORT', 3404],
    pg: ['BENCH_HTTP_PG_PORT', 54345],
  },
  (line) => console.log(`[bench:http] ${line}`),
);
const POOL_MAX = process.env.DATABASE_POOL_MAX ?? '10';
/** Pause before each measurement. */
const SETTLE_MS = quick ? 1000 : 2000;

/** The acceptance budgets of issue 10 / SPEC PERF-1. */
export const BUDGETS = {
  read: { throughput: 0.6, p95: 2 },
  update: { throughput: 0.5, p95: 2.5 },
  signinVsArgon2: { p95: 1.5 },
} as const;

const log = (line: string) => console.log(`[bench:http] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

type Target = 'app' | 'floor';

let stack: Stack | undefined;
let floor: ChildProcess | undefined;

async function startFloor(databaseUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', './scripts/lib/exit-with-parent.mjs', '--import', 'tsx', 'bench/http/floor-server.ts'], {
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: POOL_MAX, FLOOR_PORT: String(PORTS.floor), FLOOR_HOST: '127.0.0.1', KANSO_SUPERVISOR_PID: String(process.pid) },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  for (let i = 0; i < 200; i += 1) {
    if (child.exitCode !== null) throw new Error(`the floor exited (${child.exitCode})`);
    const ok = await fetch(`http://127.0.0.1:${PORTS.floor}/health`).then((r) => r.ok, () => false);
    if (ok) return child;
    await sleep(100);
  }
  throw new Error('the floor did not answer /health within 20 s');
}

async function stopFloor(): Promise<void> {
  const child = floor;
  floor = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function cleanup(): Promise<void> {
  await stopFloor();
  await stack?.stop();
  stack = undefined;
}

/** Both sides answer the same board, and a write works on each, before anything is measured. */
async function preflight(urls: Record<Target, string>, wire: Wire, seed: Seed, signers: string[]): Promise<void> {
  const member = seed.members[0]!;
  const lists: Record<string, string[]> = {};
  for (const target of ['app', 'floor'] as const) {
    const page = await callOk<{ items: Array<{ id: string; title: string }> }>(urls[target], wire, 'query', 'task.list', { workspaceSlug: seed.slug, projectId: seed.projectId }, { cookie: member.cookie });
    lists[target] = page.items.map((t) => t.id);
    const signedIn = await call(urls[target], wire, 'mutation', 'auth.signIn', { email: signers[0], password: BENCH_PASSWORD });
    if (signedIn.status !== 200 || !/kanso\.session=/.test(signedIn.headers.get('set-cookie') ?? '')) throw new Error(`${target}: sign-in answered ${signedIn.status}`);
    const refused = await call(urls[target], wire, 'query', 'task.list', { workspaceSlug: seed.slug, projectId: seed.projectId }, { cookie: 'kanso.session=not-a-session' });
    if (refused.status !== 401) throw new Error(`${target}: a bad session answered ${refused.status}, not 401`);
  }
  if (lists.app!.length !== seed.tasks.length || lists.app!.join() !== lists.floor!.join()) {
    throw new Error(`the app and the floor disagree on the board (${lists.app!.length} vs ${lists.floor!.length} tasks)`);
  }
  log(`preflight: both answer the ${lists.app!.length}-task board in the same order, sign in, and refuse a bad session (401)`);
}

/** --sql: one call per scenario on each side, with PostgreSQL logging every statement; compared by text. */
async function compareSql(s: Stack, urls: Record<Target, string>, wire: Wire, seed: Seed, signers: string[]): Promise<boolean> {
  const su = postgres(s.superuserUrl, { max: 1, onnotice: () => {}, connection: { application_name: 'bench-marker' } });
  const settings = { log_statement: "'all'", log_parameter_max_length: '0', log_line_prefix: "'%a|'" };
  for (const [k, v] of Object.entries(settings)) await su.unsafe(`ALTER SYSTEM SET ${k} = ${v}`);
  await su`SELECT pg_reload_conf()`;
  await sleep(500);
  const member = seed.members[1]!;
  const task = seed.tasks[seed.tasks.length - 1]!;
  let version = task.version;
  const calls: Record<ScenarioName, (base: string) => Promise<unknown>> = {
    read: (base) => callOk(base, wire, 'query', 'task.list', { workspaceSlug: seed.slug, projectId: seed.projectId }, { cookie: member.cookie }),
    update: async (base) => {
      const row = await callOk<{ version: number }>(base, wire, 'mutation', 'task.update', { workspaceSlug: seed.slug, taskId: task.id, expectedVersion: version, title: `sql ${version}` }, { cookie: member.cookie });
      version = row.version;
    },
    comment: (base) => callOk(base, wire, 'mutation', 'comment.create', { workspaceSlug: seed.slug, id: randomUUID(), taskId: task.id, body: 'Looks good to me.' }, { cookie: member.cookie }),
    signin: (base) => callOk(base, wire, 'mutation', 'auth.signIn', { email: signers[1 % signers.length], password: BENCH_PASSWORD }),
  };
  const marks: Array<{ scenario: ScenarioName; target: Target; from: number; to: number }> = [];
  for (const scenario of SCENARIO_LIST) {
    for (const target of ['app', 'floor'] as const) {
      // Twice: the second call shows the steady state (statements already prepared on the connection).
      await calls[scenario](urls[target]);
      await sleep(150);
      const from = s.lines.length;
      await calls[scenario](urls[target]);
      await sleep(300);
      marks.push({ scenario, target, from, to: s.lines.length });
    }
  }
  for (const k of Object.keys(settings)) await su.unsafe(`ALTER SYSTEM RESET ${k}`);
  await su`SELECT pg_reload_conf()`;
  await su.end();
  const statements = (from: number, to: number, app: string) =>
    s.lines
      .slice(from, to)
      .map((l) => /^\[kanso\] ([^|]*)\|LOG:\s+(?:execute [^:]+|statement):\s*(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null && m[1] === app)
      .map((m) => m[2]!.trim());
  let same = true;
  for (const scenario of SCENARIO_LIST) {
    const a = marks.find((m) => m.scenario === scenario && m.target === 'app')!;
    const f = marks.find((m) => m.scenario === scenario && m.target === 'floor')!;
    const appSql = statements(a.from, a.to, 'kanso');
    const floorSql = statements(f.from, f.to, 'kanso-floor');
    const equal = appSql.length > 0 && appSql.join('\n') === floorSql.join('\n');
    same &&= equal;
    log(`--sql ${scenario}: app ${appSql.length} statements, floor ${floorSql.length}: ${equal ? 'the same text, in the same order' : 'DIFFERENT'}`);
    if (!equal || args.sql === 'verbose') {
      for (const [who, list] of [['app', appSql], ['floor', floorSql]] as const) {
        console.log(`  ${who}:`);
        for (const statement of list) console.log(`    ${statement.length > 220 ? `${statement.slice(0, 220)}…` : statement}`);
      }
    }
  }
  return same;
}

interface Row {
  round: number;
  scenario: ScenarioName | 'argon2';
  target: Target | 'argon2';
  m: Measurement;
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function printRow(r: Row): void {
  const { m } = r;
  console.log(
    `  ${String(r.round).padStart(5)}  ${r.scenario.padEnd(8)} ${r.target.padEnd(6)} ${fmt(m.perSecond).padStart(8)} ${fmt(m.p50).padStart(8)} ${fmt(m.p95).padStart(8)} ${fmt(m.p99).padStart(8)} ${String(m.errors).padStart(6)} ${String(m.non2xx).padStart(6)} ${String(m.conflicts).padStart(5)} ${fmt(m.cpuMsPerReq, 2).padStart(8)} ${fmt(m.pgCpuMsPerReq, 2).padStart(8)}`,
  );
}

const HEADER = `  round  scenario target    req/s   p50 ms   p95 ms   p99 ms errors non2xx  409s  srv ms/r  pg ms/r`;

async function main(): Promise<void> {
  requireBuild();
  const startedAt = new Date();
  const expectedSeconds = 120 + (SCENARIO_LIST.length * 2 + 1) * (ROUNDS + 1) * (DURATION + 2);
  // Bounded: whatever happens, the run stops itself (and what it started) well after its expected end.
  const watchdog = setTimeout(() => {
    console.error(`[bench:http] still running after ${Math.round((expectedSeconds * 2 + 300) / 60)} min: stopping`);
    void cleanup().finally(() => process.exit(1));
  }, (expectedSeconds * 2 + 300) * 1000);
  watchdog.unref();

  log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${ROUNDS} round(s) × ${DURATION} s; scenarios ${SCENARIO_LIST.join(', ')}`);
  log(`starting the production build via the launcher: web :${PORTS.web}, sidecar :${PORTS.realtime}, PostgreSQL :${PORTS.pg}, data .data/bench-http (wiped)`);
  stack = await startStack(
    {
      dataDir: '.data/bench-http',
      port: PORTS.web,
      realtimePort: PORTS.realtime,
      pgPort: PORTS.pg,
      env: { DATABASE_POOL_MAX: POOL_MAX, ...(args.sql ? { PG_LOG: '1' } : {}) },
    },
    log,
  );
  const wire = await detectWire(stack.baseUrl);
  log(`the app is ready; its tRPC wire format: ${wire}`);
  const maxConnections = Math.max(...SCENARIO_LIST.map((s) => SCENARIOS[s].connections));
  const seed = await seedStack({ baseUrl: stack.baseUrl, wire, databaseUrl: stack.appDatabaseUrl, members: maxConnections, signers: SCENARIOS.signin.connections, tasks: 200 }, log);
  floor = await startFloor(stack.appDatabaseUrl);
  const urls: Record<Target, string> = { app: stack.baseUrl, floor: `http://127.0.0.1:${PORTS.floor}` };
  const ctx: LoadContext = { wire, seed, versions: new Map(), signers: seed.signerEmails };
  await preflight(urls, wire, seed, seed.signerEmails);
  let sqlSame: boolean | undefined;
  if (args.sql) sqlSame = await compareSql(stack, urls, wire, seed, seed.signerEmails);

  // A run that ends cuts the requests in flight, which may still commit: before each update run the
  // tasks' current versions are read back, so a connection starts without a conflict.
  const refreshVersions = async () => {
    const page = await callOk<{ items: Array<{ id: string; version: number }> }>(urls.app, wire, 'query', 'task.list', { workspaceSlug: seed.slug, projectId: seed.projectId }, { cookie: seed.members[0]!.cookie });
    for (const t of page.items) ctx.versions.set(t.id, t.version);
  };
  const run = async (scenario: ScenarioName, target: Target, seconds: number) => {
    // The previous run's cut requests finish first: they must not weigh on this one (nor commit after the refresh).
    await sleep(SETTLE_MS);
    if (scenario === 'update') await refreshVersions();
    return measure(scenario, urls[target], ctx, seconds, { server: target === 'app' ? stack!.childPid('web') : floor?.pid, postmaster: stack!.postmasterPid() });
  };

  // Warm-up (not recorded): JIT, prepared statements on every pooled connection, caches.
  const warm = Math.min(3, DURATION);
  log(`warm-up: ${warm} s per scenario and side`);
  for (const scenario of SCENARIO_LIST) for (const target of ['app', 'floor'] as const) await run(scenario, target, warm);

  const rows: Row[] = [];
  for (const scenario of SCENARIO_LIST) log(`${scenario.padEnd(8)} ${SCENARIOS[scenario].title}, ${SCENARIOS[scenario].connections} connections${scenario === 'signin' ? `; argon2 = verify alone, ${SCENARIOS.signin.connections} concurrent, in the bench process` : ''}`);
  console.log(HEADER);
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const scenario of SCENARIO_LIST) {
      // Interleaved: the order flips every round, so a drifting machine weighs on both sides alike.
      const order: Target[] = round % 2 === 1 ? ['app', 'floor'] : ['floor', 'app'];
      for (const target of order) {
        const row = { round, scenario, target, m: await run(scenario, target, DURATION) };
        rows.push(row);
        printRow(row);
      }
      if (scenario === 'signin') {
        const row = { round, scenario: 'argon2' as const, target: 'argon2' as const, m: await measureArgon2(SCENARIOS.signin.connections, DURATION) };
        rows.push(row);
        printRow(row);
      }
    }
  }

  // ── Medians and ratios ──
  const med = (scenario: Row['scenario'], target: Row['target']) => {
    const ms = rows.filter((r) => r.scenario === scenario && r.target === target).map((r) => r.m);
    return {
      perSecond: median(ms.map((m) => m.perSecond)),
      p50: median(ms.map((m) => m.p50)),
      p95: median(ms.map((m) => m.p95)),
      p99: median(ms.map((m) => m.p99)),
      cpuMsPerReq: median(ms.map((m) => m.cpuMsPerReq)),
      pgCpuMsPerReq: median(ms.map((m) => m.pgCpuMsPerReq)),
      errors: ms.reduce((n, m) => n + m.errors, 0),
      non2xx: ms.reduce((n, m) => n + m.non2xx, 0),
      conflicts: ms.reduce((n, m) => n + m.conflicts, 0),
    };
  };
  console.log(`\n  median of ${ROUNDS} round(s) (errors, non-2xx and 409s: totals; srv ms/r: the server process's CPU per 2xx response, pg ms/r: PostgreSQL's)`);
  console.log(HEADER.replace('round', 'all  '));
  const summary: Record<string, ReturnType<typeof med>> = {};
  for (const scenario of SCENARIO_LIST) {
    for (const target of ['app', 'floor'] as const) {
      const m = med(scenario, target);
      summary[`${scenario}.${target}`] = m;
      printRow({ round: 0, scenario, target, m: { ...m, responses: 0, ok: 0, seconds: 0 } });
    }
    if (scenario === 'signin') {
      const m = med('argon2', 'argon2');
      summary['argon2'] = m;
      printRow({ round: 0, scenario: 'argon2', target: 'argon2', m: { ...m, responses: 0, ok: 0, seconds: 0 } });
    }
  }

  interface Verdict {
    name: string;
    value: number;
    budget: string;
    pass: boolean | null;
  }
  const verdicts: Verdict[] = [];
  const ratio = (a: number, b: number) => a / b;
  const cleanRun = (scenario: ScenarioName) => summary[`${scenario}.app`]!.errors + summary[`${scenario}.app`]!.non2xx === 0;
  for (const scenario of SCENARIO_LIST) {
    const app = summary[`${scenario}.app`]!;
    const fl = summary[`${scenario}.floor`]!;
    const budget = scenario === 'read' || scenario === 'update' ? BUDGETS[scenario] : undefined;
    const t = ratio(app.perSecond, fl.perSecond);
    const p = ratio(app.p95, fl.p95);
    verdicts.push({ name: `${scenario}: throughput app/floor`, value: t, budget: budget ? `≥ ${budget.throughput}×` : '(no budget)', pass: budget ? t >= budget.throughput && cleanRun(scenario) : null });
    verdicts.push({ name: `${scenario}: p95 app/floor`, value: p, budget: budget ? `≤ ${budget.p95}×` : '(no budget)', pass: budget ? p <= budget.p95 && cleanRun(scenario) : null });
    verdicts.push({ name: `${scenario}: server CPU per request app/floor`, value: ratio(app.cpuMsPerReq, fl.cpuMsPerReq), budget: '(no budget)', pass: null });
    if (scenario === 'signin') {
      const a = summary['argon2']!;
      const s = ratio(app.p95, a.p95);
      verdicts.push({ name: 'signin: p95 app / argon2id verify alone', value: s, budget: `≤ ${BUDGETS.signinVsArgon2.p95}×`, pass: s <= BUDGETS.signinVsArgon2.p95 && cleanRun('signin') });
      verdicts.push({ name: 'signin: p95 floor / argon2id verify alone', value: ratio(fl.p95, a.p95), budget: '(no budget)', pass: null });
    }
  }
  console.log('\n  ratios (of the medians)');
  for (const v of verdicts) console.log(`  ${v.name.padEnd(44)} ${fmt(v.value, 2).padStart(6)}×  ${v.budget.padEnd(12)} ${v.pass === null ? '' : v.pass ? 'PASS' : 'FAIL'}`);
  const failed = verdicts.filter((v) => v.pass === false);
  for (const scenario of SCENARIO_LIST) {
    if (!cleanRun(scenario)) console.log(`  ${scenario}: the app answered errors or non-2xx (a budget with errors fails)`);
  }
  if (sqlSame === false) console.log('  --sql: the floor did NOT send the same statements as the app (see above)');
  log(`${quick ? 'QUICK (smoke) run: the figures mean little. ' : ''}load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  if (args.json) {
    const out = { startedAt: startedAt.toISOString(), cpus: os.cpus().length, rounds: ROUNDS, duration: DURATION, wire, poolMax: Number(POOL_MAX), sqlSame, rows, summary, verdicts, budgets: BUDGETS };
    writeFileSync(args.json, `${JSON.stringify(out, null, 2)}\n`);
    log(`wrote ${args.json}`);
  }
  clearTimeout(watchdog);
  await cleanup();
  if (args.check && (failed.length > 0 || sqlSame === false)) {
    log(`--check: ${failed.length} budget(s) failed`);
    process.exitCode = 1;
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`[bench:http] ${signal}: stopping what it started`);
    void cleanup().finally(() => process.exit(130));
  });
}

main().catch(async (error: unknown) => {
  console.error(`[bench:http] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (stack) console.error(`[bench:http] the launcher's last lines:\n${stack.lines.slice(-15).join('\n')}`);
  await cleanup();
  process.exit(1);
});
