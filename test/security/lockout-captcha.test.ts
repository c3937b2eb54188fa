/**
 * Account lockout and CAPTCHA (AUTH-4) against this file's PostgreSQL: through the real appRouter
 * (tRPC caller, a fresh context per call) and over HTTP through the production web process's
 * direct API path for the 429 headers. Lock times are moved in the database, never waited for.
 */
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localiseError } from '@/server/api/errors';
import { createContext } from '@/server/api/trpc';
import { signIn as signInService } from '@/server/auth/account-service';
import { captchaProvider, captchaWidget, createAltchaChallenge } from '@/server/auth/captcha';
import { cooldownMs, LOCKOUT, lockoutSubject } from '@/server/auth/lockout';
import { hashPassword } from '@/server/auth/password';
import { deliverQueuedMail } from '../support/mail';
import { AppError } from '@/server/platform/errors';
import { resetEnvCache } from '@/server/platform/env';
import { rateLimitKey } from '@/server/platform/rate-limit';
import { startApiServer, type ApiServer } from '../support/api-http';
import { solvedCaptcha } from '../support/captcha';
import { adminSql, resetTables, superSql, testDb } from '../support/db';
import { cookieJar, createTestCaller, makeUser } from '../support/trpc';

const PASSWORD = 'correct horse battery staple';
let ipCounter = 0;

/** A browser from its own client address (so the per-address CAPTCHA threshold is the test's own). */
function browser(ip = `203.0.113.${++ipCounter}`) {
  const jar = cookieJar();
  return {
    ip,
    jar,
    async auth(locale = 'en') {
      const headers = new Headers({ 'user-agent': 'vitest', 'x-kanso-client-ip': ip, 'x-kanso-locale': locale });
      return createTestCaller(await createContext({ headers, cookies: jar, secure: false, database: testDb() })).auth;
    },
  };
}

type Outcome = { code: string; appCode: string; message: string; retryAfter?: number; captchaRequired?: boolean } | 'ok';

/** What the caller saw: 'ok', or the error's code, localised message and details. */
async function outcome(promise: Promise<unknown>, locale = 'en'): Promise<Outcome> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (error === null) return 'ok';
  if (!(error instanceof TRPCError)) throw error;
  const cause = error.cause instanceof AppError ? error.cause : undefined;
  const details = cause?.details ?? {};
  return {
    code: error.code,
    appCode: localiseError(error, locale).appCode,
    message: localiseError(error, locale).message,
    ...(typeof details.retryAfter === 'number' ? { retryAfter: details.retryAfter } : {}),
    ...(details.captchaRequired === true ? { captchaRequired: true } : {}),
  };
}

async function verifiedUser() {
  return makeUser({ passwordHash: await hashPassword(PASSWORD), locale: 'en' });
}

async function lockRow(email: string) {
  const [row] = await adminSql()<{ failures: number; lock_level: number; locked_until: Date | null; user_id: string | null; seconds_left: number | null }[]>`
    SELECT failures, lock_level, locked_until, user_id, extract(epoch from (locked_until - now()))::float8 AS seconds_left
    FROM account_lockouts WHERE subject = ${lockoutSubject(email)}`;
  return row;
}

/** Ends the current lock as if its cooldown had passed. */
async function expireLock(email: string): Promise<void> {
  await adminSql()`UPDATE account_lockouts SET locked_until = now() - interval '1 second' WHERE subject = ${lockoutSubject(email)}`;
}

/** The mails sent to `email` (the lock notice goes after the answer: wait for it). */
async function mailsTo(email: string) {
  await deliverQueuedMail(); // mail is queued and sent by the worker
  return adminSql()<{ subject: string; text: string }[]>`SELECT subject, text FROM dev_mails WHERE "to" = ${email} ORDER BY created_at, id`;
}

async function auditActions(userId: string): Promise<string[]> {
  const rows = await superSql()<{ action: string }[]>`SELECT action FROM audit_log WHERE actor_id = ${userId} ORDER BY seq`;
  return rows.map((r) => r.action);
}

/** `count` wrong passwords from `b` (each with a solved CAPTCHA, as a determined human would send). */
async function wrongPasswords(b: ReturnType<typeof browser>, email: string, count: number): Promise<Outcome[]> {
  const seen: Outcome[] = [];
  for (let i = 0; i < count; i++) seen.push(await outcome((await b.auth()).signIn({ email, password: `wrong password ${i}`, captcha: await solvedCaptcha() })));
  return seen;
}

beforeEach(async () => {
  await resetTables();
});

describe('account lockout', () => {
  it('locks after 5 wrong passwords, refuses the right one until the cooldown ends, mails the owner once', async () => {
    const user = await verifiedUser();
    const b = browser();
    const seen = await wrongPasswords(b, user.email, LOCKOUT.threshold);
    expect(seen.slice(0, 4).map((o) => (o === 'ok' ? o : o.code))).toEqual(Array.from({ length: 4 }, () => 'UNAUTHORIZED'));
    expect(seen[4]).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringContaining('try again in 1 minute') });
    expect((seen[4] as { retryAfter: number }).retryAfter).toBeGreaterThan(55);
    expect((seen[4] as { retryAfter: number }).retryAfter).toBeLessThanOrEqual(60);

    const row = await lockRow(user.email);
    expect(row).toMatchObject({ lock_level: 1, failures: 0, user_id: user.id });
    expect(row!.seconds_left).toBeGreaterThan(55);

    // The right password, with a solved CAPTCHA, in German: refused, typed and localised, no session.
    const locked = await outcome((await b.auth('de')).signIn({ email: user.email, password: PASSWORD, captcha: await solvedCaptcha() }), 'de');
    expect(locked).toMatchObject({ code: 'TOO_MANY_REQUESTS', appCode: 'TOO_MANY_REQUESTS', message: expect.stringContaining('versuchen Sie es in 1 Minute erneut') });
    expect(b.jar.values.size).toBe(0);
    // More wrong guesses while locked neither extend the lock nor mail again.
    await wrongPasswords(b, user.email, 3);
    expect((await lockRow(user.email))!.lock_level).toBe(1);

    const mails = await mailsTo(user.email);
    expect(mails.map((m) => m.subject)).toEqual(['Your Kanso account was locked']);
    expect(mails[0]!.text).toMatch(/\/en\/unlock\?token=[A-Za-z0-9_-]{43}/);
    expect((await auditActions(user.id)).filter((a) => a === 'auth.account_locked')).toHaveLength(1);

    // The cooldown passes: the right password works and forgets the count.
    await expireLock(user.email);
    expect(await outcome((await b.auth()).signIn({ email: user.email, password: PASSWORD, captcha: await solvedCaptcha() }))).toBe('ok');
    expect(await lockRow(user.email)).toBeUndefined();
  });

  it('doubles the cooldown with each further lock and caps it at one hour', async () => {
    const user = await verifiedUser();
    const meta = { locale: 'en' as const, userAgent: 'vitest', ip: null };
    const expected = [1, 2, 4, 8, 16, 32, 60, 60];
    const seen: number[] = [];
    for (let level = 1; level <= expected.length; level++) {
      for (let i = 0; i < LOCKOUT.threshold; i++) {
        await signInService(testDb(), { email: user.email, password: 'wrong password' }, meta).catch(() => null);
      }
      const row = await lockRow(user.email);
      expect(row?.lock_level).toBe(level);
      seen.push(Math.round(row!.seconds_left! / 60));
      await expireLock(user.email);
    }
    expect(seen).toEqual(expected);
    expect(expected.map((_, i) => cooldownMs(i + 1) / 60_000)).toEqual(expected);
    // One notice per lock.
    expect(await mailsTo(user.email)).toHaveLength(expected.length);
  });

  it('answers an unknown address exactly like a known one (and mails nobody)', async () => {
    const user = await verifiedUser();
    const known = await wrongPasswords(browser(), user.email, LOCKOUT.threshold + 1);
    const unknown = await wrongPasswords(browser(), 'nobody-here@example.test', LOCKOUT.threshold + 1);
    // Retry-After differs by the seconds between the two runs at most.
    const shape = (o: Outcome) => (o === 'ok' ? o : { ...o, retryAfter: o.retryAfter === undefined ? undefined : Math.round(o.retryAfter / 10) });
    expect(unknown.map(shape)).toEqual(known.map(shape));
    expect(await mailsTo('nobody-here@example.test')).toHaveLength(0);
    expect((await lockRow('nobody-here@example.test'))?.user_id).toBeNull();
  });

  it('the unlock link clears the lock and the sign-in-account count; it works once', async () => {
    const user = await verifiedUser();
    const b = browser();
    await wrongPasswords(b, user.email, LOCKOUT.threshold);
    expect((await lockRow(user.email))?.lock_level).toBe(1);
    expect(await adminSql()`SELECT 1 FROM rate_limits WHERE key = ${rateLimitKey('sign-in-account', user.email)}`).toHaveLength(1);

    const [mail] = await mailsTo(user.email);
    const token = /\/unlock\?token=([A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
    expect(await (await b.auth()).inspectToken({ token, purpose: 'unlock_account' })).toEqual({ status: 'valid' });
    expect(await (await b.auth()).unlockAccount({ token })).toEqual({ ok: true });

    expect(await lockRow(user.email)).toBeUndefined();
    expect(await adminSql()`SELECT 1 FROM rate_limits WHERE key = ${rateLimitKey('sign-in-account', user.email)}`).toHaveLength(0);
    expect(await auditActions(user.id)).toContain('auth.account_unlocked');
    expect(await outcome((await b.auth()).signIn({ email: user.email, password: PASSWORD, captcha: await solvedCaptcha() }))).toBe('ok');

    expect(await outcome((await b.auth()).unlockAccount({ token }))).toMatchObject({ code: 'BAD_REQUEST', message: 'This link is invalid, has expired or was already used.' });
  });

  describe('over HTTP', () => {
    let server: ApiServer;
    let base: string;
    beforeAll(async () => {
      server = await startApiServer();
      base = server.base;
    });
    afterAll(() => server.close());

    it('a locked account answers 429 with Retry-After and the lock’s RateLimit headers', async () => {
      const user = await verifiedUser();
      const post = async (password: string) =>
        fetch(`${base}/api/trpc/auth.signIn`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-kanso-locale': 'en' },
          body: JSON.stringify({ email: user.email, password, captcha: await solvedCaptcha() }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < LOCKOUT.threshold; i++) statuses.push((await post(`wrong ${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const refused = await post(PASSWORD);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(50);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.headers.get('ratelimit-policy')).toBe(`"account-lockout";q=${LOCKOUT.threshold};w=60`);
      expect(refused.headers.get('ratelimit')).toBe(`"account-lockout";r=0;t=${retryAfter}`);
      expect(refused.headers.get('set-cookie')).toBeNull();
      const body = (await refused.json()) as { error: { message: string; data: { retryAfter: number; appCode: string } } };
      expect(body.error.data).toMatchObject({ appCode: 'TOO_MANY_REQUESTS', retryAfter });
      expect(body.error.message).toContain('This account is locked');
    });

    it('carries captchaRequired in the error data once the address needs a CAPTCHA (the form reacts to it)', async () => {
      const post = (password: string) =>
        fetch(`${base}/api/trpc/auth.signIn`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-kanso-locale': 'en' },
          body: JSON.stringify({ email: 'x@example.test', password }),
        });
      const data: unknown[] = [];
      for (let i = 0; i < 4; i++) data.push(((await (await post('wrong')).json()) as { error: { data: { captchaRequired?: boolean; httpStatus: number } } }).error.data);
      expect(data.map((d) => [(d as { httpStatus: number }).httpStatus, (d as { captchaRequired?: boolean }).captchaRequired ?? false])).toEqual([
        [401, false],
        [401, false],
        [401, true],
        [400, true],
      ]);
    });
  });
});

describe('CAPTCHA on sign-up', () => {
  const signUp = async (email: string, captcha?: string, b = browser()) => outcome((await b.auth()).signUp({ email, password: PASSWORD, captcha }));
  const users = async () => (await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM users`)[0]!.n;

  it('is refused without a solved ALTCHA and succeeds with one; a replayed solution is refused', async () => {
    expect(await signUp('ann@example.test')).toMatchObject({ code: 'BAD_REQUEST', message: 'Please complete the human check below, then try again.', captchaRequired: true });
    expect(await users()).toBe(0);

    const captcha = await solvedCaptcha();
    expect(await signUp('ann@example.test', captcha)).toBe('ok');
    expect(await users()).toBe(1);

    // The same solution again (another address, another browser): spent.
    expect(await signUp('bob@example.test', captcha)).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('did not work'), captchaRequired: true });
    expect(await users()).toBe(1);
    const [spent] = await adminSql()<{ seconds_left: number }[]>`SELECT extract(epoch from (expires_at - now()))::float8 AS seconds_left FROM captcha_solutions`;
    expect(spent!.seconds_left).toBeGreaterThan(500);
    expect(spent!.seconds_left).toBeLessThanOrEqual(600);
  });

  it('refuses a forged, tampered, unsolved, expired or test-mode payload', async () => {
    const challenge = await createAltchaChallenge();
    const genuine = JSON.parse(Buffer.from(await solvedCaptcha(challenge), 'base64').toString()) as {
      challenge: { parameters: Record<string, unknown>; signature: string };
      solution: { counter: number; derivedKey: string };
    };
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
    const flip = (hex: string) => (hex[0] === 'a' ? 'b' : 'a') + hex.slice(1);
    const forged = [
      // The signature tampered with.
      encode({ ...genuine, challenge: { ...genuine.challenge, signature: flip(genuine.challenge.signature) } }),
      // Easier parameters under the old signature.
      encode({ ...genuine, challenge: { ...genuine.challenge, parameters: { ...genuine.challenge.parameters, keyPrefix: '00' } } }),
      // A wrong answer to a genuine challenge.
      encode({ ...genuine, solution: { ...genuine.solution, counter: genuine.solution.counter + 1, derivedKey: flip(genuine.solution.derivedKey) } }),
      // The widget's test mode, and garbage.
      encode({ challenge: null, solution: null, test: true }),
      'bm90IGpzb24=',
    ];
    for (const captcha of forged) {
      expect(await signUp('eve@example.test', captcha)).toMatchObject({ code: 'BAD_REQUEST', captchaRequired: true });
    }
    // Expired: issued 11 minutes ago.
    const old = await createAltchaChallenge(new Date(Date.now() - 11 * 60_000));
    expect(await signUp('eve@example.test', await solvedCaptcha(old))).toMatchObject({ code: 'BAD_REQUEST', captchaRequired: true });
    expect(await users()).toBe(0);
    // The genuine one was never spent by those attempts and still works.
    expect(await signUp('eve@example.test', encode(genuine))).toBe('ok');
  });
});

describe('CAPTCHA on sign-in', () => {
  it('is asked for after 3 failures from one address, then required; other addresses are not asked', async () => {
    const user = await verifiedUser();
    const b = browser();
    const seen: Outcome[] = [];
    for (let i = 0; i < 3; i++) seen.push(await outcome((await b.auth()).signIn({ email: user.email, password: `wrong ${i}` })));
    expect(seen.map((o) => (o === 'ok' ? o : [o.code, o.captchaRequired ?? false]))).toEqual([
      ['UNAUTHORIZED', false],
      ['UNAUTHORIZED', false],
      ['UNAUTHORIZED', true],
    ]);
    // The right password without the CAPTCHA: refused before the password is looked at.
    expect(await outcome((await b.auth()).signIn({ email: user.email, password: PASSWORD }))).toMatchObject({ code: 'BAD_REQUEST', captchaRequired: true });
    // A bad answer is audited on the account.
    expect(await outcome((await b.auth()).signIn({ email: user.email, password: PASSWORD, captcha: 'bm9wZQ==' }))).toMatchObject({ code: 'BAD_REQUEST', captchaRequired: true });
    expect(await auditActions(user.id)).toContain('auth.captcha_failed');
    // Another address is not asked.
    const other = await outcome((await browser().auth()).signIn({ email: 'someone@example.test', password: 'wrong' }));
    expect(other).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(other).not.toHaveProperty('captchaRequired');
    // With a solved one: signed in.
    expect(await outcome((await b.auth()).signIn({ email: user.email, password: PASSWORD, captcha: await solvedCaptcha() }))).toBe('ok');
  });
});

describe('CAPTCHA provider', () => {
  it('is ALTCHA by default and Turnstile when both keys are set', async () => {
    expect(captchaProvider()).toBe('altcha');
    expect(captchaWidget()).toEqual({ provider: 'altcha', challengeUrl: '/api/captcha/challenge' });
    process.env.TURNSTILE_SITE_KEY = '1x00000000000000000000AA';
    resetEnvCache();
    expect(captchaProvider()).toBe('altcha');
    process.env.TURNSTILE_SECRET_KEY = '1x0000000000000000000000000000000AA';
    resetEnvCache();
    try {
      expect(captchaProvider()).toBe('turnstile');
      expect(await (await browser().auth()).captchaWidget()).toEqual({ provider: 'turnstile', siteKey: '1x00000000000000000000AA' });
    } finally {
      delete process.env.TURNSTILE_SITE_KEY;
      delete process.env.TURNSTILE_SECRET_KEY;
      resetEnvCache();
    }
  });
});
