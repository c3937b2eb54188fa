/**
 * ADR 0011 benchmark: what commit-ordered outbox ids cost. The outbox trigger takes a per-workspace
 * transaction lock before numbering an event, so writes of ONE workspace serialise from their outbox
 * insert to COMMIT. This measures `task.update` through the real tRPC caller (one transaction each,
 * the real procedure, RLS, activity row, outbox row, NOTIFY) with the ordering trigger off ("before":
 * the sequence default numbers rows, as until migration 0005) and on ("after"), at several
 * concurrency levels, all writers in one workspace (the worst case) and, for comparison, one writer
 * per workspace.
 *
 *   node --import ./bench/lib/register.mjs --import tsx bench/outbox-order.ts [--ops=400] [--concurrency=1,4,16,32]
 *
 * PostgreSQL: DATABASE_URL/DATABASE_ADMIN_URL if set (the "before" phase then ALTERs that database's
 * outbox — use a scratch database), else an embedded cluster in .data/bench-outbox/ on
 * EMBEDDED_PG_PORT (default 54351), removed afterwards. Prints figures; asserts nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from '../scripts/lib/embedded-postgres';
import { benchArgs, percentile } from './lib/cli';

const args = benchArgs();
const OPS = Number(args.ops ?? 400);
const LEVELS = (args.concurrency ?? '1,4,16,32').split(',').map(Number);

const log = (line: string) => console.log(`[bench] ${line}`);

async function main(): Promise<void> {
  let cluster: EmbeddedCluster | undefined;
  let dataDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    dataDir = path.resolve('.data/bench-outbox', `run-${process.pid}`);
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    cluster = await startEmbeddedPostgres({ dataDir, port: Number(process.env.EMBEDDED_PG_PORT ?? 54351) });
    await ensureDatabase(cluster, 'kanso_bench');
    process.env.DATABASE_URL = cluster.appUrl('kanso_bench');
    process.env.DATABASE_ADMIN_URL = cluster.ownerUrl('kanso_bench');
    log(`embedded PostgreSQL on port ${cluster.port}`);
  }
  process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
  process.env.LOG_LEVEL ??= 'warn';
  process.env.DATABASE_POOL_MAX ??= String(Math.max(...LEVELS) + 4);
  const adminUrl = process.env.DATABASE_ADMIN_URL ?? process.env.DATABASE_URL;
  const { migrateDatabase } = await import('../src/server/db/migrate');
  await migrateDatabase(adminUrl, process.env.DATABASE_URL);
  const owner = postgres(adminUrl, { max: 1, onnotice: () => {} });

  const { db, closeDb } = await import('../src/server/db/client');
  const { users, workspaces, workspaceMembers } = await import('../src/server/db/schema');
  const { withTenant } = await import('../src/server/db/tenant');
  const { appendEvent } = await import('../src/server/realtime-events/outbox');
  const { createSession, sessionCookieName } = await import('../src/server/auth/session');
  const { appRouter } = await import('../src/server/api/root');
  const { createCallerFactory, createContext } = await import('../src/server/api/trpc');
  const createCaller = createCallerFactory(appRouter);

  try {
    const stamp = Date.now();
    const [user] = await db().insert(users).values({ email: `bench-outbox-${stamp}@example.test`, name: 'Bench', emailVerified: new Date() }).returning({ id: users.id });
    const { token } = await createSession(db(), user!.id, { userAgent: 'bench', ip: '127.0.0.1' });
    const ctx = await createContext({
      headers: new Headers({ 'user-agent': 'bench', 'x-kanso-client-ip': '127.0.0.1' }),
      cookies: { get: (name: string) => (name === sessionCookieName(false) ? token : undefined), set: () => {}, delete: () => {} },
      secure: false,
      database: db(),
    });
    const caller = createCaller(ctx);

    /** `count` workspaces, each with a project and `perWorkspace` tasks. */
    async function seed(count: number, perWorkspace: number) {
      const out: Array<{ slug: string; workspaceId: string; projectId: string; tasks: Array<{ id: string; version: number }> }> = [];
      for (let w = 0; w < count; w += 1) {
        const id = randomUUID();
        const slug = `bench-${stamp}-${out.length}-${randomBytes(3).toString('hex')}`;
        await withTenant(db(), { workspaceId: id }, async (tx) => {
          await tx.insert(workspaces).values({ id, name: 'Bench', slug });
          await tx.insert(workspaceMembers).values({ workspaceId: id, userId: user!.id, role: 'owner' });
        });
        const projectId = randomUUID();
        await caller.project.create({ workspaceSlug: slug, id: projectId, name: 'Bench' });
        const tasks = [];
        for (let i = 0; i < perWorkspace; i += 1) {
          const task = await caller.task.create({ workspaceSlug: slug, id: randomUUID(), projectId, title: `t${i}` });
          tasks.push({ id: task.id, version: task.version });
        }
        out.push({ slug, workspaceId: id, projectId, tasks });
      }
      return out;
    }

    type Target = { slug: string; workspaceId: string; projectId: string; task: { id: string; version: number } };
    /** `task.update` through the caller: the whole procedure (each writer edits its own task, no CONFLICTs). */
    const update = async ({ slug, task }: Target) => {
      const row = await caller.task.update({ workspaceSlug: slug, taskId: task.id, expectedVersion: task.version, title: `v${task.version + 1}` });
      task.version = row.version;
    };
    /** Only the outbox: a workspace-scoped transaction that appends one event and commits. */
    const append = ({ workspaceId, projectId }: Target) =>
      withTenant(db(), { workspaceId, userId: user!.id }, (tx) =>
        appendEvent(tx, { workspaceId, projectId, type: 'task.updated', payload: { bench: true }, actorId: user!.id, requestId: null }),
      );

    /** `ops` writes by `targets.length` concurrent writers. */
    async function run(targets: Target[], write: (t: Target) => Promise<unknown>, ops = OPS) {
      const latencies: number[] = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(
        targets.map(async (target) => {
          while (next < ops) {
            next += 1;
            const t0 = performance.now();
            await write(target);
            latencies.push(performance.now() - t0);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      return { perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
    }

    const maxLevel = Math.max(...LEVELS);
    const [shared] = await seed(1, maxLevel);
    const separate = await seed(maxLevel, 1);

    async function ordering(on: boolean): Promise<void> {
      // As the owner: the app role may not alter the table.
      if (on) {
        await owner.unsafe(`ALTER TABLE outbox_events ALTER COLUMN id DROP DEFAULT; ALTER TABLE outbox_events ENABLE TRIGGER outbox_events_number`);
      } else {
        await owner.unsafe(`ALTER TABLE outbox_events DISABLE TRIGGER outbox_events_number; ALTER TABLE outbox_events ALTER COLUMN id SET DEFAULT nextval('outbox_events_id_seq'::regclass)`);
      }
    }

    const rows: string[] = [];
    const fmt = (n: number) => n.toFixed(1).padStart(7);
    try {
      for (const [name, write] of [
        ['task.update', update],
        ['append only', append],
      ] as const) {
        for (const level of LEVELS) {
          for (const layout of ['one workspace', 'one per writer'] as const) {
            if (layout === 'one per writer' && level === 1) continue;
            const targets: Target[] =
              layout === 'one workspace'
                ? shared!.tasks.slice(0, level).map((task) => ({ ...shared!, task }))
                : separate.slice(0, level).map((w) => ({ ...w, task: w.tasks[0]! }));
            const result: Record<'before' | 'after', Awaited<ReturnType<typeof run>>> = {} as never;
            // before, after, before, after: the better of two runs each (the machine is shared).
            for (const phase of ['before', 'after', 'before', 'after'] as const) {
              await ordering(phase === 'after');
              await run(targets, write, targets.length * 2); // warm-up
              const r = await run(targets, write);
              if (!result[phase] || r.perSecond > result[phase].perSecond) result[phase] = r;
            }
            rows.push(
              `${name.padEnd(11)} | ${String(level).padStart(7)} | ${layout.padEnd(14)} | ${fmt(result.before.perSecond)} ${fmt(result.after.perSecond)} | ${fmt(result.before.p50)} ${fmt(result.after.p50)} | ${fmt(result.before.p95)} ${fmt(result.after.p95)} | ${fmt(result.before.p99)} ${fmt(result.after.p99)}`,
            );
            log(`done: ${name}, ${level} writers, ${layout}`);
          }
        }
      }
    } finally {
      await ordering(true);
    }
    console.log(`\n${OPS} writes per cell (best of 2); before = sequence default, after = ordering trigger (migration 0005)`);
    console.log(`write       | writers | workspaces     |  ops/s before/after |  p50 ms before/after |  p95 ms before/after |  p99 ms before/after`);
    for (const row of rows) console.log(row);
  } finally {
    await owner.end();
    await closeDb();
    await cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
