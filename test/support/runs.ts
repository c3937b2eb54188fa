/**
 * Throw-away PostgreSQL clusters for tests live in `.data/test/run-<pid>-<random>/`, where <pid> is
 * the process that owns the directory (the vitest main process for the shared cluster, a test
 * worker for a test that starts its own). A run killed midway (SIGKILL, OOM, closed terminal)
 * leaves its directory and possibly a running postgres behind; `sweepStaleRuns` stops those
 * servers and deletes the directories whose owner is gone. Directories of live owners (another
 * `vitest` running in this checkout at the same time) are never touched.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopStaleServer } from '../../scripts/lib/embedded-postgres';

/** `<repo>/.data/test` (the repo root is two levels up from this file; `.data/` is git-ignored). */
export const TEST_DATA_ROOT = fileURLToPath(new URL('../../.data/test', import.meta.url));

const RUN_DIR = /^run-(\d+)-[0-9a-f]+$/;

/** Creates `.data/test/run-<ownerPid>-<random>` with parents traversable by the `postgres` OS user. */
export function createRunDir(ownerPid: number = process.pid): string {
  const dataDir = path.dirname(TEST_DATA_ROOT);
  mkdirSync(TEST_DATA_ROOT, { recursive: true });
  // The cluster runs as the `postgres` OS user, which must be able to walk down to its data dir.
  chmodSync(dataDir, 0o755);
  chmodSync(TEST_DATA_ROOT, 0o755);
  const dir = path.join(TEST_DATA_ROOT, `run-${ownerPid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * Is the process that owns a run directory still running? A live pid whose command line does not
 * mention vitest is a recycled pid (the owner died long ago), so it does not count.
 */
export function runOwnerAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but not ours to signal; treat as alive, never delete what we cannot judge.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('vitest');
  } catch {
    return true; // no /proc (macOS): trust the signal check
  }
}

/**
 * Stops servers left by dead runs and deletes their directories. Returns the directories removed.
 */
export async function sweepStaleRuns(log: (line: string) => void = () => {}): Promise<string[]> {
  if (!existsSync(TEST_DATA_ROOT)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(TEST_DATA_ROOT)) {
    const match = RUN_DIR.exec(name);
    if (!match || runOwnerAlive(Number(match[1]))) continue;
    const dir = path.join(TEST_DATA_ROOT, name);
    const clusterDir = path.join(dir, 'pg');
    const shm = sharedMemoryOf(clusterDir);
    await stopStaleServer(clusterDir, log);
    if (shm) removeOrphanSharedMemory(shm, log);
    rmSync(dir, { recursive: true, force: true });
    log(`removed ${path.relative(process.cwd(), dir)} (its run pid ${match[1]} is gone)`);
    removed.push(dir);
  }
  return removed;
}

interface SharedMemory {
  key: number;
  id: number;
}

/** Line 7 of postmaster.pid: the System V shared memory key and id of the server. */
function sharedMemoryOf(clusterDir: string): SharedMemory | undefined {
  try {
    const line = readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[6] ?? '';
    const [key, id] = line.trim().split(/\s+/).map(Number);
    if (key === undefined || id === undefined || !Number.isInteger(key) || !Number.isInteger(id) || key <= 0) return undefined;
    return { key, id };
  } catch {
    return undefined;
  }
}

/**
 * A postgres killed with SIGKILL (e.g. with its whole process group) cannot remove its System V
 * shared memory segment, and we delete the data dir that would have let the next server reclaim
 * it. Remove it when it is still the same segment (same key and id) and nothing is attached.
 */
function removeOrphanSharedMemory(shm: SharedMemory, log: (line: string) => void): void {
  try {
    const table = execFileSync('ipcs', ['-m'], { encoding: 'utf8' });
    const keyHex = `0x${shm.key.toString(16).padStart(8, '0')}`;
    for (const row of table.split('\n')) {
      const [key, id, , , , nattch] = row.trim().split(/\s+/);
      if (key === keyHex && Number(id) === shm.id && nattch === '0') {
        execFileSync('ipcrm', ['-m', String(shm.id)]);
        log(`removed orphaned shared memory segment ${shm.id}`);
      }
    }
  } catch {
    // ipcs/ipcrm missing or not permitted: a leaked segment of a few bytes is not worth failing for.
  }
}
