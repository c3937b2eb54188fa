/**
 * `npm run bench:soak` — PERF-1's soak (docs/performance.md): a bounded, open-loop mixed load on the
 * production stack, and the memory and event-loop delay of its processes over time.
 *
 *   npm run build && npm run bench:soak -- [--rate=50] [--minutes=10] [--warmup=120] [--sample=10]
 *     [--hold=30] [--max-in-flight=1000] [--json=FILE] [--check] [--quick]
 *
 *   --quick   1 minute, samples every 5 s (a smoke run; the acceptance is 50/s for 10 minutes)
 *
 * The stack: the launcher (`npm start`: embedded PostgreSQL + web + realtime sidecar) on the
 * bench's own ports (web 3410, sidecar 3411, PostgreSQL 54346; BENCH_SOAK_* move them) and data dir
 * .data/bench-soak (wiped at start), seeded like bench:http (a 200-task board, member sessions,
 * password users).
 *
 * The load: `--rate` operations per second, sent on a fixed schedule whatever the answers (open
 * loop: a saturated server shows as latency and a lower achieved rate, not as a slower bench), the
 * mix: 60 % board reads (task.list), 20 % task updates (versioned; a 409 is counted apart), 10 %
 * comments, 5 % sign-ins, 5 % realtime joins (a `realtime.ticket` call through the app, then a
 * WebSocket to the sidecar until it says `joined`; the socket stays open --hold seconds (30), so
 * the room keeps members and receives the writes' events). At most --max-in-flight (1000)
 * operations wait at once; one more is counted as an error (shed), as is any without an answer
 * within 30 s.
 *
 * The samples, every --sample seconds: the RSS (/proc/<pid>/status VmRSS) and the event-loop delay
 * of every process the launcher runs (web, realtime, and worker when it exists: scripts/lib/child-pids
 * CHILD_NAMES), the latter from bench/lib/loop-probe.mjs preloaded into them via NODE_OPTIONS (no app
 * change), which also reports the V8 heap. Drift = the last sample against the first sample after
 * --warmup seconds, and the same for the means of the first and last three samples (which a GC
 * saw-tooth moves less); the budget is on the floor of RSS, the lowest sample of the first third
 * after warm-up (--warmup, 120 s or a fifth of a shorter run) against the lowest of the last third: a
 * leak raises the floor the GC saw-tooth returns to (ADR 0023); and on growth only: memory that fell
 * passes.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { harnessPorts } from '../scripts/lib/ports';
import { benchArgs, percentile } from './lib/cli';
import { rssMb } from './lib/proc';
import { requireBuild, startStack, type Stack } from './lib/stack';
import { BENCH_PASSWORD, seedStack } from './http/seed';
import { call, decodeErrorData, detectWire } from './http/wire';

const args = benchArgs();
const quick = args.quick === 'true';
const RATE = Math.max(1, Number(args.rate ?? 50));
const MINUTES = Math.max(0.1, Number(args.minutes ?? (quick ? 1 : 10)));
const SAMPLE_S = Math.max(1, Number(args.sample ?? (quick ? 5 : 10)));
const WARMUP_S = Math.max(0, Number(args.warmup ?? Math.min(120, (MINUTES * 60) / 5)));
const HOLD_S = Math.max(1, Number(args.hold ?? 30));
const MAX_IN_FLIGHT = Math.max(1, Number(args['max-in-flight'] ?? 1000));
const TIMEOUT_MS = 30_000;
const PORTS = await harnessPorts(
  { web: ['BENCH_SOAK_PORT', 3410], realtime: ['BENCH_SOAK_REALTIME_PORT', 3411], pg: ['BENCH_SOAK_PG_PORT', 54346] },
  (line) => console.log(`[bench:soak] ${line}`),
);
const DATA_DIR = '.data/bench-soak';
const PROBE_DIR = path.resolve(DATA_DIR, 'loop-probe');

/** Issue 10's acceptance for the soak. */
const BUDGETS = { errors: 0, p95Ms: 250, drift: { web: 10, realtime: 5 } as Record<string, number> };

type Op = 'read' | 'update' | 'comment' | 'signin' | 'join';
const MIX: Array<[Op, number]> = [
  ['read', 0.6],
  ['update', 0.2],
  ['comment', 0.1],
  ['signin', 0.05],
  ['join', 0.05],
];

const log = (line: string) => console.log(`[bench:soak] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LoopSample {
  window: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The V8 heap when the window closed (MB). */
  heapUsedMb?: number;
  heapTotalMb?: number;
  youngGenMb?: number;
}

function loopSample(pid: number): LoopSample | null {
  try {
    return JSON.parse(readFileSync(path.join(PROBE_DIR, `${pid}.json`), 'utf8')) as LoopSample;
  } catch {
    return null;
  }
}

interface Sample {
  t: number;
  /** Per process name: pid, RSS MB, the last event-loop window (ms). */
  processes: Record<string, { pid: number; rssMb: number | null; loop: LoopSample | null }>;
  /** Operations completed in the window, per second. */
  ratePerSecond: number;
  p95Ms: number;
  errors: number;
  openSockets: number;
}

interface Stats {
  latencies: number[];
  ok: number;
  conflicts: number;
  non2xx: number;
  errors: number;
}

const newStats = (): Stats => ({ latencies: [], ok: 0, conflicts: 0, non2xx: 0, errors: 0 });

let stack: Stack | undefined;
const sockets = new Set<WebSocket>();

async function cleanup(): Promise<void> {
  for (const ws of sockets) ws.terminate();
  sockets.clear();
  await stack?.stop();
  stack = undefined;
}

async function main(): Promise<void> {
  requireBuild();
  const totalS = MINUTES * 60;
  const watchdog = setTimeout(() => {
    console.error('[bench:soak] ran far past its end: stopping');
    void cleanup().finally(() => process.exit(1));
  }, (totalS + 600) * 1000);
  watchdog.unref();

  log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${RATE} ops/s for ${MINUTES} min, samples every ${SAMPLE_S} s, warm-up ${WARMUP_S} s`);
  stack = await startStack(
    {
      dataDir: DATA_DIR,
      port: PORTS.web,
      realtimePort: PORTS.realtime,
      pgPort: PORTS.pg,
      env: {
        NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${path.resolve('bench/lib/loop-probe.mjs')}`].filter(Boolean).join(' '),
        KANSO_LOOP_PROBE_DIR: PROBE_DIR,
        KANSO_LOOP_PROBE_INTERVAL_MS: String(SAMPLE_S * 1000),
      },
    },
    log,
  );
  const base = stack.baseUrl;
  const CHILD_NAMES = stack.childNames;
  const wire = await detectWire(base);
  const seed = await seedStack({ baseUrl: base, wire, databaseUrl: stack.appDatabaseUrl, members: 50, signers: 20, tasks: 200 }, log);
  log(`stack ready (wire ${wire}); processes: ${CHILD_NAMES.map((n) => `${n} ${stack!.childPid(n) ?? '—'}`).join(', ')}`);

  // ── The operations ──
  const versions = new Map(seed.tasks.map((t) => [t.id, t.version]));
  let nextTask = 0;
  let nextMember = 0;
  let nextSigner = 0;
  const member = () => seed.members[nextMember++ % seed.members.length]!;
  const opts = (cookie?: string) => ({ cookie, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) kanso-bench-soak' } });
  const timed = <T>(promise: Promise<T>): Promise<T> =>
    Promise.race([promise, sleep(TIMEOUT_MS).then(() => Promise.reject(new Error('timeout')))]);

  /** Runs one operation; answers its HTTP-like status (0: no answer). */
  async function perform(op: Op): Promise<number> {
    const m = member();
    switch (op) {
      case 'read':
        return (await call(base, wire, 'query', 'task.list', { workspaceSlug: seed.slug, projectId: seed.projectId }, opts(m.cookie))).status;
      case 'update': {
        const task = seed.tasks[nextTask++ % seed.tasks.length]!;
        const answer = await call<{ version: number }>(base, wire, 'mutation', 'task.update', { workspaceSlug: seed.slug, taskId: task.id, expectedVersion: versions.get(task.id)!, title: `Soak ${nextTask}` }, opts(m.cookie));
        if (answer.data) versions.set(task.id, answer.data.version);
        else if (answer.status === 409) {
          const v = decodeErrorData<{ current?: { version: number } }>(answer.body)?.current?.version;
          if (v !== undefined) versions.set(task.id, v);
        }
        return answer.status;
      }
      case 'comment':
        return (await call(base, wire, 'mutation', 'comment.create', { workspaceSlug: seed.slug, id: randomUUID(), taskId: seed.tasks[nextTask++ % seed.tasks.length]!.id, body: 'Soak comment' }, opts(m.cookie))).status;
      case 'signin':
        return (await call(base, wire, 'mutation', 'auth.signIn', { email: seed.signerEmails[nextSigner++ % seed.signerEmails.length], password: BENCH_PASSWORD }, opts())).status;
      case 'join': {
        const ticket = await call<{ ticket: string; url: string }>(base, wire, 'mutation', 'realtime.ticket', { workspaceSlug: seed.slug, projectId: seed.projectId }, opts(m.cookie));
        if (!ticket.data) return ticket.status;
        const ws = new WebSocket(`ws://127.0.0.1:${PORTS.realtime}/?ticket=${encodeURIComponent(ticket.data.ticket)}`);
        sockets.add(ws);
        const joined = await new Promise<boolean>((resolve) => {
          ws.on('message', (data) => {
            if ((JSON.parse(String(data)) as { type?: string }).type === 'joined') resolve(true);
          });
          ws.on('close', () => {
            sockets.delete(ws);
            resolve(false);
          });
          ws.on('error', () => resolve(false));
        });
        if (!joined) return 0;
        setTimeout(() => ws.close(1000), HOLD_S * 1000).unref();
        return 200;
      }
    }
  }

  // ── The schedule ──
  const total: Record<Op, Stats> = { read: newStats(), update: newStats(), comment: newStats(), signin: newStats(), join: newStats() };
  let windowStats = newStats();
  let inFlight = 0;
  let sent = 0;
  let shed = 0;
  const pick = (i: number): Op => {
    // Deterministic mix: the i-th operation's place in a cycle of 20.
    const slot = (i % 20) / 20;
    let acc = 0;
    for (const [op, share] of MIX) {
      acc += share;
      if (slot < acc - 1e-9) return op;
    }
    return 'read';
  };
  const record = (op: Op, status: number, ms: number) => {
    for (const s of [total[op], windowStats]) {
      if (status === 0) {
        s.errors += 1;
        continue;
      }
      s.latencies.push(ms);
      if (status >= 200 && status < 300) s.ok += 1;
      else if (status === 409) s.conflicts += 1;
      else s.non2xx += 1;
    }
  };

  const samples: Sample[] = [];
  const started = performance.now();
  let lastSampleAt = started;
  const takeSample = () => {
    const now = performance.now();
    const w = windowStats;
    windowStats = newStats();
    const processes: Sample['processes'] = {};
    for (const name of CHILD_NAMES) {
      const pid = stack!.childPid(name);
      if (pid) processes[name] = { pid, rssMb: rssMb(pid), loop: loopSample(pid) };
    }
    w.latencies.sort((a, b) => a - b);
    const sample: Sample = { t: Math.round((now - started) / 1000), processes, ratePerSecond: (w.ok + w.conflicts + w.non2xx) / ((now - lastSampleAt) / 1000), p95Ms: percentile(w.latencies, 95), errors: w.errors, openSockets: sockets.size };
    lastSampleAt = now;
    samples.push(sample);
    const procs = Object.entries(processes)
      .map(([n, p]) => `${n} ${p.rssMb?.toFixed(0) ?? '?'} MB (heap ${p.loop?.heapUsedMb?.toFixed(0) ?? '?'}/${p.loop?.heapTotalMb?.toFixed(0) ?? '?'}, young ${p.loop?.youngGenMb?.toFixed(0) ?? '?'}) loop p99 ${p.loop?.p99Ms.toFixed(1) ?? '?'} ms`)
      .join(' | ');
    log(`t=${String(sample.t).padStart(4)} s  ${sample.ratePerSecond.toFixed(1).padStart(5)} resp/s  p95 ${sample.p95Ms.toFixed(0).padStart(5)} ms  errors ${sample.errors}  sockets ${sample.openSockets}  in flight ${inFlight}  | ${procs}`);
  };
  takeSample();
  const sampler = setInterval(takeSample, SAMPLE_S * 1000);

  const intervalMs = 1000 / RATE;
  const end = started + totalS * 1000;
  for (let i = 0; ; i += 1) {
    const at = started + i * intervalMs;
    if (at >= end) break;
    const wait = at - performance.now();
    if (wait > 1) await sleep(wait);
    const op = pick(i);
    sent += 1;
    if (inFlight >= MAX_IN_FLIGHT) {
      shed += 1;
      record(op, 0, 0);
      continue;
    }
    inFlight += 1;
    const t0 = performance.now();
    void timed(perform(op))
      .then(
        (status) => record(op, status, performance.now() - t0),
        () => record(op, 0, 0),
      )
      .finally(() => (inFlight -= 1));
  }
  // The last operations get their answers (bounded by the request timeout).
  const drainUntil = performance.now() + TIMEOUT_MS + 1000;
  while (inFlight > 0 && performance.now() < drainUntil) await sleep(100);
  clearInterval(sampler);
  takeSample();
  const elapsed = (performance.now() - started) / 1000;

  // ── Summary ──
  const all = newStats();
  for (const s of Object.values(total)) {
    all.latencies.push(...s.latencies);
    all.ok += s.ok;
    all.conflicts += s.conflicts;
    all.non2xx += s.non2xx;
    all.errors += s.errors;
  }
  all.latencies.sort((a, b) => a - b);
  const answered = all.ok + all.conflicts + all.non2xx;
  console.log(`\n  soak: ${sent} operations sent in ${totalS.toFixed(0)} s (target ${RATE}/s), ${answered} answered in ${elapsed.toFixed(0)} s: ${(answered / elapsed).toFixed(1)} resp/s`);
  console.log(`  p50 ${percentile(all.latencies, 50).toFixed(1)} ms  p95 ${percentile(all.latencies, 95).toFixed(1)} ms  p99 ${percentile(all.latencies, 99).toFixed(1)} ms  errors ${all.errors} (shed ${shed})  non-2xx ${all.non2xx}  409s ${all.conflicts}`);
  console.log('  op        count   p50 ms   p95 ms   p99 ms errors non2xx  409s');
  for (const [op, s] of Object.entries(total)) {
    s.latencies.sort((a, b) => a - b);
    console.log(`  ${op.padEnd(8)} ${String(s.latencies.length + s.errors).padStart(6)} ${percentile(s.latencies, 50).toFixed(1).padStart(8)} ${percentile(s.latencies, 95).toFixed(1).padStart(8)} ${percentile(s.latencies, 99).toFixed(1).padStart(8)} ${String(s.errors).padStart(6)} ${String(s.non2xx).padStart(6)} ${String(s.conflicts).padStart(5)}`);
  }

  const afterWarmup = samples.filter((s) => s.t >= WARMUP_S);
  const baseline = afterWarmup.length > 0 ? afterWarmup : samples;
  console.log(
    `\n  process   start MB  first after warm-up (t=${baseline[0]?.t ?? '?'} s) MB  end MB   max MB  drift %  drift of 3-sample means %  young gen MB  floor drift %  loop p99 ms (median / max window)  restarts`,
  );
  const verdicts: Array<{ name: string; value: string; budget: string; pass: boolean | null }> = [];
  const drifts: Record<string, { drift: number; meanDrift: number; floorDrift: number }> = {};
  for (const name of CHILD_NAMES) {
    const series = samples.map((s) => s.processes[name]).filter((p): p is NonNullable<typeof p> => p !== undefined);
    if (series.length === 0) continue;
    const rss = (list: typeof samples) => list.map((s) => s.processes[name]?.rssMb).filter((v): v is number => typeof v === 'number');
    const all = rss(samples);
    const after = rss(baseline);
    const first = after[0] ?? NaN;
    const last = all.at(-1) ?? NaN;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const drift = ((last - first) / first) * 100;
    const meanDrift = ((mean(after.slice(-3)) - mean(after.slice(0, 3))) / mean(after.slice(0, 3))) * 100;
    // The budget's figure (ADR 0023): the floor of RSS — the lowest sample in the first third after
    // warm-up against the lowest in the last third. A leak raises the floor the GC saw-tooth returns to;
    // where a sample falls on a tooth does not move it (the web's heap climbs 55 → 200 MB and drops).
    // The young generation's size is shown beside it: V8 grows it under allocation (the sidecar's
    // 8 → 32 MB in its first 80 s, which is what the 2-minute warm-up is for) and may shrink it again.
    const young = baseline.map((s) => s.processes[name]?.loop?.youngGenMb);
    const third = Math.floor(after.length / 3);
    const floorOf = (xs: number[]) => Math.min(...xs);
    const floorDrift = third >= 2 ? ((floorOf(after.slice(-third)) - floorOf(after.slice(0, third))) / floorOf(after.slice(0, third))) * 100 : Number.NaN;
    const budgetDrift = Number.isNaN(floorDrift) ? meanDrift : floorDrift;
    drifts[name] = { drift, meanDrift, floorDrift };
    const loops = series.map((p) => p.loop?.p99Ms).filter((v): v is number => typeof v === 'number');
    const sortedLoops = [...loops].sort((a, b) => a - b);
    const restarts = new Set(series.map((p) => p.pid)).size - 1;
    console.log(
      `  ${name.padEnd(9)} ${(all[0] ?? NaN).toFixed(0).padStart(8)} ${first.toFixed(0).padStart(36)} ${last.toFixed(0).padStart(7)} ${Math.max(...all).toFixed(0).padStart(8)} ${drift.toFixed(1).padStart(8)} ${meanDrift.toFixed(1).padStart(26)} ${`${young.find((v) => v !== undefined)?.toFixed(0) ?? '?'} → ${young.at(-1)?.toFixed(0) ?? '?'}`.padStart(13)} ${floorDrift.toFixed(1).padStart(13)} ${`${percentile(sortedLoops, 50).toFixed(1)} / ${(sortedLoops.at(-1) ?? NaN).toFixed(1)}`.padStart(34)} ${String(restarts).padStart(9)}`,
    );
    if (BUDGETS.drift[name] !== undefined) {
      const what = Number.isNaN(floorDrift) ? `${name} RSS drift (3-sample)` : `${name} RSS floor drift`;
      verdicts.push({ name: what, value: `${budgetDrift.toFixed(1)} %`, budget: `< ${BUDGETS.drift[name]} %`, pass: budgetDrift < BUDGETS.drift[name]! });
    }
  }
  const p95 = percentile(all.latencies, 95);
  verdicts.unshift(
    { name: 'errors', value: String(all.errors + all.non2xx), budget: '= 0', pass: all.errors + all.non2xx === 0 },
    { name: 'p95', value: `${p95.toFixed(1)} ms`, budget: `< ${BUDGETS.p95Ms} ms`, pass: p95 < BUDGETS.p95Ms },
    { name: 'achieved rate', value: `${(answered / elapsed).toFixed(1)}/s`, budget: `(${RATE}/s sent)`, pass: null },
  );
  console.log('\n  budgets (issue 10)');
  for (const v of verdicts) console.log(`  ${v.name.padEnd(26)} ${v.value.padStart(12)}  ${v.budget.padEnd(10)} ${v.pass === null ? '' : v.pass ? 'PASS' : 'FAIL'}`);
  if (MINUTES < 10 || RATE !== 50) console.log(`  (the acceptance is 50/s for 10 min; this run: ${RATE}/s for ${MINUTES} min)`);
  log(`load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  if (args.json) {
    const perOp = Object.fromEntries(Object.entries(total).map(([op, s]) => [op, { count: s.latencies.length + s.errors, p50: percentile(s.latencies, 50), p95: percentile(s.latencies, 95), p99: percentile(s.latencies, 99), errors: s.errors, non2xx: s.non2xx, conflicts: s.conflicts }]));
    writeFileSync(args.json, `${JSON.stringify({ rate: RATE, minutes: MINUTES, warmupS: WARMUP_S, sent, answered, elapsed, shed, p95, perOp, drifts, samples, verdicts }, null, 2)}\n`);
    log(`wrote ${args.json}`);
  }
  clearTimeout(watchdog);
  await cleanup();
  if (args.check && verdicts.some((v) => v.pass === false)) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`[bench:soak] ${signal}: stopping what it started`);
    void cleanup().finally(() => process.exit(130));
  });
}

main().catch(async (error: unknown) => {
  console.error(`[bench:soak] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (stack) console.error(`[bench:soak] the launcher's last lines:\n${stack.lines.slice(-15).join('\n')}`);
  await cleanup();
  process.exit(1);
});
