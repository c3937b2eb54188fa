/**
 * Database round trips of the hot procedures (PERF-1, issue 10): each call goes through a
 * counting proxy (test/support/wire-counter.ts) in front of this file's database, with a pool of
 * one connection that has already run the procedure (so prepared statements are known to it, as
 * in a warm server). A call is what one HTTP request does: createContext (the session lookup)
 * plus the procedure.
 *
 * Prints the figures (`ROUND_TRIPS=1` for the statement texts too) and fails when a procedure
 * needs more round trips than its budget: a later change that adds a query to a hot path has to
 * raise the budget here, on purpose, and say why.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@/server/api/trpc';
import { hashPassword } from '@/server/auth/password';
import { createSession, sessionCookieName } from '@/server/auth/session';
import { createDatabase, type Database } from '@/server/db/client';
import { cluster, testDatabase, testDb } from '../support/db';
import { cookieJar, createTestCaller, makeUser, makeWorkspace } from '../support/trpc';
import { startWireCounter, type WireCounter, type WireCounts } from '../support/wire-counter';

/** Round trips per call, steady state (see the ADR docs/decisions/0014-*.md for what each one is). */
const BUDGET = {
  'task.list (200 tasks)': 5,
  'task.update': 7,
  'comment.create': 7,
  // +1 for AUTH-4: the lock and the client address's failure count, one prepared select before the password.
  'auth.signIn': 8,
} as const;

type Procedure = keyof typeof BUDGET;

let counter: WireCounter;
let counted: Database;
const figures = new Map<Procedure, WireCounts>();

beforeAll(async () => {
  counter = await startWireCounter(cluster().port);
  counted = createDatabase(counter.urlFor(testDatabase().appUrl), 1);
});

afterAll(async () => {
  const rows = [...figures].map(([name, c]) => `  ${name.padEnd(24)} ${String(c.roundTrips).padStart(3)} round trips  ${String(c.statements).padStart(3)} statements  ${String(c.describes).padStart(3)} describes`);
  console.log(`[round-trips] per call, warm pool of one connection:\n${rows.join('\n')}`);
  await counted.$client.end();
  await counter.close();
});

async function callerFor(token: string | null) {
  const jar = cookieJar(token ? { [sessionCookieName(false)]: token } : {});
  const headers = new Headers({ 'user-agent': 'round-trips', 'x-kanso-client-ip': '127.0.0.1' });
  return createTestCaller(await createContext({ headers, cookies: jar, secure: false, database: counted }));
}

/** Runs `call` a few times to warm the connection, then counts one more run. */
async function measure(name: Procedure, call: () => Promise<unknown>): Promise<WireCounts> {
  for (let i = 0; i < 3; i += 1) await call();
  counter.reset();
  await call();
  const counts = counter.counts();
  if (process.env.ROUND_TRIPS) console.log(`[round-trips] ${name}:\n    ${counter.texts().join('\n    ')}`);
  figures.set(name, counts);
  return counts;
}

describe('round trips of the hot procedures', () => {
  let slug = '';
  let token = '';
  let projectId = '';
  let taskId = '';
  let version = 0;

  beforeAll(async () => {
    const owner = await makeUser();
    const member = await makeUser();
    const ws = await makeWorkspace([
      { userId: owner.id, role: 'owner' },
      { userId: member.id, role: 'member' },
    ]);
    slug = ws.slug;
    // A member (not an admin): visibility is decided by the project, not by the role.
    token = (await createSession(testDb(), member.id, { userAgent: 'round-trips', ip: '127.0.0.1' })).token;
    const caller = await callerFor(token);
    projectId = randomUUID();
    await caller.project.create({ workspaceSlug: slug, id: projectId, name: 'Board' });
    for (let i = 0; i < 200; i += 1) {
      const task = await caller.task.create({ workspaceSlug: slug, id: randomUUID(), projectId, title: `Task ${i}` });
      if (i === 0) {
        taskId = task.id;
        version = task.version;
      }
    }
  });

  it('task.list of a 200-task board', async () => {
    const counts = await measure('task.list (200 tasks)', async () => {
      const page = await (await callerFor(token)).task.list({ workspaceSlug: slug, projectId });
      expect(page.items).toHaveLength(200);
    });
    expect(counts.roundTrips).toBeLessThanOrEqual(BUDGET['task.list (200 tasks)']);
  });

  it('task.update', async () => {
    const counts = await measure('task.update', async () => {
      const task = await (await callerFor(token)).task.update({ workspaceSlug: slug, taskId, expectedVersion: version, title: `Renamed ${version}` });
      version = task.version;
    });
    expect(counts.roundTrips).toBeLessThanOrEqual(BUDGET['task.update']);
  });

  it('comment.create', async () => {
    const counts = await measure('comment.create', () => callerFor(token).then((c) => c.comment.create({ workspaceSlug: slug, id: randomUUID(), taskId, body: 'Looks good' })));
    expect(counts.roundTrips).toBeLessThanOrEqual(BUDGET['comment.create']);
  });

  it('with prepared statements off (DATABASE_PREPARED_STATEMENTS=false, for a pooler) the same calls work, unnamed', async () => {
    const unnamed = createDatabase(counter.urlFor(testDatabase().appUrl), 1, { preparedStatements: false });
    try {
      const jar = cookieJar({ [sessionCookieName(false)]: token });
      const call = async () =>
        createTestCaller(await createContext({ headers: new Headers(), cookies: jar, secure: false, database: unnamed })).task.list({ workspaceSlug: slug, projectId });
      await call();
      counter.reset();
      expect((await call()).items).toHaveLength(200);
      // Every parameterised statement is described again (no names to remember it by).
      expect(counter.counts().describes).toBeGreaterThan(0);
    } finally {
      await unnamed.$client.end();
    }
  });

  it('auth.signIn with a password', async () => {
    const email = `signin-${Date.now()}@example.test`;
    await makeUser({ email, passwordHash: await hashPassword('correct horse battery') });
    const counts = await measure('auth.signIn', () => callerFor(null).then((c) => c.auth.signIn({ email, password: 'correct horse battery' })));
    expect(counts.roundTrips).toBeLessThanOrEqual(BUDGET['auth.signIn']);
  });
});
