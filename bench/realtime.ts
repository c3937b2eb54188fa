/**
 * PERF-2 benchmark: edit-to-receive latency through the realtime sidecar, and its memory when idle.
 *
 *   node --import ./bench/lib/register.mjs --import tsx bench/realtime.ts \
 *     [--clients=200] [--edits=50] [--idle=2000] [--app-url=http://localhost:3000]
 *
 * What runs: PostgreSQL (DATABASE_URL/DATABASE_ADMIN_URL if set, else an embedded cluster in
 * .data/bench/), migrations, N users in one workspace, the REAL sidecar process, and one writer
 * calling `task.update` over HTTP on the tRPC endpoint. Without --app-url the endpoint is the app's
 * own route handler (src/app/api/trpc/[trpc]/route.ts) on a local node:http server; with it, a
 * running `npm start` (then DATABASE_URL and AUTH_SECRET must be those of that app).
 * Latency = from sending the HTTP mutation to each client receiving the event (one clock: the
 * clients live in this process). Then N sockets close and --idle authenticated sockets, each
 * joined to the room, are held open while the sidecar's RSS is read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { ensureDatabase, freePort, startEmbeddedPostgres, type EmbeddedCluster } from '../scripts/lib/embedded-postgres';
import { benchArgs, percentile } from './lib/cli';

const args = benchArgs();
const CLIENTS = Number(args.clients ?? 200);
const EDITS = Number(args.edits ?? 50);
const IDLE = Number(args.idle ?? 2000);
const APP_URL = args['app-url'];

const log = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024;
}

async function main(): Promise<void> {
  // ── PostgreSQL ──
  let cluster: EmbeddedCluster | undefined;
  let dataDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    dataDir = path.resolve('.data/bench', `run-${process.pid}`);
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    cluster = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    await ensureDatabase(cluster, 'kanso_bench');
    process.env.DATABASE_URL = cluster.appUrl('kanso_bench');
    process.env.DATABASE_ADMIN_URL = cluster.ownerUrl('kanso_bench');
    log(`embedded PostgreSQL on port ${cluster.port}`);
  }
  process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
  process.env.LOG_LEVEL ??= 'warn';
  process.env.DATABASE_POOL_MAX ??= '10';
  const { migrateDatabase } = await import('../src/server/db/migrate');
  await migrateDatabase(process.env.DATABASE_ADMIN_URL ?? process.env.DATABASE_URL, process.env.DATABASE_URL);

  const { db, closeDb } = await import('../src/server/db/client');
  const { users, workspaces, workspaceMembers } = await import('../src/server/db/schema');
  const { withTenant } = await import('../src/server/db/tenant');
  const { createSession, sessionCookieName } = await import('../src/server/auth/session');
  const { signTicket } = await import('../src/server/realtime/ticket');

  // ── Seed: N users in one workspace ──
  const stamp = Date.now();
  const people = await db()
    .insert(users)
    .values(Array.from({ length: CLIENTS + 1 }, (_, i) => ({ email: `bench-${stamp}-${i}@example.test`, name: `Bench ${i}`, emailVerified: new Date() })))
    .returning({ id: users.id });
  const [writer, ...readers] = people as [{ id: string }, ...Array<{ id: string }>];
  const workspaceId = randomUUID();
  const slug = `bench-${stamp}`;
  await withTenant(db(), { workspaceId }, async (tx) => {
    await tx.insert(workspaces).values({ id: workspaceId, name: 'Bench', slug });
    await tx.insert(workspaceMembers).values(people.map((p, i) => ({ workspaceId, userId: p.id, role: i === 0 ? ('owner' as const) : ('member' as const) })));
  });
  const { token } = await createSession(db(), writer.id, { userAgent: 'bench', ip: '127.0.0.1' });
  // Tickets name a live session: one per reader, as each would have signed in.
  const sessionOf = new Map<string, string>();
  for (const reader of readers) sessionOf.set(reader.id, (await createSession(db(), reader.id, { userAgent: 'bench', ip: '127.0.0.1' })).sessionId);
  const cookie = `${sessionCookieName(false)}=${encodeURIComponent(token)}`;

  // ── The tRPC endpoint ──
  let server: Server | undefined;
  let base = APP_URL;
  if (!base) {
    const { POST } = await import('../src/app/api/trpc/[trpc]/route');
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
        const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined });
        void POST(request).then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        });
      });
    });
    const port = await freePort();
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    base = `http://127.0.0.1:${port}`;
    log(`tRPC route handler on ${base}/api/trpc (in-process)`);
  }
  async function mutate<T>(procedure: string, input: unknown): Promise<T> {
    const res = await fetch(`${base}/api/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-forwarded-for': '127.0.0.1' },
      // Plain JSON both ways (ADR 0013).
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { result?: { data: T }; error?: unknown };
    if (!res.ok || !body.result) throw new Error(`${procedure} failed (${res.status}): ${JSON.stringify(body.error)}`);
    return body.result.data;
  }

  const projectId = randomUUID();
  const taskId = randomUUID();
  await mutate('project.create', { workspaceSlug: slug, id: projectId, name: 'Bench board' });
  let { version } = await mutate<{ version: number }>('task.create', { workspaceSlug: slug, id: taskId, projectId, title: 'edit 0' });

  // ── The sidecar ──
  const sidecarPort = await freePort();
  const sidecar: ChildProcess = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'sidecar/realtime-sidecar.ts'], {
    env: { ...process.env, REALTIME_PORT: String(sidecarPort), REALTIME_HOST: '127.0.0.1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${sidecarPort}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 200) throw new Error('sidecar did not become healthy');
    await sleep(100);
  }
  const baseRss = rssMb(sidecar.pid!);

  /** Opens `count` sockets (batches of 100), each authenticated and joined to the project. */
  async function openClients(userIds: string[], count: number, onEvent?: (title: string) => void): Promise<WebSocket[]> {
    const sockets: WebSocket[] = [];
    for (let start = 0; start < count; start += 100) {
      const batch = Array.from({ length: Math.min(100, count - start) }, (_, j) => {
        const userId = userIds[(start + j) % userIds.length]!;
        const { ticket } = signTicket(process.env.AUTH_SECRET!, { userId, sessionId: sessionOf.get(userId)!, workspaceId, projectId });
        const ws = new WebSocket(`ws://127.0.0.1:${sidecarPort}/?ticket=${ticket}`);
        sockets.push(ws);
        return new Promise<void>((resolve, reject) => {
          ws.on('message', (data) => {
            const message = JSON.parse(String(data)) as { type: string; event?: { payload: { title?: string } } };
            if (message.type === 'joined') resolve();
            if (message.type === 'event' && onEvent && typeof message.event?.payload.title === 'string') onEvent(message.event.payload.title);
          });
          ws.on('close', (code) => reject(new Error(`socket closed ${code}`)));
          ws.on('error', reject);
        });
      });
      await Promise.all(batch);
    }
    return sockets;
  }

  // ── Phase 1: latency ──
  const pending = new Map<string, { sent: number; left: number; done: () => void }>();
  const samples: number[] = [];
  const writeMs: number[] = [];
  const clients = await openClients(
    readers.map((r) => r.id),
    CLIENTS,
    (title) => {
      const edit = pending.get(title);
      if (!edit) return;
      samples.push(performance.now() - edit.sent);
      if (--edit.left === 0) edit.done();
    },
  );
  log(`${CLIENTS} clients joined one room; ${EDITS} edits through task.update`);
  let lost = 0;
  for (let i = 1; i <= EDITS; i++) {
    const title = `edit ${i}`;
    const received = new Promise<void>((resolve) => pending.set(title, { sent: performance.now(), left: CLIENTS, done: resolve }));
    const sent = performance.now();
    pending.get(title)!.sent = sent;
    const updated = await mutate<{ version: number }>('task.update', { workspaceSlug: slug, taskId, expectedVersion: version, title });
    writeMs.push(performance.now() - sent);
    version = updated.version;
    const ok = await Promise.race([received.then(() => true), sleep(5000).then(() => false)]);
    if (!ok) lost += pending.get(title)!.left;
    pending.delete(title);
  }
  for (const ws of clients) ws.close();
  const sorted = samples.sort((a, b) => a - b);
  const writes = writeMs.sort((a, b) => a - b);
  const fmt = (n: number) => n.toFixed(1);

  // ── Phase 2: idle connections ──
  await sleep(1500);
  const afterLatencyRss = rssMb(sidecar.pid!);
  const idle = await openClients(
    readers.map((r) => r.id),
    IDLE,
  );
  await sleep(3000);
  const idleRss = rssMb(sidecar.pid!);

  console.log('');
  console.log(`realtime benchmark — ${CLIENTS} clients in one room, ${EDITS} sequential edits (task.update over HTTP)`);
  console.log(`  edit → receive   p50 ${fmt(percentile(sorted, 50))} ms   p95 ${fmt(percentile(sorted, 95))} ms   p99 ${fmt(percentile(sorted, 99))} ms   max ${fmt(sorted.at(-1) ?? NaN)} ms   (${sorted.length} deliveries, ${lost} missing)`);
  console.log(`  task.update HTTP p50 ${fmt(percentile(writes, 50))} ms   p95 ${fmt(percentile(writes, 95))} ms`);
  console.log(`  sidecar RSS      at start ${fmt(baseRss)} MB   after latency run ${fmt(afterLatencyRss)} MB   with ${idle.length} idle joined connections ${fmt(idleRss)} MB`);

  // ── Teardown ──
  for (const ws of idle) ws.terminate();
  await new Promise((r) => {
    sidecar.once('exit', r);
    sidecar.kill('SIGTERM');
  });
  server?.close();
  await closeDb();
  if (cluster) await cluster.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
