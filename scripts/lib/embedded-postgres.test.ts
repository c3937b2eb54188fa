/**
 * The embedded PostgreSQL launcher against real servers: a stale server left in the data dir is
 * stopped and replaced, a busy port is reported by number. Slower than the rest (~3–5 s): it
 * initialises its own cluster next to the shared test cluster.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunDir } from '../../test/support/runs';
import { freePort, portInUse, startEmbeddedPostgres, stopStaleServer, type EmbeddedCluster } from './embedded-postgres';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
// Owned by this worker's pid: if the worker dies, the next run's sweep stops and removes it.
const dataDir = createRunDir(process.pid);
const clusterDir = path.join(dataDir, 'pg');
const running: EmbeddedCluster[] = [];
const children: ChildProcess[] = [];
let port: number;

function postmasterPid(): number {
  return Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function selectOne(cluster: EmbeddedCluster): Promise<number | undefined> {
  const sql = postgres(cluster.superuserUrl('postgres'), { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ one: number }[]>`SELECT 1::int AS one`;
    return row?.one;
  } finally {
    await sql.end();
  }
}

async function start(): Promise<EmbeddedCluster> {
  const cluster = await startEmbeddedPostgres({ dataDir, port });
  running.push(cluster);
  return cluster;
}

beforeAll(async () => {
  port = await freePort();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cluster of running.reverse()) await cluster.stop().catch(() => {});
  await stopStaleServer(clusterDir, () => {});
  rmSync(dataDir, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  it('initialises a cluster that answers queries, as the app and owner roles too', async () => {
    const cluster = await start();
    expect(cluster.port).toBe(port);
    expect(await selectOne(cluster)).toBe(1);
    const app = postgres(cluster.appUrl('postgres'), { max: 1, onnotice: () => {} });
    try {
      const [me] = await app<{ user: string; rolsuper: boolean; rolbypassrls: boolean }[]>`
        SELECT current_user AS user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`;
      expect(me).toEqual({ user: 'kanso_app', rolsuper: false, rolbypassrls: false });
    } finally {
      await app.end();
    }
  }, 60_000);

  it('stops a stale server still running in the same data dir and starts a fresh one', async () => {
    const stalePid = postmasterPid();
    expect(alive(stalePid)).toBe(true);

    const cluster = await start();

    expect(alive(stalePid)).toBe(false);
    const freshPid = postmasterPid();
    expect(freshPid).not.toBe(stalePid);
    expect(alive(freshPid)).toBe(true);
    expect(await selectOne(cluster)).toBe(1);

    await cluster.stop();
    expect(alive(freshPid)).toBe(false);
    expect(await portInUse(port)).toBe(false);
  }, 60_000);

  it('recovers from a launcher killed with SIGKILL (orphaned postgres)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/cluster-child.ts', dataDir, String(port)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code, signal) => reject(new Error(`cluster child exited early (${code ?? signal})`)));
    });
    const { pid: orphanPid } = JSON.parse(line) as { pid: number };
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL'); // only the launcher: its postgres lives on, as after a crash
    await exited;
    expect(alive(orphanPid)).toBe(true);
    expect(await portInUse(port)).toBe(true);

    const cluster = await start();

    expect(alive(orphanPid)).toBe(false);
    expect(postmasterPid()).not.toBe(orphanPid);
    expect(await selectOne(cluster)).toBe(1);
    await cluster.stop();
  }, 60_000);

  it('refuses a busy port with a message naming the port', async () => {
    const blocker = net.createServer();
    const busy = await new Promise<number>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port));
    });
    try {
      const attempt = startEmbeddedPostgres({ dataDir, port: busy });
      await expect(attempt).rejects.toBeInstanceOf(Error);
      await expect(attempt).rejects.toThrow(new RegExp(`Port ${busy} is already in use`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    // Nothing was started in the data dir on the way.
    expect(() => postmasterPid()).toThrow();
  }, 30_000);
});
