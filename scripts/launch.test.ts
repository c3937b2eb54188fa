/**
 * The real launcher (`node --import tsx scripts/launch.ts start`) with its own embedded cluster,
 * the realtime sidecar and the job worker (KANSO_LAUNCH_SERVICES=realtime,worker: the web child needs a production
 * build, which `npm test` does not make; the chaos suite (test/chaos/run-chaos.ts) runs the full `npm start`).
 *
 *   - db:migrate while it runs uses its cluster: the same postmaster keeps serving throughout;
 *   - a second launcher on the same data dir refuses;
 *   - PostgreSQL killed underneath it is restarted, the sidecar and the worker keep running;
 *   - SIGTERM stops the sidecar and the worker, then PostgreSQL; exit 0; no process left;
 *   - a launcher killed with SIGKILL: its sidecar and worker stop by themselves, and the next command finds
 *     the owner dead, stops the stale PostgreSQL and runs on a cluster of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunDir } from '../test/support/runs';
import { lockFile, readLock } from './lib/cluster-lock';
import { freePort, stopStaleServer } from './lib/embedded-postgres';
import { processAlive as alive } from '../src/server/platform/process-alive';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dataDir = createRunDir(process.pid);
const clusterDir = path.join(dataDir, 'pg');
const spawned: ChildProcess[] = [];
let env: NodeJS.ProcessEnv;
let realtimePort: number;
let workerPort: number;

interface Launched {
  child: ChildProcess;
  lines: string[];
  exit: Promise<number | null>;
}

function launch(): Launched {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/launch.ts', 'start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(child);
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (l) => lines.push(l));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exit };
}

async function waitForLine(launched: Launched, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const line of launched.lines) {
      const match = line.match(pattern);
      if (match) return match;
    }
    if (launched.child.exitCode !== null || Date.now() > end) {
      throw new Error(`no line matching ${pattern}; the launcher said:\n${launched.lines.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `node --import tsx scripts/db.ts <command>` (what `npm run db:<command>` runs). */
function dbCommand(command: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/db.ts', command], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.push(child);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}


const postmasterPid = () => Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

/** Pids of processes whose command line mentions this test's data dir (its PostgreSQL). */
function processesUsingDataDir(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  realtimePort = await freePort();
  workerPort = await freePort();
  env = { ...process.env };
  // The test database of this file (test/setup-db.ts) is not the launcher's.
  delete env.DATABASE_URL;
  delete env.DATABASE_ADMIN_URL;
  delete env.DEV_MAILBOX; // vitest's, refused in production
  Object.assign(env, {
    KANSO_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    PORT: String(await freePort()),
    REALTIME_PORT: String(realtimePort),
    REALTIME_HOST: '127.0.0.1',
    WORKER_PORT: String(workerPort),
    KANSO_LAUNCH_SERVICES: 'realtime,worker',
    // `start` runs the children in production mode, which wants a mail transport (none is used).
    SMTP_URL: 'smtp://127.0.0.1:9',
    AUTH_SECRET: 'launcher-test-secret-0123456789abcdefghijkl',
    LOG_LEVEL: 'warn',
  });
});

afterAll(async () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stopStaleServer(clusterDir, () => {});
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the launcher', () => {
  let launcher: Launched;
  let sidecarPid: number;
  let workerPid: number;

  it('starts PostgreSQL and the sidecar, holding the data dir lock', async () => {
    launcher = launch();
    await waitForLine(launcher, /^\[kanso\] ready \(launcher pid \d+/);
    sidecarPid = Number((await waitForLine(launcher, /^\[kanso\] realtime started \(pid (\d+)\)/))[1]);
    workerPid = Number((await waitForLine(launcher, /^\[kanso\] worker started \(pid (\d+)\)/))[1]);
    const health = await fetch(`http://127.0.0.1:${workerPort}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', running: 0 });
    expect(readLock(dataDir)).toMatchObject({ pid: launcher.child.pid, owner: 'launcher', pgPort: Number(env.EMBEDDED_PG_PORT) });
    expect(alive(postmasterPid())).toBe(true);
  }, 120_000);

  it('lets db:migrate use its cluster and keeps it serving throughout', async () => {
    const postmaster = postmasterPid();
    const healthy = () =>
      fetch(`http://127.0.0.1:${realtimePort}/health`).then(
        async (r) => (await r.body?.cancel(), r.status === 200),
        () => false,
      );
    // "started" means the sidecar answers; healthy (LISTEN up) may come a moment later.
    const end = Date.now() + 30_000;
    while (!(await healthy()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    let probes = 0;
    const failures: string[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probes++;
        // The sidecar's health depends on its database connection (LISTEN).
        const response = await fetch(`http://127.0.0.1:${realtimePort}/health`).catch((e: Error) => e);
        if (response instanceof Error || !response.ok) failures.push(response instanceof Error ? response.message : String(response.status));
        if (!(response instanceof Error)) await response.body?.cancel();
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const migrate = await dbCommand('migrate');
    probing = false;
    await prober;

    expect(migrate.output).toContain(`using the embedded PostgreSQL of the running launcher (pid ${launcher.child.pid})`);
    expect(migrate.output).toContain('migrations applied');
    expect(migrate.code).toBe(0);
    expect(probes).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    expect(postmasterPid()).toBe(postmaster);
    expect(alive(postmaster)).toBe(true);
    expect(launcher.lines.filter((l) => l.includes('PostgreSQL exited'))).toEqual([]);
  }, 60_000);

  it('refuses a second launcher on the same data dir', async () => {
    const second = launch();
    expect(await second.exit).toBe(1);
    expect(second.lines.join('\n')).toContain(`another launcher is running with`);
    expect(second.lines.join('\n')).toContain(`kill -TERM ${launcher.child.pid}`);
    expect(readLock(dataDir)?.pid).toBe(launcher.child.pid);
  }, 60_000);

  it('restarts PostgreSQL killed underneath it; the sidecar keeps running', async () => {
    const killed = postmasterPid();
    process.kill(killed, 'SIGKILL');
    const [, pid] = await waitForLine(launcher, /^\[kanso\] PostgreSQL restarted \(pid (\d+)\) after [\d.]+ s down$/);
    expect(launcher.lines).toContainEqual(expect.stringMatching(/^\[kanso\] PostgreSQL exited unexpectedly \(signal SIGKILL\) after [\d.]+ s up; restart 1 in 0\.2 s$/));
    expect(Number(pid)).toBe(postmasterPid());
    expect(alive(killed)).toBe(false);
    expect(alive(sidecarPid)).toBe(true);
    expect(alive(workerPid)).toBe(true);
    // The worker's pool reconnects: healthy again without a restart of its own.
    const end = Date.now() + 30_000;
    let healthy = false;
    while (!healthy && Date.now() < end) {
      healthy = await fetch(`http://127.0.0.1:${workerPort}/health`).then((r) => r.status === 200, () => false);
      if (!healthy) await new Promise((r) => setTimeout(r, 200));
    }
    expect(healthy).toBe(true);
    expect(launcher.lines.filter((l) => /worker (exited|restarted)/.test(l))).toEqual([]);
  }, 60_000);

  it('stops on SIGTERM: the sidecar and the worker, then PostgreSQL; exit 0; nothing left running', async () => {
    const postmaster = postmasterPid();
    launcher.child.kill('SIGTERM');
    expect(await launcher.exit).toBe(0);

    const kanso = launcher.lines.filter((l) => l.startsWith('[kanso] '));
    const at = (pattern: RegExp) => kanso.findIndex((l) => pattern.test(l));
    expect(at(/^\[kanso\] stopping \(SIGTERM\): realtime → worker → PostgreSQL$/)).toBeGreaterThan(-1);
    expect(at(/^\[kanso\] realtime stopped \(code 0\)/)).toBeGreaterThan(at(/stopping \(SIGTERM\)/));
    expect(at(/^\[kanso\] worker stopped \(code 0\)/)).toBeGreaterThan(at(/stopping \(SIGTERM\)/));
    expect(at(/^\[kanso\] PostgreSQL stopped \(code 0\)/)).toBeGreaterThan(at(/^\[kanso\] realtime stopped/));
    expect(at(/^\[kanso\] PostgreSQL stopped \(code 0\)/)).toBeGreaterThan(at(/^\[kanso\] worker stopped/));
    expect(kanso.at(-1)).toBe('[kanso] stopped cleanly after SIGTERM (exit 0)');
    expect(alive(sidecarPid)).toBe(false);
    expect(alive(workerPid)).toBe(false);
    expect(alive(postmaster)).toBe(false);
    expect(processesUsingDataDir()).toEqual([]);
    expect(existsSync(lockFile(dataDir))).toBe(false);
  }, 60_000);

  it('after a SIGKILL of the launcher: the sidecar and the worker stop by themselves and the next command replaces the stale PostgreSQL', async () => {
    const killedLauncher = launch();
    await waitForLine(killedLauncher, /^\[kanso\] ready \(launcher pid \d+/);
    const sidecar = Number((await waitForLine(killedLauncher, /^\[kanso\] realtime started \(pid (\d+)\)/))[1]);
    const worker = Number((await waitForLine(killedLauncher, /^\[kanso\] worker started \(pid (\d+)\)/))[1]);
    const orphan = postmasterPid();
    killedLauncher.child.kill('SIGKILL');
    await killedLauncher.exit;

    await until(() => !alive(sidecar), 'the orphaned sidecar to stop');
    await until(() => !alive(worker), 'the orphaned worker to stop');
    expect(alive(orphan)).toBe(true); // PostgreSQL is left for the next owner to judge

    const migrate = await dbCommand('migrate');
    expect(migrate.output).toContain(`the previous owner of`);
    expect(migrate.output).toContain(`found a stale PostgreSQL (pid ${orphan})`);
    expect(migrate.output).toContain('migrations applied');
    expect(migrate.code).toBe(0);
    expect(alive(orphan)).toBe(false);
    expect(processesUsingDataDir()).toEqual([]);
    expect(existsSync(lockFile(dataDir))).toBe(false);
  }, 120_000);
});
