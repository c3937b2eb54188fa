/**
 * The four bench:http scenarios as autocannon runs, defined once and sent identically to the app and
 * to the floor. Every connection has its own state (its member's session cookie, its own task and
 * that task's current version), so writes do not conflict with each other; a 409 (a version moved
 * on, e.g. after a timed-out request that still committed) is counted apart from errors and the
 * connection carries on with the current version the 409 carries.
 *
 * Latency percentiles come from every response's time as autocannon measured it (its own summary
 * has no p95); throughput counts 2xx responses per second of the run.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { percentile } from '../lib/cli';
import { cpuSeconds, postgresCpuSeconds } from '../lib/proc';
import type { Seed } from './seed';
import { BENCH_PASSWORD } from './seed';
import { callHeaders, decodeErrorData, decodeResult, encodeInput, mutationPath, queryPath, type Wire } from './wire';

export type ScenarioName = 'read' | 'update' | 'comment' | 'signin';

export const SCENARIOS: Record<ScenarioName, { title: string; connections: number }> = {
  read: { title: 'board read (task.list, 200 tasks)', connections: 100 },
  update: { title: 'task update (task.update, versioned)', connections: 50 },
  comment: { title: 'comment create (comment.create)', connections: 20 },
  signin: { title: 'sign-in (auth.signIn, argon2id)', connections: 10 },
};

export interface Measurement {
  /** 2xx responses per second. */
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  responses: number;
  ok: number;
  /** 409 CONFLICT answers (a stale version), not errors. */
  conflicts: number;
  /** Other non-2xx answers. */
  non2xx: number;
  /** Requests without an answer: connection errors and timeouts (autocannon's `errors`). */
  errors: number;
  seconds: number;
  /** CPU ms (user + system) of the server process per 2xx response (NaN when not measured). */
  cpuMsPerReq: number;
  /** CPU ms of PostgreSQL (postmaster + backends) per 2xx response. */
  pgCpuMsPerReq: number;
}

/** Processes whose CPU a measurement reads from /proc: the server under test and PostgreSQL. */
export interface MeasuredPids {
  server?: number | null;
  postmaster?: number | null;
}

export interface LoadContext {
  wire: Wire;
  seed: Seed;
  /** Current version per task id, shared by both targets (they update the same rows). */
  versions: Map<string, number>;
  /** Emails of the sign-in users, one per sign-in connection. */
  signers: string[];
}

const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) kanso-bench';

/** One connection's request (a closure holds the connection's state). */
function requestFor(scenario: ScenarioName, baseUrl: string, ctx: LoadContext, index: number): autocannon.Request {
  const { wire, seed } = ctx;
  const member = seed.members[index % seed.members.length]!;
  const headers = (kind: 'query' | 'mutation', cookie?: string) => ({ ...callHeaders(baseUrl, kind, { cookie }), 'user-agent': USER_AGENT });
  switch (scenario) {
    case 'read':
      return { method: 'GET', path: queryPath(wire, 'task.list', { workspaceSlug: seed.slug, projectId: seed.projectId }), headers: headers('query', member.cookie) };
    case 'update': {
      const task = seed.tasks[index % seed.tasks.length]!;
      let n = 0;
      return {
        method: 'POST',
        path: mutationPath('task.update'),
        headers: headers('mutation', member.cookie),
        setupRequest: (req) => {
          n += 1;
          const body = encodeInput(wire, { workspaceSlug: seed.slug, taskId: task.id, expectedVersion: ctx.versions.get(task.id) ?? task.version, title: `Task ${index} edit ${n}` });
          return { ...req, body };
        },
        onResponse: (status, body) => {
          if (status === 200) {
            const row = decodeResult<{ version: number }>(body);
            if (row) ctx.versions.set(task.id, row.version);
          } else if (status === 409) {
            const current = decodeErrorData<{ current?: { version: number } }>(body)?.current;
            if (current) ctx.versions.set(task.id, current.version);
          }
        },
      };
    }
    case 'comment': {
      const task = seed.tasks[(seed.tasks.length - 1 - index) % seed.tasks.length]!;
      return {
        method: 'POST',
        path: mutationPath('comment.create'),
        headers: headers('mutation', member.cookie),
        setupRequest: (req) => ({ ...req, body: encodeInput(wire, { workspaceSlug: seed.slug, id: randomUUID(), taskId: task.id, body: 'Looks good to me.' }) }),
      };
    }
    case 'signin': {
      const email = ctx.signers[index % ctx.signers.length]!;
      return { method: 'POST', path: mutationPath('auth.signIn'), headers: headers('mutation'), body: encodeInput(wire, { email, password: BENCH_PASSWORD }) };
    }
  }
}

/** One autocannon run of `scenario` against `baseUrl` for `seconds`. */
export async function measure(scenario: ScenarioName, baseUrl: string, ctx: LoadContext, seconds: number, pids: MeasuredPids = {}, connections = SCENARIOS[scenario].connections): Promise<Measurement> {
  const latencies: number[] = [];
  let ok = 0;
  let conflicts = 0;
  let non2xx = 0;
  let clients = 0;
  const cpu0 = pids.server ? cpuSeconds(pids.server) : NaN;
  const pg0 = pids.postmaster ? postgresCpuSeconds(pids.postmaster) : NaN;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        duration: seconds,
        pipelining: 1,
        timeout: 10,
        // Each connection gets its own request (and state), numbered in the order they are set up.
        setupClient: (client: autocannon.Client) => {
          client.setRequests([requestFor(scenario, baseUrl, ctx, clients++)]);
        },
      },
      (error: Error | null, done: autocannon.Result) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client: autocannon.Client, status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
      if (status >= 200 && status < 300) ok += 1;
      else if (status === 409) conflicts += 1;
      else non2xx += 1;
    });
  });
  const wall = (performance.now() - started) / 1000;
  const cpuMsPerReq = pids.server ? ((cpuSeconds(pids.server) - cpu0) * 1000) / Math.max(1, ok) : NaN;
  const pgCpuMsPerReq = pids.postmaster ? ((postgresCpuSeconds(pids.postmaster) - pg0) * 1000) / Math.max(1, ok) : NaN;
  latencies.sort((a, b) => a - b);
  return {
    cpuMsPerReq,
    pgCpuMsPerReq,
    perSecond: ok / wall,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    responses: latencies.length,
    ok,
    conflicts,
    non2xx,
    errors: result.errors,
    seconds: wall,
  };
}

/** argon2id verify alone (in this process, the app's parameters), `concurrency` at a time for `seconds`. */
export async function measureArgon2(concurrency: number, seconds: number): Promise<Measurement> {
  const { hashPassword, verifyPassword } = await import('../../src/server/auth/password');
  const hash = await hashPassword(BENCH_PASSWORD);
  const latencies: number[] = [];
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        if (await verifyPassword(hash, BENCH_PASSWORD)) latencies.push(performance.now() - t0);
        else errors += 1;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const used = process.cpuUsage(cpu0);
  // This process's CPU: argon2 runs on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by default, as in the app).
  const cpuMsPerReq = (used.user + used.system) / 1000 / Math.max(1, latencies.length);
  return { cpuMsPerReq, pgCpuMsPerReq: NaN, perSecond: latencies.length / wall, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), responses: latencies.length, ok: latencies.length, conflicts: 0, non2xx: 0, errors, seconds: wall };
}
