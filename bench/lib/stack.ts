/**
 * The production stack a bench measures: the one-command launcher (`scripts/launch.ts start`, what
 * `npm start` runs) on the bench's own ports and data directory, embedded PostgreSQL included —
 * started the way test/chaos/stack.ts starts it (one node process, its own process group, so the
 * launcher is one pid to stop). It needs a production build (`npm run build`) and never builds.
 *
 * The data directory (a folder directly under .data/) is wiped at start, after stopping what an
 * earlier crashed run may have left in it (its web child, then its PostgreSQL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { processAlive } from '../../src/server/platform/process-alive';
import { stackEnv } from '../../scripts/lib/stack-env';

export interface StackConfig {
  /** A folder directly under .data/ (wiped at start). */
  dataDir: string;
  port: number;
  realtimePort: number;
  pgPort: number;
  /** Extra environment for the launcher and (through it) its children. */
  env?: Record<string, string | undefined>;
}

export interface Stack {
  config: StackConfig;
  baseUrl: string;
  launcher: ChildProcess;
  /** The launcher's lines (stdout and stderr), newest last. */
  lines: string[];
  /** The application role's URL (kanso_app: no ownership, no BYPASSRLS), as the web process connects. */
  appDatabaseUrl: string;
  /** The superuser's URL (bench bookkeeping only: statement logging). */
  superuserUrl: string;
  /** Every child the launcher may run (scripts/lib/child-pids.ts: web, realtime, worker). */
  childNames: readonly string[];
  /** The pid of a child of the launcher by name from its pid file (null: not running). */
  childPid(name: string): number | null;
  /** The embedded PostgreSQL's postmaster (from its postmaster.pid; null: not running). */
  postmasterPid(): number | null;
  stop(): Promise<void>;
}

/** A fixed, bench-only secret (≥ 32 characters); never used outside the benches. */
export const BENCH_AUTH_SECRET = 'bench-only-auth-secret-0123456789-abcdefghijklmnop';

export function requireBuild(root = process.cwd()): void {
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    console.error('[bench] No production build found (.next/BUILD_ID). Run `npm run build` first; the bench never builds.');
    process.exit(2);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function status(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return null;
  }
}

/** The pid on the first line of a pid file, if that process lives. */
function pidFrom(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export async function startStack(config: StackConfig, log: (line: string) => void): Promise<Stack> {
  const root = process.cwd();
  const dataDir = path.resolve(config.dataDir);
  if (path.dirname(dataDir) !== path.resolve('.data')) throw new Error(`the bench data dir must be directly under .data/ (got ${config.dataDir})`);
  // The launcher's helpers read KANSO_DATA_DIR when they load.
  process.env.KANSO_DATA_DIR = dataDir;
  const { stopStaleChild, CHILD_NAMES } = await import('../../scripts/lib/child-pids');
  const { stopStaleServer } = await import('../../scripts/lib/embedded-postgres');
  const { DATA_DIR } = await import('../../scripts/lib/data-dir');
  if (DATA_DIR !== dataDir) throw new Error(`scripts/lib/data-dir was loaded before the bench set KANSO_DATA_DIR (${DATA_DIR}); import it only after startStack`);
  for (const name of CHILD_NAMES) await stopStaleChild(name, log);
  await stopStaleServer(path.join(dataDir, 'pg'), log);
  rmSync(dataDir, { recursive: true, force: true });

  const baseUrl = `http://127.0.0.1:${config.port}`;
  const env: NodeJS.ProcessEnv = {
    ...stackEnv({ ...config, dataDir, appUrl: baseUrl, authSecret: BENCH_AUTH_SECRET, label: 'bench' }),
    ...config.env,
  };
  const launcher = spawn(process.execPath, ['--import', 'tsx', 'scripts/launch.ts', 'start'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(line);
    if (lines.length > 20_000) lines.splice(0, lines.length - 10_000);
  };
  launcher.stdout!.on('data', collect);
  launcher.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => launcher.once('exit', () => resolve()));

  const stop = async () => {
    if (launcher.exitCode !== null || launcher.signalCode !== null) return;
    launcher.kill('SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-launcher.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 60_000);
    await exited;
    clearTimeout(timer);
  };

  const until = Date.now() + 180_000;
  for (;;) {
    if (launcher.exitCode !== null) throw new Error(`the launcher exited (${launcher.exitCode}) before it was ready:\n${lines.slice(-30).join('\n')}`);
    if ((await status(`${baseUrl}/api/health/ready`)) === 200 && (await status(`http://127.0.0.1:${config.realtimePort}/health`)) === 200) break;
    if (Date.now() > until) {
      await stop();
      throw new Error(`the stack was not ready within 180 s:\n${lines.slice(-30).join('\n')}`);
    }
    await sleep(250);
  }
  const { clusterUrls } = await import('../../scripts/lib/embedded-postgres');
  const { DATABASE_NAME } = await import('../../scripts/lib/database-urls');
  const urls = clusterUrls(dataDir, config.pgPort);
  return {
    config,
    baseUrl,
    launcher,
    lines,
    appDatabaseUrl: urls.appUrl(DATABASE_NAME),
    superuserUrl: urls.superuserUrl(DATABASE_NAME),
    childNames: CHILD_NAMES,
    childPid: (name) => pidFrom(path.join(dataDir, 'run', `${name}.pid`)),
    postmasterPid: () => pidFrom(path.join(dataDir, 'pg', 'postmaster.pid')),
    stop,
  };
}
