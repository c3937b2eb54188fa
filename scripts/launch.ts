/**
 * `npm run dev` / `npm start`: one command brings the whole system up on one machine (FND-2, REL-1).
 *
 *   1. PostgreSQL: DATABASE_URL if set, else embedded in KANSO_DATA_DIR (.data/), owned through
 *      its lock file (a second launcher refuses; db:* commands use this cluster and leave it up);
 *   2. migrations, then (dev only) the idempotent demo seed;
 *   3. the children, each in its own process group: the web server (`next dev`, or the draining
 *      production server scripts/web-server.ts), the realtime sidecar and the job worker
 *      (worker/job-worker.ts).
 *
 * Everything runs under scripts/lib/supervisor.ts: a crashed child (or PostgreSQL) is restarted
 * with backoff while the others keep serving; a crash loop stops the launcher with exit code 1
 * and the child's last output lines. SIGINT / SIGTERM / SIGHUP stop in order: web (drains) →
 * sidecar and worker → PostgreSQL, then exit 0. A second Ctrl+C (a second or more after the first)
 * forces: children are killed, PostgreSQL still stops last, exit 1.
 *
 * The lines this prints are stable (the chaos suite reads them); see docs/deploy.md.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { CHILD_NAMES, forgetChild, recordChild } from './lib/child-pids';
import { acquireLock, describeOwner, type Acquired } from './lib/cluster-lock';
import { DATA_DIR, DATABASE_NAME, devAuthSecret, embeddedPort, loadDotEnv, stopStaleOwnerLeftovers } from './lib/database-urls';
import { clusterUrls, embeddedPostgresService } from './lib/embedded-postgres';
import { shutdownGraceMs } from './lib/shutdown';
import { SIDECAR_ENTRY, SIDECAR_NODE_OPTIONS, WORKER_ENTRY, WORKER_NODE_OPTIONS } from './lib/sidecar-command';
import { spawnProcess, Supervisor, waitForHttp, type ServiceSpec } from './lib/supervisor';
import { migrateDatabase } from '../src/server/db/migrate';

const require = createRequire(import.meta.url);
const mode = process.argv[2] === 'start' ? 'start' : 'dev';
const log = (line: string) => console.log(`[kanso] ${line}`);
const fail = (line: string) => console.error(`[kanso] ${line}`);

/** Web first (it drains), then the sidecar and the worker together, PostgreSQL last. */
const STOP_ORDER = [['web'], ['realtime', 'worker'], ['PostgreSQL']];
const EXIT_WITH_PARENT = ['--import', './scripts/lib/exit-with-parent.mjs'];
/** Which children to run: all by default; the launcher's own tests run a subset (e.g. `realtime`). */
const SELECTED = new Set((process.env.KANSO_LAUNCH_SERVICES ?? 'web,realtime,worker').split(',').map((s) => s.trim()).filter(Boolean));

interface ChildSpec {
  name: string;
  args: string[];
  /** Any HTTP answer here means the child is up. */
  healthUrl: string;
  stopGraceMs: number;
}

function childSpecs(port: number): ChildSpec[] {
  // Development listens on loopback unless KANSO_HOST says otherwise: the dev mailbox holds sign-in links.
  const host = process.env.KANSO_HOST || (mode === 'dev' ? '127.0.0.1' : undefined);
  const probeHost = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const realtimeHost = process.env.REALTIME_HOST ?? '127.0.0.1';
  const realtimePort = process.env.REALTIME_PORT ?? '3001';
  const workerHost = process.env.WORKER_HOST ?? '127.0.0.1';
  const workerPort = process.env.WORKER_PORT ?? '3002';
  const specs: ChildSpec[] = [
    {
      name: 'web',
      args:
        mode === 'dev'
          ? // KANSO_HOST (e.g. 0.0.0.0) opens it to the network; unset, loopback only.
            [...EXIT_WITH_PARENT, require.resolve('next/dist/bin/next'), 'dev', '--port', String(port), ...(host ? ['--hostname', host] : [])]
          : [...EXIT_WITH_PARENT, '--import', 'tsx', 'scripts/web-server.ts'],
      healthUrl: `http://${probeHost}:${port}/api/health/live`,
      // The web server drains within its grace period; past that (and 5 s) it is killed.
      stopGraceMs: shutdownGraceMs() + 5_000,
    },
    {
      name: 'realtime',
      args: [...SIDECAR_NODE_OPTIONS, ...EXIT_WITH_PARENT, ...SIDECAR_ENTRY],
      healthUrl: `http://${realtimeHost === '0.0.0.0' ? '127.0.0.1' : realtimeHost}:${realtimePort}/health`,
      stopGraceMs: 15_000,
    },
    {
      name: 'worker',
      args: [...WORKER_NODE_OPTIONS, ...EXIT_WITH_PARENT, ...WORKER_ENTRY],
      healthUrl: `http://${workerHost === '0.0.0.0' ? '127.0.0.1' : workerHost}:${workerPort}/health`,
      // Running jobs get JOBS_SHUTDOWN_GRACE_MS (8 s) to finish; past that and 7 s more it is killed.
      stopGraceMs: Number(process.env.JOBS_SHUTDOWN_GRACE_MS ?? 8_000) + 7_000,
    },
  ];
  return specs.filter((s) => SELECTED.has(s.name));
}

function childService(spec: ChildSpec, env: NodeJS.ProcessEnv): ServiceSpec {
  return {
    name: spec.name,
    start: async () => {
      const running = await spawnProcess({
        name: spec.name,
        command: process.execPath,
        args: spec.args,
        env,
        stopGraceMs: spec.stopGraceMs,
        ready: (child) => waitForHttp(spec.healthUrl, child),
        // `next dev` compiles the health route on its first request.
        readyTimeoutMs: mode === 'dev' ? 180_000 : 60_000,
      });
      recordChild(spec.name, running.pid);
      return running;
    },
  };
}

// A closed terminal or a reader that went away (`npm run dev | tee log` after Ctrl+C) must not
// crash the launcher halfway through an ordered shutdown: lost output is the lesser harm.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

async function main(): Promise<void> {
  loadDotEnv();
  const port = Number(process.env.PORT ?? 3000);
  const pgPort = embeddedPort();
  const embedded = !process.env.DATABASE_URL;
  let lock: Acquired | undefined;
  let stopping: { signal: string; at: number } | undefined;
  let forced: NodeJS.Signals | undefined;

  const supervisor = new Supervisor({
    log,
    onCrashLoop: (report) => {
      fail(`${report.name} keeps crashing (${report.crashes} times within a minute); its last output:`);
      for (const line of report.lastLines.slice(-15)) fail(`  | ${line}`);
      if (report.lastError) fail(`  last start failure: ${report.lastError}`);
      void shutdown(`a crash loop of ${report.name}`, 1);
    },
  });
  const releaseLock = () => {
    if (lock?.acquired) lock.release();
  };
  process.on('exit', releaseLock);

  async function shutdown(reason: string, code: number): Promise<void> {
    stopping = { signal: reason, at: Date.now() };
    const running = STOP_ORDER.flat().filter((n) => supervisor.names().includes(n));
    log(`stopping (${reason}): ${running.join(' → ') || 'nothing running'}`);
    await supervisor.stop(STOP_ORDER);
    for (const name of CHILD_NAMES) forgetChild(name);
    releaseLock();
    if (forced) code = 1;
    log(
      forced
        ? `stopped by force after a second ${forced} (exit 1)`
        : code === 0
          ? `stopped cleanly after ${reason} (exit 0)`
          : `stopped after ${reason} (exit ${code})`,
    );
    process.exit(code);
  }

  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) return void shutdown(signal, 0);
    // A terminal sends Ctrl+C to the whole foreground group (npm forwards it once more): a repeat
    // within a second is that echo, not a second Ctrl+C.
    if (Date.now() - stopping.at < 1_000) return;
    if (forced) return;
    forced = signal;
    log(`second ${signal}: forcing (children killed, PostgreSQL still stopped last)`);
    for (const name of CHILD_NAMES) {
      const pid = supervisor.get(name)?.pid;
      if (pid) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
    // The ordered stop in progress now finds the children gone and goes on to PostgreSQL.
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  try {
    let appUrl: string;
    let adminUrl: string;
    if (embedded) {
      lock = acquireLock(DATA_DIR, {
        owner: 'launcher',
        pgPort,
        webPort: SELECTED.has('web') ? port : undefined,
        realtimePort: SELECTED.has('realtime') ? Number(process.env.REALTIME_PORT ?? 3001) : undefined,
      });
      if (!lock.acquired) {
        const owner = lock.owner;
        throw new Error(
          owner.owner === 'launcher'
            ? `another launcher is running with ${path.relative(process.cwd(), DATA_DIR) || '.'}/: ${describeOwner(owner)}. ` +
                `Stop it first (Ctrl+C in its terminal, or kill -TERM ${owner.pid}), or give this one its own KANSO_DATA_DIR and ports.`
            : `the embedded PostgreSQL in ${DATA_DIR} is in use by ${describeOwner(owner)}; start again when it has finished.`,
        );
      }
      if (lock.staleOwner) log(`the previous owner of ${path.relative(process.cwd(), DATA_DIR) || '.'}/ is gone (${describeOwner(lock.staleOwner)}); cleaning up after it`);
      // Its web server and sidecar first, its PostgreSQL last (never the other way round).
      await stopStaleOwnerLeftovers(DATA_DIR, log);
      await supervisor.add(
        embeddedPostgresService({
          dataDir: DATA_DIR,
          port: pgPort,
          database: DATABASE_NAME,
          // `npm start` keeps data across an OS crash; dev and tests trade that for speed.
          fsync: mode === 'start',
          log: (line) => (process.env.PG_LOG || /restarted outside|initialising/.test(line) ? log(line) : undefined),
        }),
      );
      const urls = clusterUrls(DATA_DIR, pgPort);
      appUrl = urls.appUrl(DATABASE_NAME);
      adminUrl = urls.ownerUrl(DATABASE_NAME);
      log(`embedded PostgreSQL is up on 127.0.0.1:${pgPort} (data in ${path.relative(process.cwd(), DATA_DIR)}/)`);
    } else {
      log('using the PostgreSQL at DATABASE_URL (nothing embedded)');
      appUrl = process.env.DATABASE_URL!;
      adminUrl = process.env.DATABASE_ADMIN_URL ?? appUrl;
      await stopStaleOwnerLeftovers(DATA_DIR, log).catch(() => {});
    }

    await migrateDatabase(adminUrl, appUrl);
    log('migrations applied');
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: appUrl,
      DATABASE_ADMIN_URL: adminUrl,
      NEXT_TELEMETRY_DISABLED: '1',
      KANSO_SUPERVISOR_PID: String(process.pid),
      // Links in mail point at the port this stack serves on, unless APP_URL says where users reach it.
      APP_URL: process.env.APP_URL || `http://localhost:${port}`,
      ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}),
    };
    if (mode === 'dev') {
      Object.assign(childEnv, { NODE_ENV: 'development' });
      childEnv.AUTH_SECRET ??= devAuthSecret();
      childEnv.DEV_MAILBOX ??= childEnv.SMTP_URL ? 'false' : 'true';
      Object.assign(process.env, childEnv);
      const { createDatabase } = await import('../src/server/db/client');
      const { seedDemoData, DEMO_USER } = await import('../src/server/db/seed');
      const seedDb = createDatabase(appUrl, 1);
      await seedDemoData(seedDb);
      await seedDb.$client.end();
      log(`demo account: ${DEMO_USER.email} / ${DEMO_USER.password}   dev mailbox: /en/dev/mailbox`);
    } else {
      Object.assign(childEnv, { NODE_ENV: 'production' });
    }

    const specs = childSpecs(port);
    await Promise.all(specs.map((spec) => supervisor.add(childService(spec, childEnv))));
    if (stopping) return;
    if (SELECTED.has('web')) log(`${mode === 'dev' ? 'development' : 'production'} server on http://localhost:${port}`);
    if (SELECTED.has('realtime')) {
      log(`realtime sidecar on ws://${process.env.REALTIME_HOST ?? '127.0.0.1'}:${process.env.REALTIME_PORT ?? '3001'} (GET /health)`);
    }
    if (SELECTED.has('worker')) log(`job worker on http://${process.env.WORKER_HOST ?? '127.0.0.1'}:${process.env.WORKER_PORT ?? '3002'}/health`);
    log(`ready (launcher pid ${process.pid}; Ctrl+C or SIGTERM stops web → realtime and worker → PostgreSQL)`);
  } catch (error) {
    if (stopping) return;
    fail(error instanceof Error ? error.message : String(error));
    await shutdown('a failed start', 1);
  }
}

main().catch((error: unknown) => {
  fail(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
