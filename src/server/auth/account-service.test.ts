/**
 * Account flows end to end through the real appRouter (tRPC caller and the HTTP route) against
 * this file's PostgreSQL: rows, cookies and the mails stored by the dev mailbox transport.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/trpc/[trpc]/route';
import { localiseError } from '@/server/api/errors';
import { createContext } from '@/server/api/trpc';
import { adminSql, resetTables, testDb } from '../../../test/support/db';
import { callerAs, cookieJar, createTestCaller, errorOf, type TestCookieJar } from '../../../test/support/trpc';
import { hashToken, sessionCookieName, validateSessionToken } from './session';
import { deliverQueuedMail } from '../../../test/support/mail';
import { solvedCaptcha } from '../../../test/support/captcha';

const COOKIE = sessionCookieName(false);
const PASSWORD = 'correct horse battery';

/** A browser: one cookie jar across calls, a fresh request context per call. */
function browser(userAgent = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15') {
  const jar: TestCookieJar = cookieJar();
  return {
    jar,
    async call() {
      const headers = new Headers({ 'user-agent': userAgent, 'x-kanso-client-ip': '203.0.113.7' });
      const ctx = await createContext({ headers, cookies: jar, secure: false, database: testDb() });
      return createTestCaller(ctx).auth;
    },
    token: () => jar.values.get(COOKIE),
  };
}

async function mailsTo(email: string) {
  await deliverQueuedMail(); // mail is queued and sent by the worker
  return adminSql()<{ subject: string; text: string; html: string }[]>`
    SELECT subject, text, html FROM dev_mails WHERE "to" = ${email} ORDER BY created_at, id`;
}

function linkToken(text: string, path: 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`/${path}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no ${path} link in mail:\n${text}`);
  return match[1];
}

async function userRow(email: string) {
  const [row] = await adminSql()<{ id: string; email: string; password_hash: string | null; email_verified: Date | null; locale: string; name: string | null }[]>`
    SELECT id, email, password_hash, email_verified, locale, name FROM users WHERE email = ${email}`;
  return row;
}

async function countUsers(): Promise<number> {
  const [row] = await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM users`;
  return row?.n ?? 0;
}

async function sessionCount(userId: string): Promise<number> {
  const [row] = await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM sessions WHERE user_id = ${userId}`;
  return row?.n ?? 0;
}

/** Signs up and follows the verification link: a verified account, signed in on `b`. */
async function verifiedAccount(email: string, b = browser()) {
  await (await b.call()).signUp({email, password: PASSWORD, captcha: await solvedCaptcha() });
  const [mail] = await mailsTo(email);
  await (await b.call()).verifyEmail({ token: linkToken(mail?.text ?? '', 'verify-email') });
  const user = await userRow(email);
  if (!user) throw new Error('no user');
  return { user, browser: b };
}

beforeEach(async () => {
  await resetTables();
});

describe('sign-up', () => {
  it('creates an unverified user (argon2id), a hashed 24 h verify token and sends the mail', async () => {
    const b = browser();
    const result = await (await b.call()).signUp({email: '  Ada@Example.COM ', password: PASSWORD, name: ' Ada ', captcha: await solvedCaptcha() });
    expect(result).toEqual({ status: 'check_inbox', email: 'ada@example.com' });

    const user = await userRow('ada@example.com');
    expect(user).toMatchObject({ email: 'ada@example.com', name: 'Ada', email_verified: null, locale: 'en' });
    expect(user?.password_hash).toMatch(/^\$argon2id\$/);

    const tokens = await adminSql()<{ purpose: string; token_hash: string; expires_at: Date; used_at: Date | null }[]>`
      SELECT purpose, token_hash, expires_at, used_at FROM auth_tokens WHERE user_id = ${user?.id ?? ''}`;
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.purpose).toBe('verify_email');
    const lifetime = (tokens[0]?.expires_at.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(23.9 * 3600_000);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600_000);

    const mails = await mailsTo('ada@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Confirm your email address for Kanso');
    const token = linkToken(mails[0]?.text ?? '', 'verify-email');
    expect(mails[0]?.text).toContain(`http://localhost:3000/en/verify-email?token=${token}`);
    // Only the hash is stored.
    expect(tokens[0]?.token_hash).toBe(hashToken(token));
    expect(tokens[0]?.token_hash).not.toContain(token);
    // No session before verification.
    expect(b.token()).toBeUndefined();
  });

  it('writes the mail in the language of the request', async () => {
    const { caller } = await callerAs(null, { locale: 'de' });
    await caller.auth.signUp({email: 'bea@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    expect((await userRow('bea@example.com'))?.locale).toBe('de');
    const [mail] = await mailsTo('bea@example.com');
    expect(mail?.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse für Kanso');
    expect(mail?.text).toContain('/de/verify-email?token=');
  });

  it('answers an invalid email or a short password with BAD_REQUEST field errors and writes no user', async () => {
    const { caller } = await callerAs(null);
    const badEmail = await errorOf(caller.auth.signUp({email: 'not-an-email', password: PASSWORD, captcha: await solvedCaptcha() }));
    expect(badEmail.code).toBe('BAD_REQUEST');
    expect(localiseError(badEmail, 'en').fieldErrors).toEqual({ email: 'Enter a valid email address.' });

    const shortPassword = await errorOf(caller.auth.signUp({email: 'cy@example.com', password: 'short', captcha: await solvedCaptcha() }));
    expect(shortPassword.code).toBe('BAD_REQUEST');
    expect(localiseError(shortPassword, 'en').fieldErrors).toEqual({ password: 'Must be at least 10 characters.' });

    const tooLong = await errorOf(caller.auth.signUp({email: 'cy@example.com', password: 'x'.repeat(129), captcha: await solvedCaptcha() }));
    expect(localiseError(tooLong, 'en').fieldErrors).toEqual({ password: 'Must be at most 128 characters.' });

    expect(await countUsers()).toBe(0);
    expect((await adminSql()`SELECT 1 FROM dev_mails`).length).toBe(0);
  });

  it('returns translated field errors over HTTP', async () => {
    const res = await POST(
      new Request('http://localhost/api/trpc/auth.signUp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kanso-locale': 'de' },
        body: JSON.stringify({ email: 'nope', password: 'short' }),
      }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { data: { appCode: string; fieldErrors: Record<string, string> } } };
    expect(body.error.data.appCode).toBe('BAD_REQUEST');
    expect(Object.keys(body.error.data.fieldErrors).sort()).toEqual(['email', 'password']);
    expect(body.error.data.fieldErrors.password).toBe('Mindestens 10 Zeichen.');
    expect(await countUsers()).toBe(0);
  });

  it('answers a taken address exactly like a new one, creates nothing and mails the owner instead', async () => {
    const first = await (await browser().call()).signUp({email: 'dee@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    const original = await userRow('dee@example.com');
    const second = await (await browser().call()).signUp({email: 'DEE@example.com', password: 'another password!!', captcha: await solvedCaptcha() });

    expect(second).toEqual(first);
    expect(await countUsers()).toBe(1);
    // The password was not changed by the second attempt.
    expect((await userRow('dee@example.com'))?.password_hash).toBe(original?.password_hash);
    const mails = await mailsTo('dee@example.com');
    expect(mails.map((m) => m.subject)).toEqual(['Confirm your email address for Kanso', 'Sign-up attempt with your Kanso address']);
    expect(mails[1]?.text).toContain('http://localhost:3000/en/forgot-password');
    expect(mails[1]?.text).not.toContain('verify-email');
    const tokens = await adminSql()`SELECT 1 FROM auth_tokens WHERE user_id = ${original?.id ?? ''}`;
    expect(tokens).toHaveLength(1);
  });
});

describe('sign-in', () => {
  it('refuses an unverified account (after the password matched) and creates no session', async () => {
    const b = browser();
    await (await b.call()).signUp({email: 'eve@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    const error = await errorOf((await b.call()).signIn({ email: 'eve@example.com', password: PASSWORD }));
    expect(error.code).toBe('FORBIDDEN');
    expect(localiseError(error, 'en')).toMatchObject({ appCode: 'FORBIDDEN', message: expect.stringContaining('confirm your email') });
    expect(b.token()).toBeUndefined();
    const user = await userRow('eve@example.com');
    expect(await sessionCount(user?.id ?? '')).toBe(0);
    // A wrong password on an unverified account says nothing about verification.
    const wrong = await errorOf((await b.call()).signIn({ email: 'eve@example.com', password: 'wrong password' }));
    expect(wrong.code).toBe('UNAUTHORIZED');
  });

  it('signs a verified user in: session row with device and IP, cookie holding the raw token', async () => {
    const { user } = await verifiedAccount('fay@example.com');
    const b = browser('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0');
    const result = await (await b.call()).signIn({ email: 'FAY@example.com ', password: PASSWORD, callbackUrl: '/en/w/acme?tab=board' });
    expect(result).toEqual({ redirectTo: '/en/w/acme?tab=board' });

    const token = b.token();
    expect(token).toBeDefined();
    const [row] = await adminSql()<{ token_hash: string; user_agent: string; ip: string }[]>`
      SELECT token_hash, user_agent, ip FROM sessions WHERE token_hash = ${hashToken(token ?? '')}`;
    expect(row).toMatchObject({ user_agent: expect.stringContaining('Firefox'), ip: '203.0.113.7' });
    expect((await validateSessionToken(testDb(), token ?? ''))?.user.id).toBe(user.id);
  });

  it('ignores an off-site callbackUrl and goes to the app in the saved language', async () => {
    const b = browser();
    await verifiedAccount('gus@example.com', b);
    await adminSql()`UPDATE users SET locale = 'de' WHERE email = 'gus@example.com'`;
    for (const callbackUrl of ['https://evil.example/x', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      expect(await (await browser().call()).signIn({ email: 'gus@example.com', password: PASSWORD, callbackUrl })).toEqual({ redirectTo: '/de/w' });
    }
  });

  it('gives the same generic error for a wrong password and an unknown email', async () => {
    await verifiedAccount('hal@example.com');
    const b = browser();
    const wrong = await errorOf((await b.call()).signIn({ email: 'hal@example.com', password: 'not the password' }));
    const unknown = await errorOf((await b.call()).signIn({ email: 'nobody@example.com', password: 'not the password' }));
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(unknown.code).toBe('UNAUTHORIZED');
    expect(localiseError(wrong, 'en').message).toBe('Invalid email or password.');
    expect(localiseError(unknown, 'en').message).toBe(localiseError(wrong, 'en').message);
    expect(b.token()).toBeUndefined();
  });

  it('sets an HttpOnly SameSite=Lax cookie over HTTP and Secure + __Secure- over HTTPS', async () => {
    await verifiedAccount('ivy@example.com');
    const signIn = (url: string, proto?: string) =>
      POST(
        new Request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(proto ? { 'x-forwarded-proto': proto } : {}) },
          body: JSON.stringify({ email: 'ivy@example.com', password: PASSWORD }),
        }),
      );
    const plain = (await signIn('http://localhost/api/trpc/auth.signIn')).headers.get('set-cookie') ?? '';
    expect(plain).toMatch(/^kanso\.session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Expires=/);
    expect(plain).not.toContain('Secure');
    const secure = (await signIn('http://localhost/api/trpc/auth.signIn', 'https')).headers.get('set-cookie') ?? '';
    expect(secure).toMatch(/^__Host-kanso\.session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure; Expires=/);
  });

  it('sign-out deletes the session row and clears the cookie', async () => {
    const { user, browser: b } = await verifiedAccount('jo@example.com');
    const token = b.token() ?? '';
    expect(await validateSessionToken(testDb(), token)).not.toBeNull();
    await (await b.call()).signOut();
    expect(b.token()).toBeUndefined();
    expect(await validateSessionToken(testDb(), token)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });
});

describe('email verification', () => {
  it('consumes the link once: verifies, signs in, and refuses a second use', async () => {
    const b = browser();
    await (await b.call()).signUp({email: 'kim@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    const token = linkToken((await mailsTo('kim@example.com'))[0]?.text ?? '', 'verify-email');
    expect(await (await b.call()).inspectToken({ token, purpose: 'verify_email' })).toEqual({ status: 'valid' });
    // The token does not work for the other purpose.
    expect(await (await b.call()).inspectToken({ token, purpose: 'reset_password' })).toEqual({ status: 'unknown' });

    const result = await (await b.call()).verifyEmail({ token });
    expect(result).toEqual({ redirectTo: '/en/w' });
    const user = await userRow('kim@example.com');
    expect(user?.email_verified).toBeInstanceOf(Date);
    expect((await validateSessionToken(testDb(), b.token() ?? ''))?.user.id).toBe(user?.id);

    expect(await (await b.call()).inspectToken({ token, purpose: 'verify_email' })).toEqual({ status: 'used' });
    const again = await errorOf((await browser().call()).verifyEmail({ token }));
    expect(again.code).toBe('BAD_REQUEST');
    expect(localiseError(again, 'en').message).toBe('This link is invalid, has expired or was already used.');
    expect(await sessionCount(user?.id ?? '')).toBe(1);
  });

  it('refuses an expired link and leaves the account unverified', async () => {
    const b = browser();
    await (await b.call()).signUp({email: 'lea@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    const token = linkToken((await mailsTo('lea@example.com'))[0]?.text ?? '', 'verify-email');
    await adminSql()`UPDATE auth_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = ${hashToken(token)}`;
    expect(await (await b.call()).inspectToken({ token, purpose: 'verify_email' })).toEqual({ status: 'expired' });
    expect((await errorOf((await b.call()).verifyEmail({ token }))).code).toBe('BAD_REQUEST');
    expect((await userRow('lea@example.com'))?.email_verified).toBeNull();
    expect(b.token()).toBeUndefined();
  });

  it('only lets one of two concurrent uses of a link win', async () => {
    await (await browser().call()).signUp({email: 'max@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    const token = linkToken((await mailsTo('max@example.com'))[0]?.text ?? '', 'verify-email');
    const results = await Promise.allSettled([(await browser().call()).verifyEmail({ token }), (await browser().call()).verifyEmail({ token })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await sessionCount((await userRow('max@example.com'))?.id ?? '')).toBe(1);
  });

  it('resends a link (superseding the old one) for unverified accounts only, answering the same always', async () => {
    const b = browser();
    await (await b.call()).signUp({email: 'ned@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    const first = linkToken((await mailsTo('ned@example.com'))[0]?.text ?? '', 'verify-email');
    expect(await (await b.call()).resendVerification({ email: 'ned@example.com' })).toEqual({ ok: true });
    expect(await (await b.call()).resendVerification({ email: 'unknown@example.com' })).toEqual({ ok: true });
    const mails = await mailsTo('ned@example.com');
    expect(mails).toHaveLength(2);
    const second = linkToken(mails[1]?.text ?? '', 'verify-email');
    expect(second).not.toBe(first);
    expect(await (await b.call()).inspectToken({ token: first, purpose: 'verify_email' })).toEqual({ status: 'used' });
    await (await b.call()).verifyEmail({ token: second });
    // Verified now: nothing more is sent.
    await (await b.call()).resendVerification({ email: 'ned@example.com' });
    expect(await mailsTo('ned@example.com')).toHaveLength(2);
    expect(await mailsTo('unknown@example.com')).toHaveLength(0);
  });
});

describe('password reset', () => {
  it('answers the same for unknown addresses and sends nothing', async () => {
    expect(await (await browser().call()).requestPasswordReset({ email: 'ghost@example.com' })).toEqual({ ok: true });
    expect(await mailsTo('ghost@example.com')).toHaveLength(0);
  });

  it('sets the new password, revokes every session, is single-use and mails a notice', async () => {
    const { user, browser: laptop } = await verifiedAccount('ola@example.com');
    const phone = browser('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1');
    await (await phone.call()).signIn({ email: 'ola@example.com', password: PASSWORD });
    expect(await sessionCount(user.id)).toBe(2);

    await (await browser().call()).requestPasswordReset({ email: 'ola@example.com' });
    await (await browser().call()).requestPasswordReset({ email: 'ola@example.com' });
    const resetMails = (await mailsTo('ola@example.com')).filter((m) => m.subject === 'Reset your Kanso password');
    expect(resetMails).toHaveLength(2);
    const older = linkToken(resetMails[0]?.text ?? '', 'reset-password');
    const token = linkToken(resetMails[1]?.text ?? '', 'reset-password');
    // Only the newest link works; it lasts an hour.
    expect(await (await browser().call()).inspectToken({ token: older, purpose: 'reset_password' })).toEqual({ status: 'used' });
    const [row] = await adminSql()<{ expires_at: Date }[]>`SELECT expires_at FROM auth_tokens WHERE token_hash = ${hashToken(token)}`;
    expect((row?.expires_at.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(3600_000);
    expect((row?.expires_at.getTime() ?? 0) - Date.now()).toBeGreaterThan(3590_000);

    const tooShort = await errorOf((await browser().call()).resetPassword({ token, password: 'short' }));
    expect(localiseError(tooShort, 'en').fieldErrors).toEqual({ password: 'Must be at least 10 characters.' });

    const resetter = browser();
    expect(await (await resetter.call()).resetPassword({ token, password: 'a brand new password' })).toEqual({ ok: true });
    expect(await sessionCount(user.id)).toBe(0);
    expect(await validateSessionToken(testDb(), laptop.token() ?? '')).toBeNull();
    // A revoked session is refused on its next request.
    expect((await errorOf((await phone.call()).listSessions())).code).toBe('UNAUTHORIZED');

    expect((await errorOf((await browser().call()).resetPassword({ token, password: 'yet another password' }))).code).toBe('BAD_REQUEST');
    expect((await errorOf((await browser().call()).signIn({ email: 'ola@example.com', password: PASSWORD }))).code).toBe('UNAUTHORIZED');
    await (await browser().call()).signIn({ email: 'ola@example.com', password: 'a brand new password' });

    const notice = (await mailsTo('ola@example.com')).at(-1);
    expect(notice?.subject).toBe('Your Kanso password was changed');
  });

  it('verifies the address of an unverified account (the link proved the mailbox)', async () => {
    await (await browser().call()).signUp({email: 'pia@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    await (await browser().call()).requestPasswordReset({ email: 'pia@example.com' });
    const resetMail = (await mailsTo('pia@example.com')).find((m) => m.subject === 'Reset your Kanso password');
    await (await browser().call()).resetPassword({ token: linkToken(resetMail?.text ?? '', 'reset-password'), password: 'mailbox proven pw' });
    expect((await userRow('pia@example.com'))?.email_verified).toBeInstanceOf(Date);
    await (await browser().call()).signIn({ email: 'pia@example.com', password: 'mailbox proven pw' });
  });
});

describe('signed-in account security', () => {
  it('changes the password: keeps this session, revokes the others, mails a notice', async () => {
    const { user, browser: laptop } = await verifiedAccount('quinn@example.com');
    const phone = browser('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36');
    await (await phone.call()).signIn({ email: 'quinn@example.com', password: PASSWORD });

    const wrong = await errorOf((await laptop.call()).changePassword({ currentPassword: 'not my password', newPassword: 'new password 123' }));
    expect(wrong.code).toBe('BAD_REQUEST');
    expect(localiseError(wrong, 'en').fieldErrors).toEqual({ currentPassword: 'Your current password is not correct.' });
    expect(await sessionCount(user.id)).toBe(2);

    expect(await (await laptop.call()).changePassword({ currentPassword: PASSWORD, newPassword: 'new password 123' })).toEqual({ ok: true });
    expect(await validateSessionToken(testDb(), laptop.token() ?? '')).not.toBeNull();
    expect(await validateSessionToken(testDb(), phone.token() ?? '')).toBeNull();
    expect(await sessionCount(user.id)).toBe(1);
    expect((await mailsTo('quinn@example.com')).at(-1)?.subject).toBe('Your Kanso password was changed');
    await (await browser().call()).signIn({ email: 'quinn@example.com', password: 'new password 123' });
  });

  it('refuses signed-out callers', async () => {
    const b = browser();
    expect((await errorOf((await b.call()).changePassword({ currentPassword: 'x', newPassword: 'new password 123' }))).code).toBe('UNAUTHORIZED');
    expect((await errorOf((await b.call()).listSessions())).code).toBe('UNAUTHORIZED');
    expect((await errorOf((await b.call()).signOutEverywhere())).code).toBe('UNAUTHORIZED');
  });

  it('lists own sessions with device, IP and the current one; revokes one; never another user’s', async () => {
    const { user, browser: laptop } = await verifiedAccount('ray@example.com');
    const phone = browser('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1');
    await (await phone.call()).signIn({ email: 'ray@example.com', password: PASSWORD });
    const { browser: other } = await verifiedAccount('sam@example.com');

    const list = await (await laptop.call()).listSessions();
    expect(list).toHaveLength(2);
    const current = list.find((s) => s.current);
    const phoneSession = list.find((s) => !s.current);
    expect(current).toMatchObject({ browser: 'Safari', os: 'macOS', mobile: false, ip: '203.0.113.7' });
    expect(phoneSession).toMatchObject({ browser: 'Safari', os: 'iOS', mobile: true });

    const foreign = await errorOf((await other.call()).revokeSession({ sessionId: phoneSession?.id ?? '' }));
    expect(foreign.code).toBe('NOT_FOUND');
    expect(await sessionCount(user.id)).toBe(2);

    expect(await (await laptop.call()).revokeSession({ sessionId: phoneSession?.id ?? '' })).toEqual({ signedOut: false });
    expect(await validateSessionToken(testDb(), phone.token() ?? '')).toBeNull();
    expect((await errorOf((await phone.call()).listSessions())).code).toBe('UNAUTHORIZED');

    // Revoking the current session signs this browser out.
    expect(await (await laptop.call()).revokeSession({ sessionId: current?.id ?? '' })).toEqual({ signedOut: true });
    expect(laptop.token()).toBeUndefined();
  });

  it('signs out everywhere, this device included', async () => {
    const { user, browser: laptop } = await verifiedAccount('tia@example.com');
    const phone = browser('curl/8.5.0');
    await (await phone.call()).signIn({ email: 'tia@example.com', password: PASSWORD });
    const { user: bystander } = await verifiedAccount('uma@example.com');
    expect(await (await laptop.call()).signOutEverywhere()).toEqual({ ok: true });
    expect(await sessionCount(user.id)).toBe(0);
    expect(laptop.token()).toBeUndefined();
    expect(await sessionCount(bystander.id)).toBe(1);
  });
});
