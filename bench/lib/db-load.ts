/**
 * One side of bench/db-round-trips.ts: a child process running ONE checkout of Kanso's server code
 * in-process (the tRPC caller, like bench/outbox-order.ts), driven over IPC by the parent. The same
 * file is copied into the "before" checkout, so it may only use what both versions have: the
 * appRouter, createContext, createSession, the schema's users/workspaces/workspace_members, the
 * password hash and migrateDatabase.
 *
 * Messages: { cmd: 'setup', writers, signers } → { seeded: true }; { cmd: 'run', scenario,
 * concurrency, ops } → { perSecond, p50, p95, p99, errors, cpuMsPerOp }; { cmd: 'exit' }.
 * Every op is one request: createContext (the session lookup) + the procedure.
 */
import { randomUUID } from 'node:crypto';
import { percentile } from './cli';

type Scenario = 'task.list' | 'task.update' | 'comment.create' | 'auth.signIn';
type Message = { cmd: 'setup'; writers: number; signers: number } | { cmd: 'run'; scenario: Scenario; concurrency: number; ops: number } | { cmd: 'exit' };

const PASSWORD = 'correct horse battery staple';

const { migrateDatabase } = await import('../../src/server/db/migrate');
await migrateDatabase(process.env.DATABASE_ADMIN_URL ?? '', process.env.DATABASE_URL ?? '');
const { db, closeDb } = await import('../../src/server/db/client');
const { users, workspaces, workspaceMembers } = await import('../../src/server/db/schema');
const { withTenant } = await import('../../src/server/db/tenant');
const { createSession, sessionCookieName } = await import('../../src/server/auth/session');
const { hashPassword } = await import('../../src/server/auth/password');
const { appRouter } = await import('../../src/server/api/root');
const { createCallerFactory, createContext } = await import('../../src/server/api/trpc');
const createCaller = createCallerFactory(appRouter);

interface Seed {
  slug: string;
  token: string;
  projectId: string;
  /** One task per concurrent writer (no CONFLICTs), with its current version. */
  tasks: Array<{ id: string; version: number }>;
  commentTaskId: string;
  signers: string[];
}
let seed: Seed | undefined;

function headers(): Headers {
  return new Headers({ 'user-agent': 'bench-db', 'x-kanso-client-ip': '127.0.0.1' });
}

/** A request's caller: a fresh context, as the route handler creates one per request. */
async function callerFor(token: string | null) {
  const cookies = { get: (name: string) => (token && name === sessionCookieName(false) ? token : undefined), set: () => {}, delete: () => {} };
  return createCaller(await createContext({ headers: headers(), cookies, secure: false, database: db() }));
}

async function setup(writers: number, signers: number): Promise<void> {
  const stamp = `${Date.now()}-${randomUUID().slice(0, 6)}`;
  const [user] = await db().insert(users).values({ email: `bench-db-${stamp}@example.test`, name: 'Bench', emailVerified: new Date() }).returning({ id: users.id });
  const { token } = await createSession(db(), user!.id, { userAgent: 'bench-db', ip: '127.0.0.1' });
  const workspaceId = randomUUID();
  const slug = `bench-db-${stamp}`;
  await withTenant(db(), { workspaceId }, async (tx) => {
    await tx.insert(workspaces).values({ id: workspaceId, name: 'Bench', slug });
    await tx.insert(workspaceMembers).values({ workspaceId, userId: user!.id, role: 'member' });
  });
  const caller = await callerFor(token);
  const projectId = randomUUID();
  await caller.project.create({ workspaceSlug: slug, id: projectId, name: 'Board' });
  const tasks: Seed['tasks'] = [];
  for (let i = 0; i < 200; i += 1) {
    const task = await caller.task.create({ workspaceSlug: slug, id: randomUUID(), projectId, title: `Task ${i}` });
    if (i < writers) tasks.push({ id: task.id, version: task.version });
  }
  const passwordHash = await hashPassword(PASSWORD);
  const emails: string[] = [];
  for (let i = 0; i < signers; i += 1) {
    const email = `bench-db-signer-${i}-${stamp}@example.test`;
    await db().insert(users).values({ email, name: `Signer ${i}`, emailVerified: new Date(), passwordHash });
    emails.push(email);
  }
  seed = { slug, token, projectId, tasks, commentTaskId: tasks[0]!.id, signers: emails };
}

async function run(scenario: Scenario, concurrency: number, ops: number) {
  const s = seed;
  if (!s) throw new Error('setup first');
  const op: (worker: number) => Promise<unknown> = {
    'task.list': async () => {
      const page = await (await callerFor(s.token)).task.list({ workspaceSlug: s.slug, projectId: s.projectId });
      if (page.items.length !== 200) throw new Error(`expected 200 tasks, got ${page.items.length}`);
    },
    'task.update': async (worker: number) => {
      const task = s.tasks[worker % s.tasks.length]!;
      const row = await (await callerFor(s.token)).task.update({ workspaceSlug: s.slug, taskId: task.id, expectedVersion: task.version, title: `v${task.version + 1}` });
      task.version = row.version;
    },
    'comment.create': async () => (await callerFor(s.token)).comment.create({ workspaceSlug: s.slug, id: randomUUID(), taskId: s.commentTaskId, body: 'Looks good' }),
    'auth.signIn': async (worker: number) => (await callerFor(null)).auth.signIn({ email: s.signers[worker % s.signers.length]!, password: PASSWORD }),
  }[scenario];
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < ops) {
        next += 1;
        const t0 = performance.now();
        try {
          await op(worker);
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
    // This process's CPU (user + system) per op: less sensitive to a busy machine than wall time.
    cpuMsPerOp: (used.user + used.system) / 1000 / Math.max(1, latencies.length + errors),
  };
}

process.on('message', (message: Message) => {
  void (async () => {
    try {
      if (message.cmd === 'setup') {
        await setup(message.writers, message.signers);
        process.send?.({ seeded: true });
      } else if (message.cmd === 'run') {
        process.send?.(await run(message.scenario, message.concurrency, message.ops));
      } else {
        await closeDb();
        process.exit(0);
      }
    } catch (error) {
      process.send?.({ error: error instanceof Error ? error.message : String(error) });
    }
  })();
});
process.send?.({ ready: true });
