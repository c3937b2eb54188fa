/**
 * The production stack under test: the one-command launcher (`scripts/launch.ts start`, as
 * `npm start` runs it) on its own ports and data directory, embedded PostgreSQL included. The
 * launcher is started as one node process (no npm/tsx wrapper in between), so "the launcher" is
 * one pid to kill, and in its own process group, as a supervisor would start it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { harnessPorts } from '../../scripts/lib/ports';
import { stackEnv as launcherEnv } from '../../scripts/lib/stack-env';
import { alive, pidListeningOn, sleep, waitUntil } from './processes';

export interface StackConfig {
  root: string;
  dataDir: string;
  port: number;
  realtimePort: number;
  pgPort: number;
}

export async function chaosConfig(root: string, log?: (line: string) => void): Promise<StackConfig> {
  const ports = await harnessPorts(
    { port: ['CHAOS_APP_PORT', 3700], realtimePort: ['CHAOS_REALTIME_PORT', 3701], pgPort: ['CHAOS_PG_PORT', 54370] },
    log,
  );
  return { root, dataDir: path.join(root, '.data', 'chaos'), ...ports };
}

export function stackEnv(config: StackConfig): NodeJS.ProcessEnv {
  // A test-only secret (≥ 32 characters), never used outside this suite.
  return launcherEnv({ ...config, authSecret: 'chaos-only-auth-secret-0123456789-abcdefghijklmnop', label: 'chaos' });
}

export interface Launcher {
  child: ChildProcess;
  pid: number;
  /** The last lines it printed (stdout and stderr). */
  tail: (n?: number) => string[];
  /** Every line it printed, with the time it arrived. */
  lines: { at: number; line: string }[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startLauncher(config: StackConfig): Launcher {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/launch.ts', 'start'], {
    cwd: config.root,
    env: stackEnv(config),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: { at: number; line: string }[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push({ at: Date.now(), line });
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, pid: child.pid!, lines, tail: (n = 30) => lines.slice(-n).map((l) => l.line), exited };
}

async function status(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return null;
  }
}

export const appReady = (config: StackConfig) => status(`http://127.0.0.1:${config.port}/api/health/ready`);
export const sidecarReady = (config: StackConfig) => status(`http://127.0.0.1:${config.realtimePort}/health`);
/** The job worker's health port (scripts/lib/stack-env.ts: the sidecar's + 100). */
export const workerPort = (config: StackConfig) => config.realtimePort + 100;
export const workerReady = (config: StackConfig) => status(`http://127.0.0.1:${workerPort(config)}/health`);

/** Waits until the web app and the sidecar are both ready. */
export async function waitReady(config: StackConfig, ms: number, launcher?: Launcher): Promise<boolean> {
  return waitUntil(async () => {
    if (launcher && launcher.child.exitCode !== null) return true;
    return (await appReady(config)) === 200 && (await sidecarReady(config)) === 200 && (await workerReady(config)) === 200;
  }, ms, 200).then(async (ok) => ok && (!launcher || launcher.child.exitCode === null));
}

/** The postmaster's pid from its data directory, if one runs. */
export function postmasterPid(config: StackConfig): number | null {
  try {
    const pid = Number(readFileSync(path.join(config.dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export const webPid = (config: StackConfig) => pidListeningOn(config.port);
export const sidecarPid = (config: StackConfig) => pidListeningOn(config.realtimePort);
export const workerPid = (config: StackConfig) => pidListeningOn(workerPort(config));

/** A superuser connection to the stack's database (credentials from its data directory). */
export function superuser(config: StackConfig): postgres.Sql {
  const credentials = JSON.parse(readFileSync(path.join(config.dataDir, 'credentials.json'), 'utf8')) as { superuser: string };
  return postgres({ host: '127.0.0.1', port: config.pgPort, user: 'postgres', password: credentials.superuser, database: 'kanso', max: 2, onnotice: () => {}, connect_timeout: 5 });
}

/** SIGTERM to the launcher, then waits for it; SIGKILL to its group after `ms`. */
export async function stopLauncher(launcher: Launcher, ms = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (launcher.child.exitCode !== null || launcher.child.signalCode !== null) return launcher.exited;
  launcher.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    try {
      process.kill(-launcher.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }, ms);
  const result = await launcher.exited;
  clearTimeout(timer);
  await sleep(0);
  return result;
}
