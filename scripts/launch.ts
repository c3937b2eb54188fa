/**
 * `npm run dev` / `npm start`: one command brings the whole system up (FND-2).
 *
 *   1. PostgreSQL: DATABASE_URL if set, else embedded in .data/ (stale servers handled);
 *   2. migrations, then (dev only) the idempotent demo seed;
 *   3. the children: the Next app and the realtime sidecar (sidecar/realtime-sidecar.ts, its own
 *      port REALTIME_PORT, default 3001, sharing DATABASE_URL); the job worker joins `children` later.
 *
 * One Ctrl+C (SIGINT) or SIGTERM stops every child, then PostgreSQL. If a child dies, the rest
 * are stopped too and the launcher exits with its code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadDotEnv, devAuthSecret, resolveDatabase } from './lib/database-urls';
import { recordChild, stopStaleChild } from './lib/child-pids';
import { migrateDatabase } from '../src/server/db/migrate';

const require = createRequire(import.meta.url);
const mode = process.argv[2] === 'start' ? 'start' : 'dev';
const log = (line: string) => console.log(`[kanso] ${line}`);

interface ChildSpec {
  name: string;
  command: string;
  args: string[];
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function main(): Promise<void> {
  loadDotEnv();
  const database = await resolveDatabase(log);
  let stopping = false;
  const running = new Map<string, ChildProcess>();

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await Promise.all(
      [...running.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            signalGroup(child, 'SIGTERM');
          }),
      ),
    );
    if (database.embedded) {
      await database.embedded.stop();
      log('embedded PostgreSQL stopped');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    await migrateDatabase(database.adminUrl, database.appUrl);
    log('migrations applied');
    const childEnv: Record<string, string | undefined> = {
      ...process.env,
      DATABASE_URL: database.appUrl,
      DATABASE_ADMIN_URL: database.adminUrl,
      NEXT_TELEMETRY_DISABLED: '1',
    };
    if (mode === 'dev') {
      childEnv.NODE_ENV = 'development';
      childEnv.AUTH_SECRET ??= devAuthSecret();
      childEnv.DEV_MAILBOX ??= childEnv.SMTP_URL ? 'false' : 'true';
      Object.assign(process.env, childEnv);
      const { createDatabase } = await import('../src/server/db/client');
      const { seedDemoData, DEMO_USER } = await import('../src/server/db/seed');
      const seedDb = createDatabase(database.appUrl, 1);
      await seedDemoData(seedDb);
      await seedDb.$client.end();
      log(`demo account: ${DEMO_USER.email} / ${DEMO_USER.password}   dev mailbox: /en/dev/mailbox`);
    } else {
      childEnv.NODE_ENV = 'production';
    }

    const port = process.env.PORT ?? '3000';
    const children: ChildSpec[] = [
      {
        name: 'web',
        command: process.execPath,
        // KANSO_HOST (e.g. 127.0.0.1) keeps the server on one interface; unset, Next listens on all.
        args: [require.resolve('next/dist/bin/next'), mode, '--port', port, ...(process.env.KANSO_HOST ? ['--hostname', process.env.KANSO_HOST] : [])],
      },
      {
        name: 'realtime',
        command: process.execPath,
        // react-server: modules marked `import 'server-only'` load in this server process.
        args: ['--conditions=react-server', '--import', 'tsx', 'sidecar/realtime-sidecar.ts'],
      },
      // The job worker is added here when it lands.
    ];
    for (const spec of children) {
      await stopStaleChild(spec.name, log);
      const child = spawn(spec.command, spec.args, {
        env: childEnv as NodeJS.ProcessEnv,
        stdio: 'inherit',
        // Its own process group, so stopping it also stops what it spawned (next-server).
        detached: true,
      });
      running.set(spec.name, child);
      recordChild(spec.name, child.pid);
      child.on('exit', (code, signal) => {
        if (stopping) return;
        log(`${spec.name} exited (${signal ?? code}); stopping the rest`);
        void shutdown(code ?? 1);
      });
    }
    log(`${mode === 'dev' ? 'development' : 'production'} server on http://localhost:${port}`);
    log(`realtime sidecar on ws://${process.env.REALTIME_HOST ?? '127.0.0.1'}:${process.env.REALTIME_PORT ?? '3001'} (GET /health)`);
  } catch (error) {
    console.error(`[kanso] ${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}

main().catch((error: unknown) => {
  console.error(`[kanso] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
