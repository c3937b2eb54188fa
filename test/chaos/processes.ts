/**
 * Finding and watching the stack's processes from outside, as an operator would: by the port a
 * process listens on (/proc/net/tcp* → socket inode → /proc/<pid>/fd), by pid file, by /proc.
 * Linux only (CI and these machines).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not yet reaped by its parent) answers signal 0 but runs nothing.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Inodes of the sockets listening on `port` (IPv4 and IPv6, any address). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table = '';
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st ... inode(9)
      if (cols.length < 10 || cols[3] !== '0A') continue; // 0A = LISTEN
      if (cols[1]?.split(':')[1] === hexPort) inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/** The pid of the process listening on `port` on this machine, or null. */
export function pidListeningOn(port: number): number | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        const match = /^socket:\[(\d+)\]$/.exec(target);
        if (match && inodes.has(match[1]!)) return Number(entry);
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return null;
}

/**
 * Live processes of one stack: those carrying its data directory in their environment (the
 * launcher passes KANSO_DATA_DIR to every child) or their command line (postgres -D <dir>/pg).
 */
export function processesOfStack(dataDir: string, except: ReadonlySet<number> = new Set([process.pid])): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  const marker = `KANSO_DATA_DIR=${dataDir}`;
  const pgDir = path.join(dataDir, 'pg');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (except.has(pid) || !alive(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      if (cmd.includes(pgDir) || readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)) found.push({ pid, cmd });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Polls until `check` holds or `ms` passed; returns whether it held. */
export async function waitUntil(check: () => boolean | Promise<boolean>, ms: number, every = 50): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= until) return false;
    await sleep(every);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
