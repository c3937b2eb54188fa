/**
 * bench:jobs part 2 — outbox → webhook delivery latency (JOBS-2, JOBS-3). One workspace, one
 * project, one endpoint subscribed to `task.created` on a local receiver; `events` tasks created
 * through the real task service (one transaction each, at `rate` per second); the REAL worker
 * process relays each event and delivers it signed. Latency = the receiver reading the delivery
 * minus the moment its transaction committed (both clocks are this machine's). Every delivery's
 * signature is verified with the `standardwebhooks` library; a delivery that does not verify is
 * not counted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface WebhookBenchOptions {
  events: number;
  rate: number;
  startWorker: (env: Record<string, string>) => Promise<{ stop: () => Promise<void> }>;
  log: (line: string) => void;
  id: () => string;
}

/** Latencies (ms) from each event's commit to the receiver reading its delivery. */
export async function benchWebhookLatency(options: WebhookBenchOptions): Promise<number[]> {
  const { events, rate, log } = options;
  // The worker and this process may deliver to a loopback receiver (a dev/test switch).
  process.env.WEBHOOK_ALLOW_LOOPBACK = 'true';
  Object.assign(process.env, { NODE_ENV: 'development' });
  const { db } = await import('../src/server/db/client');
  const { users, workspaces, workspaceMembers } = await import('../src/server/db/schema');
  const { withTenant } = await import('../src/server/db/tenant');
  const { createProject } = await import('../src/server/projects/project-service');
  const { createTask } = await import('../src/server/tasks/task-service');
  const { createEndpoint } = await import('../src/server/webhooks/webhook-service');

  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  let unverified = 0;
  const signing: { verifier?: Webhook } = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.timeOrigin + performance.now();
      res.writeHead(204).end();
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
        const payload = signing.verifier!.verify(body, headers) as { type: string; data: { object?: { id?: string } } };
        const taskId = payload.data.object?.id;
        const committed = taskId ? committedAt.get(taskId) : undefined;
        if (committed !== undefined) {
          latencies.push(at - committed);
          committedAt.delete(taskId!);
        }
      } catch {
        unverified += 1;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const stamp = Date.now();
  const [user] = await db().insert(users).values({ email: `bench-jobs-${stamp}@example.test`, name: 'Bench', emailVerified: new Date() }).returning({ id: users.id });
  const workspaceId = options.id();
  const scope = { workspaceId, userId: user!.id };
  const actor = { userId: user!.id, role: 'owner' as const, requestId: null };
  await withTenant(db(), { workspaceId }, async (tx) => {
    await tx.insert(workspaces).values({ id: workspaceId, name: 'Bench', slug: `bench-jobs-${stamp}` });
    await tx.insert(workspaceMembers).values({ workspaceId, userId: user!.id, role: 'owner' });
  });
  const projectId = options.id();
  await withTenant(db(), scope, (tx) => createProject(tx, actor, { workspaceId }, { id: projectId, name: 'Bench' }));
  const { secret } = await withTenant(db(), scope, (tx) =>
    createEndpoint(
      tx,
      { workspace: { id: workspaceId }, actor: { id: user!.id }, ip: null, requestId: null },
      { url: `http://127.0.0.1:${port}/hook`, description: 'bench', eventTypes: ['task.created'], enabled: true },
    ),
  );
  signing.verifier = new Webhook(secret);

  const worker = await options.startWorker({ WEBHOOK_ALLOW_LOOPBACK: 'true', NODE_ENV: 'development', JOBS_CONCURRENCY: '8' });
  try {
    const started = performance.now();
    for (let i = 0; i < events; i += 1) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const id = options.id();
      await withTenant(db(), scope, (tx) => createTask(tx, actor, { workspaceId }, { id, projectId, title: `bench ${i}` }));
      committedAt.set(id, performance.timeOrigin + performance.now());
    }
    for (const until = Date.now() + 120_000; latencies.length + unverified < events && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
    log(`outbox → webhook: ${events} task.created events at ${rate}/s over ${((performance.now() - started) / 1000).toFixed(1)} s; ${unverified} deliveries failed verification`);
  } finally {
    await worker.stop();
    server.close();
  }
  return latencies;
}
