/**
 * The data dir's lock file with real processes: a live owner is respected, a dead one is stale,
 * a recycled pid (alive, but started at another time) is not mistaken for the owner, and a
 * process only ever removes its own lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, liveOwner, lockFile, ownerAlive, processStartTicks, readLock, type LockInfo } from './cluster-lock';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kanso-lock-'));
  dirs.push(dir);
  return dir;
}

/** A process standing in for another launcher. */
async function otherProcess(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', "console.log('up'); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  return child as ChildProcess & { pid: number };
}

function writeLockOf(dir: string, pid: number, startTicks: number | null): void {
  const info: LockInfo = { pid, startTicks, owner: 'launcher', startedAt: new Date().toISOString(), pgPort: 54341, webPort: 3400 };
  writeFileSync(lockFile(dir), JSON.stringify(info));
}

describe('cluster lock', () => {
  it('reads the start time of a process from /proc, and nothing for a process that is gone', async () => {
    expect(processStartTicks(process.pid)).toEqual(expect.any(Number));
    const child = await otherProcess();
    const ticks = processStartTicks(child.pid);
    expect(ticks).toEqual(expect.any(Number));
    expect(ticks).toBeGreaterThanOrEqual(processStartTicks(process.pid)!);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(processStartTicks(child.pid)).toBeUndefined();
  });

  it('refuses while the owner lives and takes over once it is dead', async () => {
    const dir = dataDir();
    const other = await otherProcess();
    writeLockOf(dir, other.pid, processStartTicks(other.pid)!);

    const refused = acquireLock(dir, { owner: 'db:migrate', pgPort: 54341 });
    expect(refused).toEqual({ acquired: false, owner: expect.objectContaining({ pid: other.pid, owner: 'launcher', webPort: 3400 }) });
    expect(liveOwner(dir)?.pid).toBe(other.pid);

    const exited = new Promise((resolve) => other.once('exit', resolve));
    other.kill('SIGKILL');
    await exited;
    expect(liveOwner(dir)).toBeUndefined();

    const taken = acquireLock(dir, { owner: 'db:migrate', pgPort: 54341 });
    expect(taken).toMatchObject({ acquired: true, staleOwner: { pid: other.pid } });
    expect(readLock(dir)).toMatchObject({ pid: process.pid, owner: 'db:migrate', startTicks: processStartTicks(process.pid) });
    if (taken.acquired) taken.release();
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('does not take a live but recycled pid for the owner', async () => {
    const dir = dataDir();
    const other = await otherProcess();
    // Same pid, another start time: the owner died and its pid went to a new process.
    writeLockOf(dir, other.pid, processStartTicks(other.pid)! - 100);
    expect(ownerAlive(readLock(dir)!)).toBe(false);
    const taken = acquireLock(dir, { owner: 'launcher', pgPort: 54341 });
    expect(taken.acquired).toBe(true);
    if (taken.acquired) taken.release();
  });

  it('creates the data dir of a first run', () => {
    const dir = path.join(dataDir(), 'not-yet', 'there');
    const taken = acquireLock(dir, { owner: 'launcher', pgPort: 54341 });
    expect(taken.acquired).toBe(true);
    expect(readLock(dir)?.pid).toBe(process.pid);
    if (taken.acquired) taken.release();
  });

  it('replaces an unreadable lock, and release() leaves a lock it does not hold alone', async () => {
    const dir = dataDir();
    writeFileSync(lockFile(dir), 'not json');
    const taken = acquireLock(dir, { owner: 'cli', pgPort: 54341 });
    expect(taken.acquired).toBe(true);

    // Someone else took it over meanwhile (our lock was judged stale): ours must not delete theirs.
    const other = await otherProcess();
    writeLockOf(dir, other.pid, processStartTicks(other.pid)!);
    if (taken.acquired) taken.release();
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8'))).toMatchObject({ pid: other.pid });
  });
});
