/**
 * The launcher records each child's pid in .data/run/<name>.pid. A launcher killed with SIGKILL
 * cannot stop its children (they notice within a second and stop: exit-with-parent.mjs); if one
 * is still there, the next owner of the data dir finds it here and stops it — before the old
 * PostgreSQL, never after.
 */
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from './data-dir';
import { processAlive as alive } from '../../src/server/platform/process-alive';

/** Every child the launcher may run (the job worker joins when it lands). */
export const CHILD_NAMES = ['web', 'realtime', 'worker'] as const;

const runDir = () => path.join(DATA_DIR, 'run');

export function recordChild(name: string, pid: number | undefined): void {
  if (!pid) return;
  mkdirSync(runDir(), { recursive: true });
  writeFileSync(path.join(runDir(), `${name}.pid`), `${pid}\n${process.cwd()}\n`);
}

export function forgetChild(name: string): void {
  rmSync(path.join(runDir(), `${name}.pid`), { force: true });
}

export async function stopStaleChild(name: string, log: (line: string) => void): Promise<void> {
  const file = path.join(runDir(), `${name}.pid`);
  if (!existsSync(file)) return;
  const [pidLine, cwd] = readFileSync(file, 'utf8').split('\n');
  rmSync(file, { force: true });
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  // Only a process of this checkout: after a reboot the pid may be someone else's.
  let procCwd = '';
  try {
    procCwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return;
  }
  if (procCwd !== cwd) return;
  log(`stopping a stale ${name} process (pid ${pid}) left by an earlier run`);
  // Children run in their own process group (pid = pgid): stop the whole group.
  process.kill(-pid, 'SIGTERM');
  for (let i = 0; i < 150 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(-pid, 'SIGKILL');
}
