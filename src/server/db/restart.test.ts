/**
 * PostgreSQL restarted under a write loop, through the real tRPC route handler: a throwaway embedded
 * cluster (its own run directory and port) is stopped and started again while writers keep sending
 * task creates with client ids, retrying each until it is acknowledged — as the browser's write
 * queue does. Every answer is 200 or 503 (+ Retry-After + the request id); no request hangs; writes
 * resume by themselves; every acknowledged write exists exactly once. Figures are printed.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDatabase, freePort, startEmbeddedPostgres, type EmbeddedCluster } from '../../../scripts/lib/embedded-postgres';
import { createRunDir } from '../../../test/support/runs';
import { databaseOutage } from '../../../test/support/outage';
import { callerAs, makeUser, makeWorkspace } from '../../../test/support/trpc';
import { migrateDatabase } from './migrate';

const DATABASE = 'kanso';
/** Far above anything a bounded request takes (connect timeout 3 s): reaching it means a hang. */
const HANG_MS = 15_000;

let runDir: string;
let port: number;
let cluster: EmbeddedCluster;
let pointedAt: { end: () => Promise<void> } | undefined;

beforeAll(async () => {
  runDir = createRunDir();
  port = await freePort();
  cluster = await startEmbeddedPostgres({ dataDir: runDir, port });
  await ensureDatabase(cluster, DATABASE);
  await migrateDatabase(cluster.ownerUrl(DATABASE), cluster.appUrl(DATABASE));
  // The app's pool (route handlers, test helpers) now talks to the throwaway cluster.
  pointedAt = await databaseOutage(cluster.appUrl(DATABASE));
}, 60_000);

afterAll(async () => {
  await pointedAt?.end();
  await cluster?.stop();
  if (runDir) rmSync(runDir, { recursive: true, force: true });
});

interface Answer {
  at: number;
  status: number;
  ms: number;
  retryAfter: string | null;
  requestIdOk: boolean;
}

describe('PostgreSQL restarted under a write loop', () => {
  it('answers 503 + Retry-After + request id meanwhile, resumes by itself, loses and duplicates nothing', async () => {
    const owner = await makeUser();
    const ws = await makeWorkspace([{ userId: owner.id, role: 'owner' }]);
    const { caller, jar } = await callerAs(owner.id);
    const project = await caller.project.create({ workspaceSlug: ws.slug, id: randomUUID(), name: 'Restart' });
    const cookie = [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
    const { POST } = await import('@/app/api/trpc/[trpc]/route');

    const started = Date.now();
    const answers: Answer[] = [];
    const acked = new Set<string>();
    let running = true;

    async function send(id: string): Promise<number> {
      const requestId = randomUUID();
      const t0 = Date.now();
      const request = new Request('http://localhost/api/trpc/task.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-request-id': requestId },
        body: JSON.stringify({ workspaceSlug: ws.slug, id, projectId: project.id, title: `w ${id.slice(0, 8)}` }),
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`a request hung > ${HANG_MS} ms`)), HANG_MS)));
      const response = await Promise.race([POST(request), hung]).finally(() => clearTimeout(timer));
      const body = (await response.json()) as { error?: { data?: { requestId?: string } } };
      answers.push({ at: t0 - started, status: response.status, ms: Date.now() - t0, retryAfter: response.headers.get('retry-after'), requestIdOk: response.status === 200 || body.error?.data?.requestId === requestId });
      return response.status;
    }

    async function writer(): Promise<void> {
      let id = randomUUID();
      while (running) {
        if ((await send(id)) === 200) {
          acked.add(id);
          id = randomUUID();
        } else {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    }

    const writers = [writer(), writer()];
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await pause(500);
    const stopAt = Date.now() - started;
    await cluster.stop();
    await pause(1500);
    const restartAt = Date.now() - started;
    cluster = await startEmbeddedPostgres({ dataDir: runDir, port });
    const readyAt = Date.now() - started;
    // Writes resume by themselves: wait (bounded) for an acknowledgement after the restart.
    for (let i = 0; i < 200 && !answers.some((a) => a.at >= readyAt && a.status === 200); i += 1) await pause(50);
    await pause(300);
    running = false;
    await Promise.all(writers);

    const during = answers.filter((a) => a.status !== 200);
    const firstOkAfter = answers.find((a) => a.at >= readyAt && a.status === 200);
    console.log(
      `restart under load: ${answers.length} answers, ${acked.size} acknowledged, ${during.length} × 503; ` +
        `stopped at ${stopAt} ms, restarted ${restartAt}–${readyAt} ms, first ack after restart at ${firstOkAfter?.at} ms; ` +
        `slowest answer ${Math.max(...answers.map((a) => a.ms))} ms (during the outage ${Math.max(0, ...during.map((a) => a.ms))} ms)`,
    );

    expect(firstOkAfter).toBeDefined();
    expect(during.length).toBeGreaterThan(0);
    expect([...new Set(answers.map((a) => a.status))].sort()).toEqual([200, 503]);
    expect(during.every((a) => a.retryAfter === '5' && a.requestIdOk)).toBe(true);

    const su = postgres(cluster.superuserUrl(DATABASE), { max: 1, onnotice: () => {} });
    try {
      const ids = [...acked];
      const [tasks] = await su<{ n: number }[]>`SELECT count(*)::int AS n FROM tasks WHERE id = ANY(${ids}::uuid[])`;
      const [all] = await su<{ n: number }[]>`SELECT count(*)::int AS n FROM tasks WHERE project_id = ${project.id}`;
      const [events] = await su<{ n: number; d: number }[]>`
        SELECT count(*)::int AS n, count(DISTINCT payload->>'id')::int AS d FROM outbox_events WHERE type = 'task.created' AND payload->>'id' = ANY(${ids})`;
      expect(tasks).toEqual({ n: acked.size });
      // A create whose answer was lost in the restart was retried with its id: still one task, one event.
      expect(all!.n).toBeLessThanOrEqual(acked.size + 2);
      expect(events).toEqual({ n: acked.size, d: acked.size });
    } finally {
      await su.end();
    }
  }, 60_000);
});
