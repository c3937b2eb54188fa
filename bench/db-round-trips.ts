/**
 * ADR 0014 benchmark: the hot procedures before and after the database round-trip work, measured
 * side by side in ONE run, interleaved (before, after, after, before, …), medians of the rounds.
 *
 * "before" is the server code of another commit (`--before=<rev>`, default: where this branch left
 * main), unpacked with `git archive` into .data/bench-db/before/ (sharing this checkout's
 * node_modules); "after" is this checkout. Each runs in its own child process (bench/lib/db-load.ts,
 * the tRPC caller in-process, DATABASE_POOL_MAX connections like the server) against its own
 * database — migrated by its own code — on one embedded PostgreSQL (fsync off). Only one side runs
 * at a time. Every op is one request: createContext (session lookup) + the procedure.
 *
 *   node --import ./bench/lib/register.mjs --import tsx bench/db-round-trips.ts \
 *     [--before=<rev>] [--rounds=3] [--ops=400] [--port=54430]
 *
 * Prints figures; asserts nothing. Round trips per call are counted by test/perf/round-trips.test.ts.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from '../scripts/lib/embedded-postgres';
import { benchArgs } from './lib/cli';

const args = benchArgs();
const ROUNDS = Number(args.rounds ?? 3);
const OPS = Number(args.ops ?? 400);
const PORT = Number(args.port ?? 54430);
const BEFORE = args.before ?? execFileSync('git', ['merge-base', 'HEAD', 'main'], { encoding: 'utf8' }).trim();

const SCENARIOS = [
  { scenario: 'task.list', label: 'task.list (200 tasks)', concurrency: 20 },
  { scenario: 'task.update', label: 'task.update', concurrency: 10 },
  { scenario: 'comment.create', label: 'comment.create', concurrency: 10 },
  { scenario: 'auth.signIn', label: 'sign-in (10 users)', concurrency: 10 },
] as const;

type Result = { perSecond: number; p50: number; p95: number; p99: number; errors: number; cpuMsPerOp: number; pgCpuMsPerOp: number };
type Side = 'before' | 'after';

const log = (line: string) => console.log(`[bench-db] ${line}`);
const root = process.cwd();
const workDir = path.join(root, '.data/bench-db');

function unpackBefore(): string {
  const dir = path.join(workDir, 'before');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('bash', ['-c', `git archive ${JSON.stringify(BEFORE)} | tar -x -C ${JSON.stringify(dir)}`]);
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  // The load driver (and the helpers it uses) as of this checkout.
  mkdirSync(path.join(dir, 'bench/lib'), { recursive: true });
  mkdirSync(path.join(dir, 'scripts/lib'), { recursive: true });
  for (const file of ['bench/lib/db-load.ts', 'bench/lib/cli.ts', 'bench/lib/register.mjs', 'scripts/lib/server-only-hooks.mjs']) {
    copyFileSync(path.join(root, file), path.join(dir, file));
  }
  return dir;
}

class Child {
  private waiting: { resolve: (message: Record<string, unknown>) => void; reject: (error: Error) => void } | null = null;
  private constructor(private readonly process: ChildProcess) {
    process.on('message', (message: Record<string, unknown>) => {
      const waiting = this.waiting;
      this.waiting = null;
      if (typeof message.error === 'string') waiting?.reject(new Error(message.error));
      else waiting?.resolve(message);
    });
    process.on('exit', (code) => this.waiting?.reject(new Error(`bench child exited with ${code}`)));
  }

  static async start(cwd: string, env: NodeJS.ProcessEnv): Promise<Child> {
    const child = new Child(
      fork(path.join(cwd, 'bench/lib/db-load.ts'), [], { cwd, env, execArgv: ['--import', './bench/lib/register.mjs', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    await child.next();
    return child;
  }

  private next(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async ask(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = this.next();
    this.process.send(message);
    return reply;
  }

  stop(): void {
    this.process.send({ cmd: 'exit' });
  }
}

/**
 * CPU seconds (user + system) of the cluster's backends so far: every process whose parent is the
 * postmaster, from /proc (Linux). Only one side runs at a time, so a cell's delta is that side's.
 */
function postgresCpuSeconds(postmaster: number): number {
  const tick = 100; // USER_HZ
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === postmaster || Number(entry) === postmaster) total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const dataDir = path.join(workDir, `pg-${process.pid}`);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  let cluster: EmbeddedCluster | undefined;
  const children: Partial<Record<Side, Child>> = {};
  try {
    const beforeDir = unpackBefore();
    log(`before = ${BEFORE.slice(0, 12)} (in ${path.relative(root, beforeDir)}), after = this checkout`);
    cluster = await startEmbeddedPostgres({ dataDir, port: PORT });
    const secret = randomBytes(32).toString('base64url');
    for (const [side, cwd] of [
      ['before', beforeDir],
      ['after', root],
    ] as const) {
      const database = `kanso_bench_${side}`;
      await ensureDatabase(cluster, database);
      const env = { ...process.env, DATABASE_URL: cluster.appUrl(database), DATABASE_ADMIN_URL: cluster.ownerUrl(database), AUTH_SECRET: secret, LOG_LEVEL: 'warn', DATABASE_POOL_MAX: '10' };
      children[side] = await Child.start(cwd, env);
      await children[side].ask({ cmd: 'setup', writers: 10, signers: 10 });
      log(`${side}: migrated and seeded`);
    }
    const results: Record<string, Record<Side, Result[]>> = {};
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const { scenario, label, concurrency } of SCENARIOS) {
        // ABBA: each side goes first in every other round.
        const order: Side[] = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
        for (const side of order) {
          const child = children[side]!;
          const ops = scenario === 'auth.signIn' ? Math.max(50, Math.round(OPS / 4)) : OPS;
          await child.ask({ cmd: 'run', scenario, concurrency, ops: concurrency * 2 }); // warm-up
          const pg0 = postgresCpuSeconds(cluster.server.pid);
          const result = (await child.ask({ cmd: 'run', scenario, concurrency, ops })) as unknown as Result;
          result.pgCpuMsPerOp = ((postgresCpuSeconds(cluster.server.pid) - pg0) * 1000) / ops;
          ((results[label] ??= { before: [], after: [] })[side]).push(result);
        }
      }
      log(`round ${round + 1}/${ROUNDS} done`);
    }
    const f = (n: number, digits = 1) => n.toFixed(digits).padStart(8);
    console.log(`\nmedians of ${ROUNDS} interleaved rounds, ${OPS} ops per cell (sign-in: ${Math.max(50, Math.round(OPS / 4))}); in-process tRPC caller, pool 10`);
    console.log('procedure              | conc |   ops/s before    after  ratio |  p50 ms before    after |  p95 ms before    after  ratio | node CPU ms/op b/a | PG CPU ms/op b/a | errors');
    for (const { label, concurrency } of SCENARIOS) {
      const r = results[label]!;
      const m = (side: Side, key: keyof Result) => median(r[side].map((x) => x[key]));
      const errors = [...r.before, ...r.after].reduce((sum, x) => sum + x.errors, 0);
      console.log(
        `${label.padEnd(22)} | ${String(concurrency).padStart(4)} | ${f(m('before', 'perSecond'))} ${f(m('after', 'perSecond'))} ${f(m('after', 'perSecond') / m('before', 'perSecond'), 2)} | ${f(m('before', 'p50'))} ${f(m('after', 'p50'))} | ${f(m('before', 'p95'))} ${f(m('after', 'p95'))} ${f(m('after', 'p95') / m('before', 'p95'), 2)} | ${f(m('before', 'cpuMsPerOp'), 2)} ${f(m('after', 'cpuMsPerOp'), 2)} | ${f(m('before', 'pgCpuMsPerOp'), 2)} ${f(m('after', 'pgCpuMsPerOp'), 2)} | ${errors}`,
      );
    }
    console.log('\nper round, throughput after/before (the spread shows the noise of a shared machine):');
    for (const { label } of SCENARIOS) {
      const r = results[label]!;
      console.log(`  ${label.padEnd(22)} ${r.after.map((a, i) => (a.perSecond / r.before[i]!.perSecond).toFixed(2)).join('  ')}`);
    }
  } finally {
    for (const child of Object.values(children)) child?.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(path.join(workDir, 'before'), { recursive: true, force: true });
  }
}

await main();
