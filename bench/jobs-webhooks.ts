/**
 * bench:jobs part 2 — outbox → webhook delivery latency (JOBS-3): E task creations through the real
 * task service (one transaction each, in one workspace, at `rate` per second), relayed by the REAL
 * worker process to an endpoint on a local receiver that verifies each signature
 * (`standardwebhooks`). Latency per event from its COMMIT to the receiver reading its delivery.
 *
 * The worker runs NODE_ENV=production (bench.ts): loopback receivers need WEBHOOK_ALLOW_LOOPBACK
 * plus KANSO_TEST_STACK (docs/webhooks.md). Prints figures, asserts nothing.
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Latencies (ms) from each event's commit to the receiver reading its delivery. */
export async function benchWebhookLatency(options: WebhookBenchOptions): Promise<number[]> {
  const bench = { WEBHOOK_ALLOW_LOOPBACK: 'true', KANSO_TEST_STACK: 'true' };
  Object.assign(process.env, bench);
  const { resetEnvCache } = await import('../src/server/platform/env');
  resetEnvCache();
  const { db } = await import('../src/server/db/client');
  const { withTenant } = await import('../src/server/db/tenant');
  const { users, workspaces, workspaceMembers } = await import('../src/server/db/schema');
  const { createProject } = await import('../src/server/projects/project-service');
  const { createTask } = await import('../src/server/tasks/task-service');
  const { createEndpoint } = await import('../src/server/webhooks/webhook-service');

  const received = new Map<string, number>();
  let verifier: Webhook | undefined;
  let badSignatures = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      try {
        const payload = verifier!.verify(Buffer.concat(chunks).toString('utf8'), headers) as { data: { object: { id?: string } } };
        if (payload.data.object.id && !received.has(payload.data.object.id)) received.set(payload.data.object.id, at);
      } catch {
        badSignatures += 1;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const database = db();
  const worker = await options.startWorker(bench);
  try {
    const userId = options.id();
    const workspaceId = options.id();
    await database.insert(users).values({ id: userId, email: `bench-${userId}@example.test`, name: 'Bench', emailVerified: new Date() });
    await withTenant(database, { workspaceId, userId }, async (tx) => {
      await tx.insert(workspaces).values({ id: workspaceId, name: 'Bench', slug: `bench-${workspaceId.slice(0, 8)}` });
      await tx.insert(workspaceMembers).values({ workspaceId, userId, role: 'owner' });
    });
    const actor = { userId, role: 'owner' as const, requestId: null };
    const { secret } = await withTenant(database, { workspaceId, userId }, (tx) =>
      createEndpoint(tx, { workspace: { id: workspaceId }, actor: { id: userId }, ip: null, requestId: null }, { url: `http://127.0.0.1:${port}/bench`, description: 'bench', eventTypes: ['task.created'], enabled: true }),
    );
    verifier = new Webhook(secret);
    const project = await withTenant(database, { workspaceId, userId }, (tx) => createProject(tx, actor, { workspaceId }, { id: options.id(), name: 'Bench' }));

    const committed = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < options.events; i += 1) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const id = options.id();
      await withTenant(database, { workspaceId, userId }, (tx) => createTask(tx, actor, { workspaceId }, { id, projectId: project.id, title: `bench ${i}` }));
      committed.set(id, performance.now());
    }
    for (const until = Date.now() + 120_000; received.size < committed.size && Date.now() < until; ) await sleep(50);
    if (badSignatures > 0) options.log(`outbox → webhook: ${badSignatures} deliveries failed signature verification`);
    return [...committed].flatMap(([id, at]) => (received.has(id) ? [received.get(id)! - at] : []));
  } finally {
    await worker.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const { closeDb } = await import('../src/server/db/client');
    await closeDb();
  }
}
