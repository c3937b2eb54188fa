/**
 * The launcher records each child's pid in .data/run/<name>.pid. A launcher killed with SIGKILL
 * cannot stop its children; the next launch finds them here and stops them before starting anew.
 */
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from './database-urls';

const RUN_DIR = path.join(DATA_DIR, 'run');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function recordChild(name: string, pid: number | undefined): void {
  if (!pid) return;
  mkdirSync(RUN_DIR, { recursive: true });
  writeFileSync(path.join(RUN_DIR, `${name}.pid`), `${pid}\n${process.cwd()}\n`);
}

export async function stopStaleChild(name: string, log: (line: string) => void): Promise<void> {
  const file = path.join(RUN_DIR, `${name}.pid`);
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
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(-pid, 'SIGKILL');
}
