/**
 * PERF-2 benchmark: edit-to-receive latency through the realtime sidecar, and its memory when idle;
 * or (with --room-sockets) one big room: how fast it fills, what presence costs per join, and
 * edit-to-receive latency for probe sockets among them (ADR 0015).
 *
 *   node --import ./bench/lib/register.mjs --import tsx bench/realtime.ts \
 *     [--clients=200] [--edits=50] [--idle=2000] [--app-url=http://localhost:3000]
 *   … bench/realtime.ts --room-sockets=10000 [--room-users=<sockets>] [--probes=200] [--edits=50]
 *     [--concurrency=200] [--storm] [--storm-concurrency=1000] [--join-timeout=600]
 *   common: [--pg-port=N] [--sidecar-port=N] [--app-port=N] (default: free ports)
 *     [--instances=2 --redis-url=redis://127.0.0.1:6379]: several sidecars sharing presence over Redis,
 *     sockets spread over them (each instance fans out to its own; big-room mode)
 *
 * Big-room mode: --room-users people (default one per socket; fewer = several tabs each), each
 * socket joining the one board with a ticket that names it (at most --concurrency connecting at
 * once). Printed: time until all joined (and at each milestone: 1,000, 2,000, 5,000, 10,000 …),
 * presence frames and bytes per join counted at the client side over ALL sockets (the joiner's
 * `joined` list and every presence frame the room received, cumulative and between milestones —
 * equal figures at 1,000 and 10,000 mean a join's presence cost does not grow with the room),
 * sidecar RSS and CPU seconds, then --edits sequential `task.update`s and their edit→receive p95
 * at the --probes sockets (spread over the room; every socket receives every event). --storm then
 * restarts the sidecar (SIGTERM: every socket closed with 1001) and re-opens every socket at once,
 * as browsers reconnecting after a restart would: the same figures for the storm. Bounded: every
 * socket has a 60 s deadline, the whole fill --join-timeout seconds; the process exits by itself.
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
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ensureDatabase, freePort, startEmbeddedPostgres, type EmbeddedCluster } from '../scripts/lib/embedded-postgres';
import { SIDECAR_ENTRY, SIDECAR_NODE_OPTIONS } from '../scripts/lib/sidecar-command';
import { benchArgs, percentile } from './lib/cli';

const args = benchArgs();
const CLIENTS = Number(args.clients ?? 200);
const EDITS = Number(args.edits ?? 50);
const IDLE = Number(args.idle ?? 2000);
const APP_URL = args['app-url'];
const ROOM_SOCKETS = Number(args['room-sockets'] ?? 0);
const ROOM_USERS = Number(args['room-users'] ?? ROOM_SOCKETS);
const PROBES = Number(args.probes ?? 200);
const CONCURRENCY = Number(args.concurrency ?? 200);
const STORM = args.storm === 'true';
const STORM_CONCURRENCY = Number(args['storm-concurrency'] ?? 1000);
const JOIN_TIMEOUT_S = Number(args['join-timeout'] ?? 600);
const INSTANCES = Math.max(1, Number(args.instances ?? 1));
const REDIS_URL = args['redis-url'] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const port = async (name: string) => (args[name] ? Number(args[name]) : freePort());

const log = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024;
}

/** The soft limit on open files of this process (a big room needs one per socket, here and in the sidecar). */
function openFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s{2,}/)[1] ?? Infinity);
}

async function main(): Promise<void> {
  if (ROOM_SOCKETS && openFileLimit() < ROOM_SOCKETS + 1000) {
    throw new Error(`--room-sockets=${ROOM_SOCKETS} needs more open files than this shell allows (${openFileLimit()}): run \`ulimit -n ${ROOM_SOCKETS + 2000}\` first (or bench/realtime-stack.sh, which raises it)`);
  }
  // ── PostgreSQL ──
  let cluster: EmbeddedCluster | undefined;
  let dataDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    dataDir = path.resolve('.data/bench', `run-${process.pid}`);
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    cluster = await startEmbeddedPostgres({ dataDir, port: await port('pg-port') });
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
  const { sessions, users, workspaces, workspaceMembers } = await import('../src/server/db/schema');
  const { withTenant } = await import('../src/server/db/tenant');
  const { createSession, sessionCookieName } = await import('../src/server/auth/session');
  const { signTicket } = await import('../src/server/realtime/ticket');

  // ── Seed: the writer + N people in one workspace (bulk inserts: 10,000 people in a few seconds) ──
  const stamp = Date.now();
  const readerCount = ROOM_SOCKETS ? ROOM_USERS : CLIENTS;
  const people: Array<{ id: string }> = [];
  for (let from = 0; from <= readerCount; from += 2000) {
    const rows = Array.from({ length: Math.min(2000, readerCount + 1 - from) }, (_, j) => ({ email: `bench-${stamp}-${from + j}@example.test`, name: `Bench ${from + j}`, emailVerified: new Date() }));
    people.push(...(await db().insert(users).values(rows).returning({ id: users.id })));
  }
  const [writer, ...readers] = people as [{ id: string }, ...Array<{ id: string }>];
  const workspaceId = randomUUID();
  const slug = `bench-${stamp}`;
  await withTenant(db(), { workspaceId }, async (tx) => {
    await tx.insert(workspaces).values({ id: workspaceId, name: 'Bench', slug });
    for (let from = 0; from < people.length; from += 2000) {
      await tx.insert(workspaceMembers).values(people.slice(from, from + 2000).map((p, j) => ({ workspaceId, userId: p.id, role: from + j === 0 ? ('owner' as const) : ('member' as const) })));
    }
  });
  const { token } = await createSession(db(), writer.id, { userAgent: 'bench', ip: '127.0.0.1' });
  // Tickets name a live session: one per reader, as each would have signed in.
  const sessionOf = new Map<string, string>();
  const expires = new Date(Date.now() + 24 * 3600_000);
  for (let from = 0; from < readers.length; from += 2000) {
    const rows = readers.slice(from, from + 2000).map((r) => ({ tokenHash: randomBytes(24).toString('hex'), userId: r.id, expires, userAgent: 'bench', ip: '127.0.0.1' }));
    for (const row of await db().insert(sessions).values(rows).returning({ id: sessions.id, userId: sessions.userId })) sessionOf.set(row.userId, row.id);
  }
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
    const appPort = await port('app-port');
    await new Promise<void>((r) => server!.listen(appPort, '127.0.0.1', r));
    base = `http://127.0.0.1:${appPort}`;
    log(`tRPC route handler on ${base}/api/trpc (in-process)`);
  }
  const mutate = trpcMutation(base, cookie);

  const projectId = randomUUID();
  const taskId = randomUUID();
  await mutate('project.create', { workspaceSlug: slug, id: projectId, name: 'Bench board' });
  let { version } = await mutate<{ version: number }>('task.create', { workspaceSlug: slug, id: taskId, projectId, title: 'edit 0' });

  // ── The sidecar (--instances > 1: several, sharing presence and nonces over Redis) ──
  const firstPort = await port('sidecar-port');
  const sidecarPorts = [firstPort];
  for (let k = 1; k < INSTANCES; k++) sidecarPorts.push(args['sidecar-port'] ? firstPort + k : await freePort());
  const startOne = async (sidecarPort: number): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [...SIDECAR_NODE_OPTIONS, ...SIDECAR_ENTRY], {
      env: { ...process.env, REALTIME_PORT: String(sidecarPort), REALTIME_HOST: '127.0.0.1', ...(INSTANCES > 1 ? { REDIS_URL } : {}) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${sidecarPort}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 200 || child.exitCode !== null) throw new Error('sidecar did not become healthy');
      await sleep(100);
    }
    return child;
  };
  const stopOne = (child: ChildProcess) =>
    new Promise((r) => {
      if (child.exitCode !== null) return r(null);
      child.once('exit', r);
      child.kill('SIGTERM');
    });
  /** The sidecars as one: RSS and CPU summed over the instances. */
  const startSidecar = async () => {
    const children = await Promise.all(sidecarPorts.map(startOne));
    return { pids: children.map((c) => c.pid!), children };
  };
  const stopSidecar = (s: { children: ChildProcess[] }) => Promise.all(s.children.map(stopOne));
  let sidecar = await startSidecar();
  const sidecarRss = () => sidecar.pids.reduce((n, pid) => n + rssMb(pid), 0);
  const sidecarCpu = () => sidecar.pids.reduce((n, pid) => n + cpuSeconds(pid), 0);
  const baseRss = sidecarRss();
  const fmt = (n: number) => n.toFixed(1);
  /** A ticket URL for `userId` on instance `k % INSTANCES`. */
  const ticketUrl = (userId: string, k = 0) => {
    const { ticket } = signTicket(process.env.AUTH_SECRET!, { userId, sessionId: sessionOf.get(userId)!, workspaceId, projectId });
    return `ws://127.0.0.1:${sidecarPorts[k % INSTANCES]}/?ticket=${ticket}`;
  };

  /** Sequential edits through task.update; latency = HTTP send → event at each socket `listen` registered. */
  const pending = new Map<string, { sent: number; left: number; done: () => void }>();
  const onEdit = (title: string) => {
    const edit = pending.get(title);
    if (!edit) return;
    samples.push(performance.now() - edit.sent);
    if (--edit.left === 0) edit.done();
  };
  const samples: number[] = [];
  async function edits(listeners: number): Promise<{ sorted: number[]; writes: number[]; lost: number }> {
    samples.length = 0;
    const writeMs: number[] = [];
    let lost = 0;
    for (let i = 1; i <= EDITS; i++) {
      const title = `edit ${i} ${randomUUID().slice(0, 8)}`;
      const received = new Promise<void>((resolve) => pending.set(title, { sent: performance.now(), left: listeners, done: resolve }));
      const sent = performance.now();
      pending.get(title)!.sent = sent;
      const updated = await mutate<{ version: number }>('task.update', { workspaceSlug: slug, taskId, expectedVersion: version, title });
      writeMs.push(performance.now() - sent);
      version = updated.version;
      const ok = await Promise.race([received.then(() => true), sleep(5000).then(() => false)]);
      if (!ok) lost += pending.get(title)!.left;
      pending.delete(title);
    }
    return { sorted: [...samples].sort((a, b) => a - b), writes: writeMs.sort((a, b) => a - b), lost };
  }
  const printEdits = (label: string, r: { sorted: number[]; writes: number[]; lost: number }) => {
    console.log(`  ${label} edit → receive p50 ${fmt(percentile(r.sorted, 50))} ms   p95 ${fmt(percentile(r.sorted, 95))} ms   p99 ${fmt(percentile(r.sorted, 99))} ms   max ${fmt(r.sorted.at(-1) ?? NaN)} ms   (${r.sorted.length} deliveries, ${r.lost} missing)`);
    console.log(`  task.update HTTP p50 ${fmt(percentile(r.writes, 50))} ms   p95 ${fmt(percentile(r.writes, 95))} ms`);
  };

  if (ROOM_SOCKETS) {
    // ── Big room ──
    {
      // What the sidecar's periodic full re-check of this room costs PostgreSQL: one call for everyone.
      const { checkAccessMany } = await import('../src/server/realtime/access');
      const asks = new Map(readers.map((r) => [r.id, [projectId]]));
      await checkAccessMany(db(), workspaceId, new Map([...asks].slice(0, 10)));
      const t = performance.now();
      const verdicts = await checkAccessMany(db(), workspaceId, asks);
      log(`access re-check of ${verdicts.size} people (app_realtime_access, batches of 1,000): ${fmt(performance.now() - t)} ms`);
    }
    // The probes live in this process (with the writer); the other sockets in a child process, lowered
    // in priority while the edits run: they stand for browsers on other machines, whose frame parsing
    // must not queue in front of the probes' or take the sidecar's CPU (on a 2-core box it would).
    const probeCount = Math.min(PROBES, ROOM_SOCKETS);
    const probeEvery = Math.max(1, Math.floor(ROOM_SOCKETS / Math.max(1, probeCount)));
    const everyone = Array.from({ length: ROOM_SOCKETS }, (_, i) => readers[i % readers.length]!.id);
    const isProbe = (i: number) => i % probeEvery === 0 && i / probeEvery < probeCount;
    const probeUsers = everyone.filter((_, i) => isProbe(i));
    const bulkUsers = everyone.filter((_, i) => !isProbe(i));
    const fill = async (label: string, concurrency = CONCURRENCY) => {
      const t0 = performance.now();
      const cpu0 = sidecarCpu();
      const probes = roomSockets({ count: probeCount, url: (k) => ticketUrl(probeUsers[k]!, k), probe: true, onEdit, concurrency, deadlineMs: JOIN_TIMEOUT_S * 1000 });
      const bulk = startBulkChild(process.env.AUTH_SECRET!, { sidecarPorts, workspaceId, projectId });
      const milestones: Milestone[] = [];
      // Probes join spread among the others (one per `probeEvery - 1` of theirs), so they sit all
      // through the room's order, as in the sidecar's send loop, not first.
      const share = bulkUsers.length / ROOM_SOCKETS;
      const marks = [1000, 2000, 5000, 10_000, 20_000, 50_000].filter((m) => m < ROOM_SOCKETS).map((m) => Math.round(m * share));
      const probeMarks = Array.from({ length: probeCount }, (_, k) => Math.round(k * (probeEvery - 1))).filter((m) => m > 0);
      const opening: Array<Promise<void>> = [];
      let nextProbe = 0;
      if (probeMarks.length < probeCount) opening.push(probes.open(nextProbe++));
      const filled = await bulk.fill(
        { sockets: bulkUsers.map((u) => [u, sessionOf.get(u)!]), concurrency, deadlineMs: JOIN_TIMEOUT_S * 1000, offset: 0, marks: [...new Set([...marks, ...probeMarks])] },
        (m) => {
          if (probeMarks.includes(m.joins) && nextProbe < probeCount) opening.push(probes.open(nextProbe++));
          if (!marks.includes(m.joins)) return;
          const p = probes.totals();
          milestones.push({ joins: m.joins + probes.joined, at: performance.now() - t0, frames: m.frames + p.frames, bytes: m.bytes + p.bytes, joinedBytes: m.joinedBytes + p.joinedBytes, rss: sidecarRss(), cpu: sidecarCpu() - cpu0 });
        },
      );
      while (nextProbe < probeCount) opening.push(probes.open(nextProbe++));
      await Promise.all(opening);
      {
        const b = await bulk.totals();
        const p = probes.totals();
        milestones.push({ joins: filled.joined + probes.joined, at: performance.now() - t0, frames: b.frames + p.frames, bytes: b.bytes + p.bytes, joinedBytes: b.joinedBytes + p.joinedBytes, rss: sidecarRss(), cpu: sidecarCpu() - cpu0 });
      }
      const joined = probes.joined + filled.joined;
      const elapsedMs = performance.now() - t0;
      await sleep(3000); // the room's last coalesced frames
      const b = await bulk.totals();
      const p = probes.totals();
      const settled = { frames: b.frames + p.frames, bytes: b.bytes + p.bytes };
      console.log('');
      console.log(`${label}: ${joined} of ${ROOM_SOCKETS} sockets joined one room (${readers.length} people, ${probes.failed + filled.failed} failed) in ${fmt(elapsedMs / 1000)} s`);
      console.log('  joined   elapsed s  s per 1,000 (last step)  presence frames/join  presence KB/join (cumulative | this step)  of which joined-list KB/join  sidecar RSS MB  sidecar CPU s');
      let prev = { joins: 0, at: 0, frames: 0, bytes: 0 };
      for (const m of milestones) {
        const step = (m.bytes - prev.bytes) / Math.max(1, m.joins - prev.joins) / 1024;
        const perThousand = ((m.at - prev.at) / Math.max(1, m.joins - prev.joins)) * 1000;
        console.log(
          `  ${String(m.joins).padStart(6)}   ${fmt(m.at / 1000).padStart(9)}  ${fmt(perThousand / 1000).padStart(22)}  ${(m.frames / m.joins).toFixed(2).padStart(20)}  ${(m.bytes / m.joins / 1024).toFixed(2).padStart(22)} | ${step.toFixed(2).padEnd(16)}  ${(m.joinedBytes / m.joins / 1024).toFixed(2).padStart(27)}  ${fmt(m.rss).padStart(14)}  ${fmt(m.cpu).padStart(13)}`,
        );
        prev = m;
      }
      console.log(`  settled (+3 s): ${settled.frames} presence frames, ${fmt(settled.bytes / 1024 / 1024)} MB over all sockets = ${(settled.frames / Math.max(1, joined)).toFixed(2)} frames and ${(settled.bytes / Math.max(1, joined) / 1024).toFixed(2)} KB per join; sidecar RSS ${fmt(sidecarRss())} MB`);
      probes.quiet();
      bulk.quiet();
      return { joined, probes, bulk };
    };
    let room = await fill(`big room`);
    log(`${EDITS} edits through task.update; latency at ${room.probes.joined} probe sockets among ${room.joined}`);
    printEdits(`${room.probes.joined} probes among ${room.joined}:`, await edits(room.probes.joined));
    if (STORM) {
      log('storm: sidecar restarted (every socket closed with 1001), every socket reconnects at once');
      await stopSidecar(sidecar);
      room.probes.closeAll();
      await room.bulk.exit();
      sidecar = await startSidecar();
      room = await fill(`reconnect storm (${STORM_CONCURRENCY} connecting at once)`, STORM_CONCURRENCY);
      printEdits(`${room.probes.joined} probes among ${room.joined} after the storm:`, await edits(room.probes.joined));
    }
    room.probes.closeAll();
    await room.bulk.exit();
  } else {
    // ── Phase 1: latency ──
    const clients = await openClients(readers.map((r) => r.id), CLIENTS, onEdit);
    log(`${CLIENTS} clients joined one room; ${EDITS} edits through task.update`);
    const result = await edits(CLIENTS);
    for (const ws of clients) ws.close();

    // ── Phase 2: idle connections ──
    await sleep(1500);
    const afterLatencyRss = sidecarRss();
    const idle = await openClients(readers.map((r) => r.id), IDLE);
    await sleep(3000);
    const idleRss = sidecarRss();

    console.log('');
    console.log(`realtime benchmark — ${CLIENTS} clients in one room, ${EDITS} sequential edits (task.update over HTTP)`);
    printEdits('', result);
    console.log(`  sidecar RSS      at start ${fmt(baseRss)} MB   after latency run ${fmt(afterLatencyRss)} MB   with ${idle.length} idle joined connections ${fmt(idleRss)} MB`);
    for (const ws of idle) ws.terminate();
  }

  /** Opens `count` sockets (batches of 100), each authenticated and joined to the project. */
  async function openClients(userIds: string[], count: number, onEvent?: (title: string) => void): Promise<WebSocket[]> {
    const sockets: WebSocket[] = [];
    for (let start = 0; start < count; start += 100) {
      const batch = Array.from({ length: Math.min(100, count - start) }, (_, j) => {
        const ws = new WebSocket(ticketUrl(userIds[(start + j) % userIds.length]!));
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

  // ── Teardown ──
  await stopSidecar(sidecar);
  server?.close();
  await closeDb();
  if (cluster) await cluster.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

/** The only tRPC client of this bench: plain JSON both ways (ADR 0013). */
function trpcMutation(base: string, cookie: string) {
  return async function mutate<T>(procedure: string, input: unknown): Promise<T> {
    const res = await fetch(`${base}/api/trpc/${procedure}`, {
      method: 'POST',
      // Same-origin, as the board's page sends it (the edge refuses a cookie-carrying POST without Origin).
      headers: { 'content-type': 'application/json', cookie, origin: base },
      // Plain JSON both ways (ADR 0013).
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { result?: { data: T }; error?: unknown };
    if (!res.ok || !body.result) throw new Error(`${procedure} failed (${res.status}): ${JSON.stringify(body.error)}`);
    return body.result.data;
  };
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Milestone {
  joins: number;
  at: number;
  frames: number;
  bytes: number;
  joinedBytes: number;
  rss: number;
  cpu: number;
}

interface Counted {
  joins: number;
  frames: number;
  bytes: number;
  joinedBytes: number;
}

/**
 * Sockets to one room: `fill()` opens `count`, at most `concurrency` connecting at once, `open(i)`
 * one; every presence byte they receive is counted at the client side: the `joined` reply (its list) and each presence
 * frame (`presence_delta`, or protocol 1's `presence`/`presence_left`). Probe sockets also parse
 * events (`onEdit`); the others only count bytes. `onMark` when `offset` + joined reaches a mark.
 */
function roomSockets(o: {
  count: number;
  url: (i: number) => string;
  probe: boolean;
  onEdit?: (title: string) => void;
  concurrency: number;
  deadlineMs: number;
  offset?: number;
  marks?: number[];
  onMark?: (c: Counted) => void;
}) {
  const sockets: WebSocket[] = [];
  let frames = 0;
  let bytes = 0;
  let joinedBytes = 0;
  let joined = 0;
  let failed = 0;
  const offset = o.offset ?? 0;
  const marks = new Set(o.marks ?? []);
  const t0 = performance.now();
  // Beyond ~20,000 sockets one source address runs out of ephemeral ports: spread over 127.0.0.x.
  const addresses = Math.max(1, Math.ceil((o.count + offset) / 20_000));
  const openOne = (i: number) =>
    new Promise<void>((resolve) => {
      // A browser validates UTF-8 on its own core; thousands of them in this process should not.
      const ws = new WebSocket(o.url(i), { skipUTF8Validation: true, perMessageDeflate: false, ...(addresses > 1 ? { localAddress: `127.0.0.${1 + (i % addresses)}` } : {}) });
      sockets.push(ws);
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (ok) {
          joined += 1;
          if (marks.has(offset + joined)) o.onMark?.({ joins: offset + joined, frames, bytes, joinedBytes });
        } else failed += 1;
        resolve();
      };
      const timer = setTimeout(() => {
        ws.terminate();
        finish(false);
      }, 60_000);
      ws.on('message', (data: Buffer) => {
        const size = data.length;
        // Cheap type test on the frame's start: {"type":"…"
        const head = data.toString('latin1', 0, 24);
        if (head.startsWith('{"type":"presence')) {
          frames += 1;
          bytes += size;
        } else if (head.startsWith('{"type":"joined"')) {
          frames += 1;
          bytes += size;
          joinedBytes += size;
          finish(true);
        } else if (o.probe && o.onEdit && head.startsWith('{"type":"event"')) {
          const message = JSON.parse(data.toString('utf8')) as { event?: { payload: { title?: string } } };
          if (typeof message.event?.payload.title === 'string') o.onEdit(message.event.payload.title);
        }
      });
      ws.on('close', () => finish(false));
      ws.on('error', () => finish(false));
    });
  let next = 0;
  const worker = async () => {
    while (next < o.count && performance.now() - t0 < o.deadlineMs) await openOne(next++);
  };
  return {
    /** Opens all `count` sockets, `concurrency` at a time. */
    fill: () => Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, worker)),
    /** Opens socket `i` alone. */
    open: (i: number) => openOne(i),
    get joined() {
      return joined;
    },
    get failed() {
      return failed;
    },
    totals: () => ({ frames, bytes, joinedBytes }),
    /** Stop counting (a probe keeps parsing events). */
    quiet: () => {
      if (o.probe) return;
      for (const ws of sockets) ws.removeAllListeners('message');
    },
    closeAll: () => {
      for (const ws of sockets) ws.terminate();
    },
  };
}

type ChildCommand =
  | { cmd: 'fill'; sockets: Array<[string, string]>; concurrency: number; deadlineMs: number; offset: number; marks: number[] }
  | { cmd: 'totals' }
  | { cmd: 'quiet' }
  | { cmd: 'exit' };
type ChildEvent =
  | ({ ev: 'mark' } & Counted)
  | { ev: 'filled'; joined: number; failed: number }
  | { ev: 'totals'; frames: number; bytes: number; joinedBytes: number };

/** The non-probe sockets, in a child process of this file (KANSO_BENCH_BULK=1). */
function startBulkChild(authSecret: string, target: { sidecarPorts: number[]; workspaceId: string; projectId: string }) {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', './bench/lib/register.mjs', '--import', 'tsx'],
    env: { ...process.env, KANSO_BENCH_BULK: '1', KANSO_BENCH_TARGET: JSON.stringify(target), AUTH_SECRET: authSecret },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const send = (c: ChildCommand) => child.send(c);
  const nextEvent = <T extends ChildEvent['ev']>(ev: T, onOther?: (e: ChildEvent) => void) =>
    new Promise<Extract<ChildEvent, { ev: T }>>((resolve, reject) => {
      const onMessage = (e: ChildEvent) => {
        if (e.ev === ev) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(e as Extract<ChildEvent, { ev: T }>);
        } else onOther?.(e);
      };
      const onExit = (code: number | null) => reject(new Error(`bench child exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    async fill(command: Omit<Extract<ChildCommand, { cmd: 'fill' }>, 'cmd'>, onMark: (c: Counted) => void) {
      const filled = nextEvent('filled', (e) => e.ev === 'mark' && onMark(e));
      send({ cmd: 'fill', ...command });
      return filled;
    },
    async totals() {
      const answer = nextEvent('totals');
      send({ cmd: 'totals' });
      return answer;
    },
    /** Quiet, and lowered in priority: these sockets stand for browsers on other machines. */
    quiet() {
      send({ cmd: 'quiet' });
      try {
        setPriority(child.pid!, 19);
      } catch {
        // not allowed here: the figures then include this process's CPU
      }
    },
    exit: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        send({ cmd: 'exit' });
      }),
  };
}

async function bulkChild(): Promise<void> {
  const { signTicket } = await import('../src/server/realtime/ticket');
  const target = JSON.parse(process.env.KANSO_BENCH_TARGET!) as { sidecarPorts: number[]; workspaceId: string; projectId: string };
  let room: ReturnType<typeof roomSockets> | null = null;
  const reply = (e: ChildEvent) => process.send!(e);
  process.on('message', (c: ChildCommand) => {
    switch (c.cmd) {
      case 'fill':
        room = roomSockets({
          count: c.sockets.length,
          url: (i) => {
            const [userId, sessionId] = c.sockets[i]!;
            return `ws://127.0.0.1:${target.sidecarPorts[i % target.sidecarPorts.length]}/?ticket=${signTicket(process.env.AUTH_SECRET!, { userId, sessionId, workspaceId: target.workspaceId, projectId: target.projectId }).ticket}`;
          },
          probe: false,
          concurrency: c.concurrency,
          deadlineMs: c.deadlineMs,
          offset: c.offset,
          marks: c.marks,
          onMark: (m) => reply({ ev: 'mark', ...m }),
        });
        void room.fill().then(() => reply({ ev: 'filled', joined: room!.joined, failed: room!.failed }));
        return;
      case 'totals':
        return reply({ ev: 'totals', ...(room?.totals() ?? { frames: 0, bytes: 0, joinedBytes: 0 }) });
      case 'quiet':
        return room?.quiet();
      case 'exit':
        room?.closeAll();
        process.exit(0);
    }
  });
}

if (process.env.KANSO_BENCH_BULK === '1') {
  void bulkChild();
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
