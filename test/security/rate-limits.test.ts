/**
 * Rate limits over HTTP (SEC-2), through the production web process's direct API path with the
 * web process's request stamp (the client address from the socket, TRUST_PROXY=0): the named
 * policies refuse the call after exactly their number with 429, a Retry-After right to the second,
 * RateLimit and RateLimit-Policy headers and a localised message; a spoofed X-Forwarded-For changes
 * nothing; a batch counts per call, and account calls are refused in a batch.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKOUT } from '@/server/auth/lockout';
import { hashPassword } from '@/server/auth/password';
import { rateLimitKey } from '@/server/platform/rate-limit';
import { RATE_LIMIT_POLICIES } from '@/server/platform/rate-limit-policies';
import { solvedCaptcha } from '../support/captcha';
import { startApiServer, type ApiServer } from '../support/api-http';
import { testDb } from '../support/db';
import { callerAs, makeUser, makeWorkspace } from '../support/trpc';

let server: ApiServer;
let base: string;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  server = await startApiServer();
  base = server.base;
});
afterAll(() => server.close());

interface TrpcError {
  error: { message: string; data: { code: string; appCode: string; httpStatus: number; retryAfter?: number } };
}

/** A sign-in with a solved CAPTCHA (AUTH-4 asks for one after a few failures from an address). */
async function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password, captcha: await solvedCaptcha() }),
  });
}

/** Forgets the per-address counts, so each test starts with the address's whole budget. */
async function clearLimits(): Promise<void> {
  await testDb().execute(sql`delete from rate_limits`);
}

describe('named policies over HTTP', () => {
  it('refuses sign-in to one account after the policy’s count: 429, Retry-After, RateLimit headers, localised message', async () => {
    await clearLimits();
    const user = await makeUser({ passwordHash: await hashPassword(PASSWORD) });
    const { points, seconds } = RATE_LIMIT_POLICIES['sign-in-account'];
    const statuses: number[] = [];
    for (let i = 0; i < points; i++) statuses.push((await signIn(user.email, `wrong password ${i}`)).status);
    // The account lockout (AUTH-4) answers from its 5th failure on; the policy still counts every call.
    expect(statuses).toEqual(Array.from({ length: points }, (_, i) => (i < LOCKOUT.threshold - 1 ? 401 : 429)));

    const refused = await signIn(user.email, PASSWORD, { 'x-kanso-locale': 'de' });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(seconds - 5);
    expect(retryAfter).toBeLessThanOrEqual(seconds);
    expect(refused.headers.get('ratelimit-policy')).toBe(`"sign-in-account";q=${points};w=${seconds}`);
    expect(refused.headers.get('ratelimit')).toBe(`"sign-in-account";r=0;t=${retryAfter}`);
    const body = (await refused.json()) as TrpcError;
    expect(body.error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', appCode: 'TOO_MANY_REQUESTS', httpStatus: 429, retryAfter });
    expect(body.error.message).toBe(`Zu viele Versuche. Bitte versuchen Sie es in ${retryAfter} Sekunden erneut.`);
    // The right password is refused too while the window is full: no session was issued.
    expect(refused.headers.get('set-cookie')).toBeNull();

    // Retry-After is right to the second: the database says when the window ends.
    const [row] = await testDb().execute<{ ms_left: number }>(
      sql`select (extract(epoch from (expire - now())) * 1000)::float8 as ms_left from rate_limits where key = ${rateLimitKey('sign-in-account', user.email)}`,
    );
    expect(Math.abs(Math.ceil(row!.ms_left / 1000) - retryAfter)).toBeLessThanOrEqual(1);
  });

  it('counts per address, and a spoofed X-Forwarded-For changes nothing with TRUST_PROXY=0', async () => {
    await clearLimits();
    const { points } = RATE_LIMIT_POLICIES['sign-in-ip'];
    const statuses: number[] = [];
    // A different account and a different claimed address every time: only the socket's counts.
    for (let i = 0; i < points; i++) {
      const response = await signIn(`nobody-${i}@example.test`, 'wrong password', { 'x-forwarded-for': `198.51.100.${i % 250}`, 'x-kanso-client-ip': `203.0.113.${i % 250}` });
      statuses.push(response.status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(points);
    const refused = await signIn('someone-else@example.test', 'wrong password', { 'x-forwarded-for': '192.0.2.1' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-policy')).toContain('"sign-in-ip"');
    // The count sits on the socket's address (loopback), under no address the client claimed.
    const keys = await testDb().execute<{ key: string; points: number }>(sql`select key, points from rate_limits where key like 'rl:sign-in-ip:%'`);
    expect(keys.map((k) => k.key)).toEqual([rateLimitKey('sign-in-ip', '127.0.0.1')]);
  });

  it('refuses account calls in a batch, and batches over the cap', async () => {
    await clearLimits();
    const input = JSON.stringify({ 0: { email: 'a@example.test', password: 'x' }, 1: { email: 'a@example.test', password: 'y' } });
    const batch = await fetch(`${base}/api/trpc/auth.signIn,auth.signIn?batch=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-kanso-locale': 'en' }, body: input });
    expect(batch.status).toBe(400);
    const results = (await batch.json()) as TrpcError[];
    expect(results).toHaveLength(2);
    for (const result of results) expect(result.error.message).toBe('Sign-in and account requests must be sent one at a time.');
    // Nothing was tried: no sign-in point spent for the address.
    expect(await testDb().execute(sql`select 1 from rate_limits where key like 'rl:sign-in-%'`)).toHaveLength(0);

    const paths = Array.from({ length: 21 }, () => 'auth.listProviders').join(',');
    const inputs = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [i, null]))));
    const tooMany = await fetch(`${base}/api/trpc/${paths}?batch=1&input=${inputs}`);
    expect(tooMany.status).toBe(400);
  });

  it('spends one point per call of a batch (limits count calls, not requests)', async () => {
    await clearLimits();
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    const { jar } = await callerAs(user.id);
    const cookie = [...jar.values].map(([k, v]) => `${k}=${v}`).join('; ');
    const calls = 7;
    const paths = Array.from({ length: calls }, () => 'workspace.get').join(',');
    const inputs = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { workspaceSlug: ws.slug }]))));
    const response = await fetch(`${base}/api/trpc/${paths}?batch=1&input=${inputs}`, { headers: { cookie } });
    expect(response.status).toBe(200);
    const [row] = await testDb().execute<{ points: number }>(sql`select points from rate_limits where key = ${rateLimitKey('trpc-read', `user:${user.id}`)}`);
    expect(row?.points).toBe(calls);
  });
});
