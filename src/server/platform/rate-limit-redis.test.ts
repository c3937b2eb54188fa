/**
 * Needs Redis on 127.0.0.1:6379 (run by `npm run test:redis`, as .ci/run does). With REDIS_URL set
 * the limiter counts in Redis: exactly a policy's points, shared by two processes, and when Redis
 * goes away the memory insurance keeps limiting.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from './env';
import { connectRateLimiter, enforceRateLimits, rateLimitRefusalOf, rateLimitStore, resetRateLimiters } from './rate-limit';
import { RATE_LIMIT_POLICIES } from './rate-limit-policies';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('../../../test/support/rate-limit-child.ts', import.meta.url));
const REDIS_URL = 'redis://127.0.0.1:6379';

function useRedis(url: string): void {
  process.env.REDIS_URL = url;
  delete process.env.RATE_LIMIT_STORE;
  resetEnvCache();
  void resetRateLimiters();
}

afterAll(() => {
  delete process.env.REDIS_URL;
  resetEnvCache();
  void resetRateLimiters();
});

async function allowedOf(subject: string, attempts: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < attempts; i++) {
    try {
      await enforceRateLimits([{ policy: 'sign-in-account', subject }]);
      allowed += 1;
    } catch (error) {
      if (!rateLimitRefusalOf(error)) throw error;
    }
  }
  return allowed;
}

describe('Redis store (needs Redis)', () => {
  const { points } = RATE_LIMIT_POLICIES['sign-in-account'];

  it('is chosen when REDIS_URL is set and allows exactly the policy’s points', async () => {
    useRedis(REDIS_URL);
    expect(rateLimitStore()).toBe('redis');
    // Until Redis is ready checks fall to the memory insurance.
    await connectRateLimiter();
    expect(await allowedOf(`redis-exact-${Date.now()}-${Math.random()}`, points + 4)).toBe(points);
  });

  it('two processes share one budget', async () => {
    const subject = `redis-shared-${Date.now()}-${Math.random()}`;
    const child = () =>
      run(process.execPath, ['--import', 'tsx', CHILD, 'sign-in-account', subject, String(points)], { env: { ...process.env, REDIS_URL, RATE_LIMIT_STORE: 'redis' } }).then(
        ({ stdout }) => (JSON.parse(stdout.trim().split('\n').pop()!) as { allowed: number }).allowed,
      );
    const [a, b] = await Promise.all([child(), child()]);
    expect(a + b).toBe(points);
  });

  it('Redis unreachable: the memory insurance still limits and nothing fails', async () => {
    useRedis('redis://127.0.0.1:9');
    expect(await allowedOf(`redis-down-${Date.now()}`, points + 2)).toBe(points);
  });
});
