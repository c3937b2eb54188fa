/**
 * `npm run test:chaos` (REL-3): the production build under a bounded write loop while its processes
 * are killed, as its users' worst day would run it. Needs `npm run build` first; loopback only; every
 * loop has a bound; it ends only processes it started (the stack's, found by port, pid file and the
 * stack's data directory in their environment).
 *
 * One stack (`scripts/launch.ts start`, embedded PostgreSQL in .data/chaos, ports 3700/3701/54370 —
 * CHAOS_APP_PORT, CHAOS_REALTIME_PORT, CHAOS_PG_PORT move them; a default already taken moves to a free port), then one scenario per fault, each on
 * a fresh project with 4 writers (test/chaos/workload.ts), a read probe every 100 ms and an open
 * board (test/chaos/listener.ts, the browser's resync rules):
 *
 *   sidecar kill -9      HTTP keeps serving (0 failed probes); the board reconnects and converges
 *   worker kill -9       while 100 queued jobs run: restarted by the launcher, every job completes,
 *                        each effect exactly once; HTTP keeps serving
 *   web kill -9          restarted by the launcher; HTTP down < 5 s
 *   PostgreSQL restart   stopped under load (restarted by the launcher); 503 + Retry-After meanwhile;
 *                        writes resume by themselves
 *   launcher kill -9     then started again, as a supervisor would: it takes over what was left
 *   db:migrate           while the stack runs: readiness stays 200 throughout
 *   SIGTERM              under keep-alive load: in-flight requests complete, PostgreSQL stops last,
 *                        exit 0, no process left
 *
 * Each write scenario asserts 0 acknowledged writes lost, 0 duplicated effects, no 500, and the
 * board converging to the database within 10 s of recovery. Prints a table; writes
 * test-results/chaos-report.json (.ci/run counts its scenarios); exits 1 if any scenario failed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type postgres from 'postgres';
import { insertTeam, type TeamUser } from '../../e2e/support/team';
import { createApi, newStats, type Api, type ResponseStats } from './api';
import { openBoard } from './listener';
import { alive, processesOfStack, sleep, waitUntil } from './processes';
import {
  appReady,
  chaosConfig,
  postmasterPid,
  sidecarPid,
  sidecarReady,
  stackEnv,
  startLauncher,
  stopLauncher,
  superuser,
  waitReady,
  webPid,
  workerPid,
  workerReady,
  type Launcher,
} from './stack';
import { account, downtime, longestWriteGap, startProbe, startWorkload } from './workload';

const root = fileURLToPath(new URL('../..', import.meta.url));
const REPORT = path.join(root, 'test-results', 'chaos-report.json');
const log = (line: string) => console.log(`[chaos] ${line}`);
const config = await chaosConfig(root, log);
const baseUrl = `http://127.0.0.1:${config.port}`;

interface Row {
  name: string;
  ok: boolean;
  acked?: number;
  lost?: number;
  duplicated?: number;
  httpDownMs?: number;
  writesStalledMs?: number;
  unavailable?: number;
  convergedMs?: number | null;
  detail: string[];
}

const rows: Row[] = [];
let launcher: Launcher | null = null;
let db: postgres.Sql | null = null;

// ─── Helpers ───────────────────────────────────────────────────────────────────────────────────

function kill(pid: number | null, signal: NodeJS.Signals, what: string): number {
  if (!pid) throw new Error(`no ${what} process found`);
  process.kill(pid, signal);
  return pid;
}

/** Lines of a stats object for the detail column. */
function describeStats(stats: ResponseStats): string {
  const statuses = [...stats.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  return `responses ${statuses || 'none'}; no response ×${stats.noResponse}`;
}

async function databaseTruth(sql: postgres.Sql, projectId: string) {
  const rowsInDb = await sql<{ id: string; version: number; title: string }[]>`SELECT id, version, title FROM tasks WHERE project_id = ${projectId}`;
  return new Map(rowsInDb.map((r) => [r.id, { version: r.version, title: r.title }]));
}

interface WriteScenario {
  name: string;
  /** Injects the fault; returns when it is done (the process killed, the server stopped…). */
  fault: () => Promise<void>;
  /** The stack is whole again (default: app and sidecar ready). */
  recovered?: () => Promise<boolean>;
  /** Extra checks once the scenario ran. */
  check?: (r: { stats: ResponseStats; httpDown: { ms: number; failedSamples: number }; detail: string[] }) => boolean | Promise<boolean>;
}

async function runWriteScenario(team: TeamUser[], slug: string, scenario: WriteScenario): Promise<void> {
  const detail: string[] = [];
  const row: Row = { name: scenario.name, ok: false, detail };
  rows.push(row);
  const stats = newStats();
  const apis = team.map((u) => createApi(baseUrl, u.sessionToken, stats));
  const owner = apis[0]!;
  const projectId = randomUUID();
  await owner.project.create.mutate({ workspaceSlug: slug, id: projectId, name: scenario.name });
  const board = openBoard(createApi(baseUrl, team[1]!.sessionToken, newStats()), slug, projectId);
  await board.ready;
  const probeStats = newStats();
  const probe = startProbe(createApi(baseUrl, team[2]!.sessionToken, probeStats, 3000), slug, projectId);
  const workload = startWorkload({ apis, workspaceSlug: slug, projectId });
  try {
    await sleep(3000);
    const faultAt = Date.now();
    await scenario.fault();
    const recovered = await waitUntil(
      async () => (scenario.recovered ? scenario.recovered() : (await appReady(config)) === 200 && (await sidecarReady(config)) === 200),
      60_000,
      100,
    );
    if (!recovered) detail.push('did not recover within 60 s');
    // Recovery = the first acknowledged write once the stack is whole again.
    const wholeAt = Date.now();
    await waitUntil(() => workload.ackTimes.some((t) => t >= wholeAt), 30_000, 20);
    const recoveredAt = workload.ackTimes.find((t) => t >= wholeAt) ?? Date.now();
    await sleep(2000);
    const { unfinished } = await workload.stop(60_000);
    const stoppedAt = Date.now();
    await probe.stop();
    if (unfinished) detail.push(`${unfinished} writer(s) could not finish their op`);

    // Convergence: the open board shows exactly the database's tasks, within 10 s of recovery.
    let convergedAt: number | null = null;
    let lastDiff: string[] = [];
    await waitUntil(async () => {
      lastDiff = board.diff(await databaseTruth(db!, projectId));
      if (lastDiff.length === 0) convergedAt = Date.now();
      return lastDiff.length === 0;
    }, Math.max(0, recoveredAt + 10_000 - Date.now()) + 2000, 100);
    row.convergedMs = convergedAt === null ? null : Math.max(0, (convergedAt as number) - recoveredAt);
    // The loop writes for 2 s after recovery: the board can only match the database once it stops.
    if (convergedAt !== null) detail.push(`board matched the database ${Math.max(0, (convergedAt as number) - stoppedAt)} ms after the last write`);

    const accounting = await account(db!, workload, projectId);
    const httpDown = downtime(probe.samples, faultAt, recoveredAt);
    Object.assign(row, {
      acked: accounting.acked,
      lost: accounting.lost,
      duplicated: accounting.duplicated,
      httpDownMs: httpDown.ms,
      writesStalledMs: longestWriteGap(workload.ackTimes, faultAt, recoveredAt),
      unavailable: stats.byStatus.get(503) ?? 0,
    });
    detail.push(describeStats(stats));
    detail.push(`board: ${board.counts.connects} connects, ${board.counts.resyncs} resyncs, ${board.counts.resyncFrames} resync frames, ${board.counts.events} live events`);
    let ok = recovered && unfinished === 0 && accounting.lost === 0 && accounting.duplicated === 0 && accounting.problems.length === 0;
    if (accounting.problems.length) detail.push(...accounting.problems.slice(0, 10));
    if (accounting.acked < 50) {
      ok = false;
      detail.push(`only ${accounting.acked} writes acknowledged: the loop did not run`);
    }
    if (row.convergedMs === null || row.convergedMs > 10_000) {
      ok = false;
      detail.push(`board did not converge within 10 s of recovery: ${lastDiff.slice(0, 5).join('; ')}${lastDiff.length > 5 ? ` (+${lastDiff.length - 5})` : ''}`);
    }
    const five = (stats.byStatus.get(500) ?? 0) + (probeStats.byStatus.get(500) ?? 0);
    if (five) {
      ok = false;
      detail.push(`${five} responses were 500`);
    }
    if (stats.unavailableWithoutRetryAfter + probeStats.unavailableWithoutRetryAfter) {
      ok = false;
      detail.push(`${stats.unavailableWithoutRetryAfter + probeStats.unavailableWithoutRetryAfter} 503s without Retry-After`);
    }
    if (stats.errorsWithoutRequestId + probeStats.errorsWithoutRequestId) {
      ok = false;
      detail.push(`${stats.errorsWithoutRequestId + probeStats.errorsWithoutRequestId} error responses without a request id`);
    }
    if (scenario.check && !(await scenario.check({ stats, httpDown, detail }))) ok = false;
    row.ok = ok;
  } catch (error) {
    detail.push(`aborted: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    board.stop();
    await workload.stop(1000).catch(() => undefined);
    await probe.stop().catch(() => undefined);
  }
}

// ─── Scenarios ─────────────────────────────────────────────────────────────────────────────────

async function startStack(): Promise<Launcher> {
  const started = startLauncher(config);
  if (!(await waitReady(config, 180_000, started))) {
    throw new Error(`the stack did not become ready:\n${started.tail(40).join('\n')}`);
  }
  return started;
}

async function scenarioMigrate(): Promise<void> {
  const detail: string[] = [];
  const row: Row = { name: 'db:migrate while running', ok: false, detail };
  rows.push(row);
  const statuses = new Map<number | null, number>();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const s = await appReady(config);
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
      await sleep(100);
    }
  })();
  const migrate = spawn(process.execPath, ['--import', 'tsx', 'scripts/db.ts', 'migrate'], { cwd: root, env: stackEnv(config), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  migrate.stdout.on('data', (d: Buffer) => void (output += d.toString()));
  migrate.stderr.on('data', (d: Buffer) => void (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => migrate.kill('SIGKILL'), 120_000);
    migrate.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  await sleep(2000);
  polling = false;
  await poller;
  const notReady = [...statuses.entries()].filter(([s]) => s !== 200).reduce((n, [, c]) => n + c, 0);
  row.httpDownMs = notReady * 100;
  detail.push(`readiness polled ${[...statuses.values()].reduce((a, b) => a + b, 0)}×: ${[...statuses.entries()].map(([s, n]) => `${s ?? 'no answer'}×${n}`).join(' ')}; db:migrate exit ${code}`);
  if (code !== 0) detail.push(output.trim().split('\n').slice(-5).join(' | '));
  const stillRunning = launcher !== null && launcher.child.exitCode === null && postmasterPid(config) !== null;
  if (!stillRunning) detail.push('the stack did not survive');
  row.ok = code === 0 && notReady === 0 && stillRunning;
}

const stackProcesses = () => processesOfStack(config.dataDir);

async function scenarioSigterm(team: TeamUser[], slug: string): Promise<void> {
  const detail: string[] = [];
  const row: Row = { name: 'SIGTERM under keep-alive load', ok: false, detail };
  rows.push(row);
  const current = launcher!;
  const stats = newStats();
  const projectId = randomUUID();
  const owner = createApi(baseUrl, team[0]!.sessionToken, stats);
  await owner.project.create.mutate({ workspaceSlug: slug, id: projectId, name: 'sigterm' });
  // Ten keep-alive clients reading in a loop, like autocannon -c 10.
  const readers: Api[] = Array.from({ length: 10 }, (_, i) => createApi(baseUrl, team[i % team.length]!.sessionToken, stats, 20_000));
  const errors = new Map<string, number>();
  let stopping = false;
  let completed = 0;
  let resetsRetried = 0;
  const causeOf = (error: unknown) => ((error as { cause?: { cause?: { code?: string } } }).cause?.cause?.code ?? (error as Error).message).toString();
  const read = (api: Api) => api.task.list.query({ workspaceSlug: slug, projectId, limit: 50 });
  const loops = readers.map(async (api) => {
    while (!stopping) {
      try {
        try {
          await read(api);
        } catch (error) {
          // A reset on a reused keep-alive connection (closed by the server as the request went
          // out) is retried once, as browsers do for an idempotent GET (RFC 9112 §9.3.1). Only a
          // retry that is answered forgives it: a request cut by a server on its way out is retried
          // into a closed port, and then the reset itself is what counts.
          if (!/ECONNRESET/.test(causeOf(error))) throw error;
          try {
            await read(api);
          } catch (retryError) {
            errors.set('ECONNRESET', (errors.get('ECONNRESET') ?? 0) + 1);
            throw retryError;
          }
          resetsRetried += 1;
        }
        completed += 1;
      } catch (error) {
        const cause = causeOf(error);
        errors.set(cause, (errors.get(cause) ?? 0) + 1);
        if (/ECONNREFUSED/.test(cause)) return; // the server is gone: stop like a client would
        await sleep(50);
      }
    }
  });
  await sleep(2000);
  const pids = { web: webPid(config), sidecar: sidecarPid(config), postgres: postmasterPid(config) };
  const gone: { web: number | null; sidecar: number | null; postgres: number | null } = { web: null, sidecar: null, postgres: null };
  const termAt = Date.now();
  current.child.kill('SIGTERM');
  const watcher = (async () => {
    while (Object.values(gone).some((v) => v === null) && Date.now() - termAt < 60_000) {
      for (const name of ['web', 'sidecar', 'postgres'] as const) if (gone[name] === null && (!pids[name] || !alive(pids[name]))) gone[name] = Date.now() - termAt;
      await sleep(10);
    }
  })();
  const exit = await Promise.race([current.exited, sleep(60_000).then(() => null)]);
  await watcher;
  stopping = true;
  await Promise.race([Promise.all(loops), sleep(25_000)]);
  launcher = null;
  const left = await (async () => {
    let found = stackProcesses();
    await waitUntil(() => (found = stackProcesses()).length === 0, 3000, 100);
    return found;
  })();
  const cut = [...errors.entries()].filter(([cause]) => !/ECONNREFUSED/.test(cause));
  const fives = [...stats.byStatus.entries()].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  detail.push(`${completed} reads completed; errors: ${[...errors.entries()].map(([c, n]) => `${c}×${n}`).join(' ') || 'none'}; resets retried once: ${resetsRetried}; ${describeStats(stats)}`);
  detail.push(`gone after SIGTERM (ms): web ${gone.web}, sidecar ${gone.sidecar}, postgres ${gone.postgres}; exit ${exit ? `${exit.code ?? exit.signal}` : 'none within 60 s'}`);
  detail.push(`last launcher line: ${current.tail(1)[0] ?? '(none)'}`);
  if (left.length) detail.push(`left running: ${left.map((p) => `${p.pid} ${p.cmd.slice(0, 80)}`).join('; ')}`);
  const order = gone.postgres !== null && gone.web !== null && gone.sidecar !== null && gone.postgres >= gone.web && gone.postgres >= gone.sidecar;
  if (!order) detail.push('PostgreSQL did not stop last');
  row.httpDownMs = 0;
  row.ok = exit !== null && exit.code === 0 && cut.length === 0 && fives === 0 && order && left.length === 0;
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

// ─── Main ──────────────────────────────────────────────────────────────────────────────────────

function printTable(): void {
  const header = ['fault', 'acked', 'lost', 'dup', 'http down s', 'writes stalled s', '503s', 'converged s', 'result'];
  const s = (ms: number | null | undefined) => (ms === undefined ? '–' : ms === null ? 'never' : (ms / 1000).toFixed(2));
  const table = rows.map((r) => [r.name, String(r.acked ?? '–'), String(r.lost ?? '–'), String(r.duplicated ?? '–'), s(r.httpDownMs), s(r.writesStalledMs), String(r.unavailable ?? '–'), s(r.convergedMs), r.ok ? 'ok' : 'FAILED']);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log();
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of table) console.log(line(r));
  console.log();
  for (const r of rows) for (const d of r.detail) console.log(`  ${r.name}: ${d}`);
}

async function main(): Promise<number> {
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    console.error('[chaos] no production build (.next/BUILD_ID): run `npm run build` first');
    return 1;
  }
  // A crashed earlier run's stack: stop what carries this data directory, then start fresh.
  for (const p of stackProcesses()) {
    log(`stopping a process left by an earlier run: ${p.pid} ${p.cmd.slice(0, 80)}`);
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await waitUntil(() => stackProcesses().length === 0, 10_000, 100);
  rmSync(config.dataDir, { recursive: true, force: true });

  const started = Date.now();
  launcher = await startStack();
  log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (web ${webPid(config)}, sidecar ${sidecarPid(config)}, postgres ${postmasterPid(config)}, launcher ${launcher.pid})`);
  db = superuser(config);
  const team = await insertTeam(db, ['owner', 'member', 'member', 'member'], 'Chaos');
  const slug = team.workspace.slug;

  /** Before each scenario: the stack whole, else (an earlier scenario broke it) a fresh launcher. */
  const ensureStack = async () => {
    if (launcher && launcher.child.exitCode === null && (await waitReady(config, 10_000, launcher))) return;
    log('the stack is not whole after the previous scenario; starting it again');
    if (launcher) await stopLauncher(launcher, 30_000);
    for (const p of stackProcesses()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await waitUntil(() => stackProcesses().length === 0, 10_000, 100);
    launcher = await startStack();
    await db?.end({ timeout: 1 }).catch(() => undefined);
    db = superuser(config);
  };
  const scenarios: { name: string; run: () => Promise<void> }[] = [];
  const writeScenario = (scenario: WriteScenario) => scenarios.push({ name: scenario.name, run: () => runWriteScenario(team.users, slug, scenario) });

  writeScenario({
    name: 'sidecar kill -9',
    fault: async () => {
      const before = kill(sidecarPid(config), 'SIGKILL', 'sidecar');
      await waitUntil(() => !alive(before), 5000, 10);
    },
    check: ({ httpDown, detail }) => {
      if (httpDown.failedSamples > 0) detail.push(`the API failed ${httpDown.failedSamples} probes while only the sidecar was down`);
      return httpDown.failedSamples === 0;
    },
  });

  // 100 probe jobs of 0.5 s each (jobs.probe: one job_probe_runs row per run, src/server/jobs/probe-task.ts),
  // 4 at a time (JOBS_CONCURRENCY); the worker is killed while some run (test/jobs/worker-crash.test.ts kills it with 100 running).
  let probePrefix = '';
  const probeRuns = async () =>
    (await db!<{ runs: number; keys: number }[]>`
      SELECT count(*)::int AS runs, count(DISTINCT probe_key)::int AS keys FROM job_probe_runs WHERE probe_key LIKE ${`${probePrefix}%`}`)[0]!;
  writeScenario({
    name: 'worker kill -9',
    fault: async () => {
      probePrefix = `chaos-${Date.now()}-`;
      await db!.begin(async (tx) => {
        for (let i = 0; i < 100; i += 1) {
          await tx`SELECT graphile_worker.add_job('jobs.probe', ${tx.json({ key: `${probePrefix}${i}`, sleepMs: 500 })}::json)`;
        }
      });
      await waitUntil(async () => {
        const [row] = await db!<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE locked_at IS NOT NULL`;
        return (row?.n ?? 0) > 0;
      }, 10_000, 20);
      const before = kill(workerPid(config), 'SIGKILL', 'worker');
      await waitUntil(() => !alive(before), 5000, 10);
    },
    recovered: async () => (await appReady(config)) === 200 && (await sidecarReady(config)) === 200 && (await workerReady(config)) === 200,
    check: async ({ httpDown, detail }) => {
      let ok = true;
      if (httpDown.failedSamples > 0) {
        detail.push(`the API failed ${httpDown.failedSamples} probes while only the worker was down`);
        ok = false;
      }
      await waitUntil(async () => (await probeRuns()).keys === 100, 40_000, 200);
      const runs = await probeRuns();
      detail.push(`jobs: ${runs.keys}/100 completed, ${runs.runs} effect rows`);
      if (runs.keys !== 100 || runs.runs !== 100) {
        ok = false;
        const queue = await db!<{ state: string; n: number; error: string | null }[]>`
          SELECT CASE WHEN locked_at IS NOT NULL THEN 'locked' WHEN run_at > now() THEN 'waiting' ELSE 'due' END AS state,
                 count(*)::int AS n, max(last_error) AS error
            FROM graphile_worker._private_jobs GROUP BY 1`;
        detail.push(`queue: ${queue.map((q) => `${q.state}×${q.n}${q.error ? ` (${q.error.slice(0, 120)})` : ''}`).join(', ') || 'empty'}`);
        detail.push(...(launcher?.tail(15) ?? []));
      }
      return ok;
    },
  });

  writeScenario({
    name: 'web kill -9',
    fault: async () => {
      const before = kill(webPid(config), 'SIGKILL', 'web');
      await waitUntil(() => !alive(before), 5000, 10);
    },
    check: ({ httpDown, detail }) => {
      if (httpDown.ms >= 5000) detail.push(`HTTP down ${httpDown.ms} ms (budget 5000)`);
      return httpDown.ms < 5000;
    },
  });

  writeScenario({
    name: 'PostgreSQL restart',
    fault: async () => {
      // A fast shutdown, as `pg_ctl restart -m fast` or a package upgrade does; the launcher must notice and start it again.
      const before = kill(postmasterPid(config), 'SIGINT', 'postgres');
      await waitUntil(() => !alive(before), 15_000, 10);
    },
    check: ({ stats, detail }) => {
      const unavailable = stats.byStatus.get(503) ?? 0;
      if (unavailable === 0) detail.push('no 503 seen while PostgreSQL was down');
      return unavailable > 0;
    },
  });

  writeScenario({
    name: 'launcher kill -9 + start',
    fault: async () => {
      const old = launcher!;
      kill(old.pid, 'SIGKILL', 'launcher');
      await old.exited;
      // As a supervisor (systemd Restart=always) would: start it again at once.
      launcher = startLauncher(config);
    },
    // Whole again once the NEW launcher says it is ready (until then the orphans of the old one may still answer).
    recovered: async () =>
      launcher!.child.exitCode === null &&
      launcher!.lines.some((l) => l.line.startsWith('[kanso] ready')) &&
      (await appReady(config)) === 200 &&
      (await sidecarReady(config)) === 200,
  });

  scenarios.push({ name: 'db:migrate while running', run: scenarioMigrate }, { name: 'SIGTERM under keep-alive load', run: () => scenarioSigterm(team.users, slug) });

  // CHAOS_SCENARIOS=sigterm,web runs only the scenarios whose names contain one of those words.
  const only = (process.env.CHAOS_SCENARIOS ?? '').split(',').map((w) => w.trim().toLowerCase()).filter(Boolean);
  for (const scenario of scenarios) {
    if (only.length && !only.some((w) => scenario.name.toLowerCase().includes(w))) continue;
    await ensureStack();
    await scenario.run().catch((error: unknown) => rows.at(-1)?.detail.push(`aborted: ${error instanceof Error ? error.message : String(error)}`));
  }
  return rows.every((r) => r.ok) ? 0 : 1;
}

async function cleanup(): Promise<void> {
  await db?.end({ timeout: 1 }).catch(() => undefined);
  if (launcher && launcher.child.exitCode === null) await stopLauncher(launcher, 30_000).catch(() => undefined);
  for (const p of stackProcesses()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

const code = await main().catch((error: unknown) => {
  console.error(`[chaos] ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  if (launcher) console.error(launcher.tail(40).join('\n'));
  rows.push({ name: 'suite', ok: false, detail: [error instanceof Error ? error.message : String(error)] });
  return 1;
});
await cleanup();
printTable();
mkdirSync(path.dirname(REPORT), { recursive: true });
writeFileSync(REPORT, JSON.stringify({ passed: rows.filter((r) => r.ok).length, failed: rows.filter((r) => !r.ok).length, scenarios: rows }, null, 2));
console.log(`${rows.filter((r) => r.ok).length} scenarios passed, ${rows.filter((r) => !r.ok).length} failed`);
process.exit(code);
