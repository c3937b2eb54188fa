/**
 * The limiter's stores (SEC-2, ADR 0025): PostgreSQL (the default) allows exactly a policy's points
 * per window and shares them between processes; the memory store counts the same; the count of a
 * check made inside a transaction commits or rolls back with it; the store being unreachable hands
 * over to the memory insurance instead of failing the call.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '@/server/db/client';
import { isAppError } from './errors';
import { resetEnvCache } from './env';
import { enforceRateLimits, rateLimitKey, rateLimitRefusalOf, rateLimitStore, resetRateLimit, resetRateLimiters } from './rate-limit';
import { RATE_LIMIT_POLICIES } from './rate-limit-policies';
import { testDb } from '../../../test/support/db';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('../../../test/support/rate-limit-child.ts', import.meta.url));

/** How many of `attempts` checks of `policy` for `subject` were allowed. */
async function allowedOf(policy: 'sign-in-account' | 'trpc-write', subject: string, attempts: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < attempts; i++) {
    try {
      await enforceRateLimits([{ policy, subject }]);
      allowed += 1;
    } catch (error) {
      if (!rateLimitRefusalOf(error)) throw error;
    }
  }
  return allowed;
}

function useStore(store: string | undefined, extra: Record<string, string> = {}): void {
  if (store === undefined) delete process.env.RATE_LIMIT_STORE;
  else process.env.RATE_LIMIT_STORE = store;
  Object.assign(process.env, extra);
  resetEnvCache();
  void resetRateLimiters();
}

afterEach(() => {
  delete process.env.RATE_LIMIT_SCALE;
  useStore(undefined);
});

describe('PostgreSQL store', () => {
  it('is the default without Redis and allows exactly the policy’s points', async () => {
    useStore(undefined);
    expect(rateLimitStore()).toBe('postgres');
    const subject = `exact-${Date.now()}@example.test`;
    const { points } = RATE_LIMIT_POLICIES['sign-in-account'];
    expect(await allowedOf('sign-in-account', subject, points + 5)).toBe(points);
    // Refused checks still spend: the row holds every attempt, and the key holds no address in clear.
    const [row] = await testDb().execute<{ key: string; points: number }>(sql`select key, points from rate_limits where key = ${rateLimitKey('sign-in-account', subject)}`);
    expect(row).toMatchObject({ points: points + 5 });
    expect(row!.key).not.toContain(subject);
    // An unlock forgets the count.
    await resetRateLimit('sign-in-account', subject);
    expect(await allowedOf('sign-in-account', subject, 1)).toBe(1);
  });

  it('refuses with the seconds left in the window and the policy', async () => {
    useStore(undefined);
    const subject = `refusal-${Date.now()}@example.test`;
    const { points, seconds } = RATE_LIMIT_POLICIES['sign-in-account'];
    await allowedOf('sign-in-account', subject, points);
    const error = await enforceRateLimits([{ policy: 'sign-in-account', subject }]).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('TOO_MANY_REQUESTS');
    const refusal = rateLimitRefusalOf(error)!;
    expect(refusal.rateLimit).toEqual({ policy: 'sign-in-account', limit: points, window: seconds, remaining: 0 });
    expect(refusal.retryAfter).toBeGreaterThan(seconds - 5);
    expect(refusal.retryAfter).toBeLessThanOrEqual(seconds);
  });

  it('two processes on one database share one budget', async () => {
    const subject = `shared-${Date.now()}@example.test`;
    const { points } = RATE_LIMIT_POLICIES['sign-in-account'];
    const child = () =>
      run(process.execPath, ['--import', 'tsx', CHILD, 'sign-in-account', subject, String(points)], { env: { ...process.env, RATE_LIMIT_STORE: 'postgres' } }).then(
        ({ stdout }) => (JSON.parse(stdout.trim().split('\n').pop()!) as { allowed: number }).allowed,
      );
    const [a, b] = await Promise.all([child(), child()]);
    // Each tried the whole budget at once; together they got it exactly once.
    expect(a + b).toBe(points);
  });

  it('a check inside a transaction commits or rolls back with it', async () => {
    useStore(undefined);
    const subject = `tx-${Date.now()}`;
    await testDb()
      .transaction(async (tx) => {
        await enforceRateLimits([{ policy: 'trpc-write', subject }], { database: tx });
        throw new Error('roll back');
      })
      .catch(() => {});
    const key = rateLimitKey('trpc-write', subject);
    expect(await testDb().execute(sql`select 1 from rate_limits where key = ${key}`)).toHaveLength(0);
    await testDb().transaction((tx) => enforceRateLimits([{ policy: 'trpc-write', subject }], { database: tx }));
    expect(await testDb().execute(sql`select points from rate_limits where key = ${key}`)).toEqual([{ points: 1 }]);
  });

  it('an unreachable database hands over to the memory insurance (still limiting, no failure)', async () => {
    useStore(undefined);
    const { points } = RATE_LIMIT_POLICIES['sign-in-account'];
    const subject = `insured-${Date.now()}@example.test`;
    // Nothing listens on port 9: every statement fails to connect.
    const dead = createDatabase('postgres://kanso_app:x@127.0.0.1:9/none', 1, { connectTimeoutMs: 200 });
    let allowed = 0;
    for (let i = 0; i < points + 2; i++) {
      try {
        await enforceRateLimits([{ policy: 'sign-in-account', subject }], { database: dead });
        allowed += 1;
      } catch (error) {
        if (!rateLimitRefusalOf(error)) throw error;
      }
    }
    expect(allowed).toBe(points);
    await dead.$client.end({ timeout: 0 });
  });
});

describe('memory store', () => {
  it('counts one process’s calls the same way', async () => {
    useStore('memory');
    const { points } = RATE_LIMIT_POLICIES['sign-in-account'];
    expect(await allowedOf('sign-in-account', `memory-${Date.now()}`, points + 3)).toBe(points);
  });

  it('RATE_LIMIT_SCALE multiplies every allowance (load tests)', async () => {
    useStore('memory', { RATE_LIMIT_SCALE: '2' });
    const { points } = RATE_LIMIT_POLICIES['sign-in-account'];
    expect(await allowedOf('sign-in-account', `scaled-${Date.now()}`, points * 2 + 3)).toBe(points * 2);
  });

  it('off lets everything through', async () => {
    useStore('off');
    expect(await allowedOf('sign-in-account', `off-${Date.now()}`, 30)).toBe(30);
  });
});
