/**
 * Who owns the embedded PostgreSQL of a data dir (REL-1, issue 9 defect 2).
 *
 * The process that starts the embedded cluster — the launcher, or a db:* / cli command when no
 * launcher runs — holds `<dataDir>/cluster.lock`: its pid, its start time (from /proc, so a
 * recycled pid is not mistaken for it), the ports. Another process finding a live owner uses that
 * cluster (a command) or refuses (a second launcher); only a cluster whose owner is dead is stale
 * and may be stopped. Created with O_EXCL, so two starters cannot both win.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processAlive } from '../../src/server/platform/process-alive';

export interface LockInfo {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22); null without /proc. */
  startTicks: number | null;
  /** `launcher` (npm run dev / npm start) or the command that holds it (`db:migrate`, `cli`, …). */
  owner: string;
  startedAt: string;
  pgPort: number;
  webPort?: number;
  realtimePort?: number;
}

export const lockFile = (dataDir: string): string => path.join(dataDir, 'cluster.lock');

/** Field 22 of /proc/<pid>/stat: when the process started. Undefined if there is no such process. */
export function processStartTicks(pid: number): number | null | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // No such process — or no /proc at all (macOS): then fall back to a signal check.
      try {
        readFileSync('/proc/self/stat');
        return undefined;
      } catch {
        return processAlive(pid) ? null : undefined;
      }
    }
    throw error;
  }
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[19]);
}

/** Is the process that wrote this lock still running (the same process, not a recycled pid)? */
export function ownerAlive(info: LockInfo): boolean {
  const ticks = processStartTicks(info.pid);
  if (ticks === undefined) return false;
  if (ticks === null || info.startTicks === null) return processAlive(info.pid);
  return ticks === info.startTicks;
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockFile(dataDir), 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) && info.pid > 0 ? info : undefined;
  } catch {
    return undefined;
  }
}

/** The live owner of the data dir's cluster, if any. */
export function liveOwner(dataDir: string): LockInfo | undefined {
  const info = readLock(dataDir);
  return info && ownerAlive(info) ? info : undefined;
}

export type Acquired =
  | { acquired: true; info: LockInfo; release: () => void; staleOwner?: LockInfo }
  | { acquired: false; owner: LockInfo };

/**
 * Takes the lock for this process. A lock whose owner is dead is replaced (`staleOwner` says
 * whose it was: the caller then stops what that owner left running).
 */
export function acquireLock(dataDir: string, fields: Omit<LockInfo, 'pid' | 'startTicks' | 'startedAt'>): Acquired {
  const info: LockInfo = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid) ?? null,
    startedAt: new Date().toISOString(),
    ...fields,
  };
  mkdirSync(dataDir, { recursive: true });
  const file = lockFile(dataDir);
  let staleOwner: LockInfo | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(info)}\n`, { flag: 'wx', mode: 0o644 });
      const release = () => {
        if (readLock(dataDir)?.pid === process.pid) rmSync(file, { force: true });
      };
      return { acquired: true, info, release, staleOwner };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = readLock(dataDir);
    if (current && ownerAlive(current)) return { acquired: false, owner: current };
    // Dead owner (or an unreadable file): replace it, once. Another starter racing us may win.
    staleOwner = current;
    rmSync(file, { force: true });
  }
  const winner = readLock(dataDir);
  if (winner) return { acquired: false, owner: winner };
  throw new Error(`could not take ${file}`);
}

export function describeOwner(owner: LockInfo): string {
  const what = owner.owner === 'launcher' ? 'a launcher (npm run dev / npm start)' : `\`npm run ${owner.owner}\``;
  const ports = [`PostgreSQL ${owner.pgPort}`, owner.webPort && `web ${owner.webPort}`, owner.realtimePort && `realtime ${owner.realtimePort}`]
    .filter(Boolean)
    .join(', ');
  return `${what} (pid ${owner.pid}, since ${owner.startedAt}; ${ports})`;
}
