/**
 * Where the database is, for the db:* scripts and the CLI: an external PostgreSQL when
 * DATABASE_URL is set; else the embedded cluster of a running launcher (its lock file names it:
 * scripts/lib/cluster-lock.ts), which is used and left running; else an embedded cluster started
 * for the duration of the command (holding the lock meanwhile). The launcher itself supervises
 * its cluster (scripts/launch.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { stopStaleChild, CHILD_NAMES } from './child-pids';
import { DATA_DIR } from './data-dir';
import { acquireLock, describeOwner, readLock, ownerAlive, type LockInfo } from './cluster-lock';
import { clusterDirOf, clusterUrls, ensureDatabase, startEmbeddedPostgres, stopStaleServer } from './embedded-postgres';

export { DATA_DIR };
export const DEFAULT_EMBEDDED_PORT = 54329;
export const DATABASE_NAME = 'kanso';

export const embeddedPort = (): number => Number(process.env.EMBEDDED_PG_PORT ?? DEFAULT_EMBEDDED_PORT);

export interface DatabaseTarget {
  appUrl: string;
  adminUrl: string;
  /** Stops what this process started (nothing for an external database or a launcher's cluster). */
  release(): Promise<void>;
}

export function loadDotEnv(): void {
  for (const file of ['.env.local', '.env']) {
    if (existsSync(file)) process.loadEnvFile(file);
  }
}

/** Waits until `url` accepts a query (a launcher starting or restarting its PostgreSQL). */
export async function waitForDatabase(url: () => string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const sql = postgres(url(), { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        await sql`SELECT 1`;
        return;
      } finally {
        await sql.end({ timeout: 1 });
      }
    } catch (error) {
      if (Date.now() >= until) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * What a dead owner of the data dir left running, stopped in the right order: its web server
 * and sidecar (and worker) first, its PostgreSQL last. Call only while holding the lock.
 */
export async function stopStaleOwnerLeftovers(dataDir: string, log: (line: string) => void): Promise<void> {
  for (const name of CHILD_NAMES) await stopStaleChild(name, log);
  await stopStaleServer(clusterDirOf(dataDir), log);
}

const COMMAND_WAIT_MS = 30_000;

export async function resolveDatabase(log: (l: string) => void, command: string): Promise<DatabaseTarget> {
  if (process.env.DATABASE_URL) {
    log('using the PostgreSQL at DATABASE_URL (nothing embedded)');
    const appUrl = process.env.DATABASE_URL;
    return { appUrl, adminUrl: process.env.DATABASE_ADMIN_URL ?? appUrl, release: async () => {} };
  }
  const port = embeddedPort();
  const waitUntil = Date.now() + COMMAND_WAIT_MS;
  let announced: LockInfo | undefined;
  for (;;) {
    const lock = acquireLock(DATA_DIR, { owner: command, pgPort: port });
    if (lock.acquired) {
      try {
        if (lock.staleOwner) log(`the previous owner of ${path.relative(process.cwd(), DATA_DIR) || '.'}/ is gone: ${describeOwner(lock.staleOwner)}`);
        await stopStaleOwnerLeftovers(DATA_DIR, log);
        const cluster = await startEmbeddedPostgres({ dataDir: DATA_DIR, port, log: (l) => (process.env.PG_LOG || l.startsWith('found a stale') ? log(l) : undefined) });
        await ensureDatabase(cluster, DATABASE_NAME);
        log(`embedded PostgreSQL is up on 127.0.0.1:${port} for this command (data in ${path.relative(process.cwd(), DATA_DIR)}/)`);
        return {
          appUrl: cluster.appUrl(DATABASE_NAME),
          adminUrl: cluster.ownerUrl(DATABASE_NAME),
          release: async () => {
            try {
              await cluster.stop();
            } finally {
              lock.release();
            }
          },
        };
      } catch (error) {
        lock.release();
        throw error;
      }
    }
    const { owner } = lock;
    if (owner.owner === 'launcher') {
      log(`using the embedded PostgreSQL of the running launcher (pid ${owner.pid}) on 127.0.0.1:${owner.pgPort}; it keeps running`);
      const urls = () => clusterUrls(DATA_DIR, owner.pgPort);
      await waitForDatabase(() => urls().ownerUrl(DATABASE_NAME), COMMAND_WAIT_MS);
      return { appUrl: urls().appUrl(DATABASE_NAME), adminUrl: urls().ownerUrl(DATABASE_NAME), release: async () => {} };
    }
    // Another command's short-lived cluster: wait for it to finish rather than share or stop it.
    if (Date.now() >= waitUntil) throw new Error(`the embedded PostgreSQL in ${DATA_DIR} is in use by ${describeOwner(owner)}; try again when it has finished`);
    if (announced?.pid !== owner.pid) log(`waiting for ${describeOwner(owner)} to finish`);
    announced = owner;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Is a live launcher running with this data dir? */
export function runningLauncher(dataDir: string = DATA_DIR): LockInfo | undefined {
  const info = readLock(dataDir);
  return info?.owner === 'launcher' && ownerAlive(info) ? info : undefined;
}

/** A development AUTH_SECRET, generated once and kept in .data/ (never used in production). */
export function devAuthSecret(): string {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, 'auth-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
