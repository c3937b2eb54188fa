/**
 * The password policy where passwords are set (AUTH-3), through the real appRouter against this
 * file's PostgreSQL: sign-up, reset and change refuse a weak password with a translated field error
 * and write nothing (no user, no mail, no spent link, no changed hash, no revoked session).
 * The breach check runs against a local fake of the range API, switched on through the environment.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localiseError } from '@/server/api/errors';
import { resetEnvCache } from '@/server/platform/env';
import { adminSql, resetTables, testDb } from '../../../test/support/db';
import { startFakeRangeApi, type FakeRangeApi } from '../../../test/support/hibp-fake';
import { callerAs, errorOf, makeUser } from '../../../test/support/trpc';
import { hashPassword } from './password';
import { createAuthToken } from './tokens';
import { solvedCaptcha } from '../../../test/support/captcha';

const STRONG = 'violet harbour quietly sings';
const CURRENT = 'the current passphrase 11';

async function count(table: 'users' | 'mail_messages' | 'auth_tokens' | 'sessions'): Promise<number> {
  const [row] = await adminSql().unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
  return row?.n ?? 0;
}

async function passwordHashOf(userId: string): Promise<string | null> {
  const [row] = await adminSql()<{ password_hash: string | null }[]>`SELECT password_hash FROM users WHERE id = ${userId}`;
  return row?.password_hash ?? null;
}

/** Everything a refused attempt must leave untouched. */
async function snapshot() {
  return { users: await count('users'), mails: await count('mail_messages'), tokens: await count('auth_tokens'), sessions: await count('sessions') };
}

beforeEach(async () => {
  await resetTables();
});

describe('sign-up', () => {
  it('refuses a common password under the password field, writes nothing and answers a taken address the same way', async () => {
    const owner = await makeUser({ email: 'taken@example.com', passwordHash: await hashPassword(CURRENT) });
    const before = await snapshot();
    const { caller } = await callerAs(null);

    const fresh = await errorOf(caller.auth.signUp({email: 'new@example.com', password: 'password123', captcha: await solvedCaptcha() }));
    const taken = await errorOf(caller.auth.signUp({email: 'taken@example.com', password: 'password123', captcha: await solvedCaptcha() }));

    for (const error of [fresh, taken]) {
      expect(error.code).toBe('BAD_REQUEST');
      expect(localiseError(error, 'en')).toEqual({
        appCode: 'BAD_REQUEST',
        message: 'This is one of the most common passwords. Choose one nobody would guess.',
        fieldErrors: { password: 'This is one of the most common passwords. Choose one nobody would guess.' },
      });
    }
    // No enumeration: the two refusals are indistinguishable.
    expect(localiseError(taken, 'en')).toEqual(localiseError(fresh, 'en'));
    // Nothing written: no account, no verification link, no "someone tried to sign up" mail.
    expect(await snapshot()).toEqual(before);
    expect(await passwordHashOf(owner.id)).toBe(owner.passwordHash);
  });

  it('refuses a password made of the address or "kanso", in the language of the request', async () => {
    const { caller } = await callerAs(null, { locale: 'de' });
    const fromEmail = await errorOf(caller.auth.signUp({email: 'ada.lovelace@example.com', password: 'ada.lovelace1815', captcha: await solvedCaptcha() }));
    expect(localiseError(fromEmail, 'de').fieldErrors).toEqual({
      password: 'Bauen Sie Ihr Passwort nicht aus Ihrer E-Mail-Adresse, Ihrem Namen oder „Kanso“.',
    });
    const fromName = await errorOf(caller.auth.signUp({email: 'x1@example.com', name: 'Grace Hopper', password: 'GraceHopper1906', captcha: await solvedCaptcha() }));
    expect(localiseError(fromName, 'en').fieldErrors).toEqual({ password: 'Don’t build your password from your email address, your name or “Kanso”.' });
    const appName = await errorOf(caller.auth.signUp({email: 'x2@example.com', password: 'kanso2026kanso', captcha: await solvedCaptcha() }));
    expect(appName.cause).toMatchObject({ key: 'auth.passwordWeak.personal' });
    expect(await count('users')).toBe(0);
  });

  it('accepts a strong passphrase', async () => {
    const { caller } = await callerAs(null);
    expect(await caller.auth.signUp({email: 'ok@example.com', password: STRONG, captcha: await solvedCaptcha() })).toEqual({ status: 'check_inbox', email: 'ok@example.com' });
    expect(await count('users')).toBe(1);
  });
});

describe('password reset', () => {
  it('refuses a weak password for the account behind the link, keeps the link usable and changes nothing', async () => {
    const user = await makeUser({ email: 'rosa.parks@example.com', name: 'Rosa Parks', passwordHash: await hashPassword(CURRENT) });
    const { token } = await createAuthToken(testDb(), user.id, 'reset_password');
    const { caller: signedIn } = await callerAs(user.id);
    const before = await snapshot();
    const { caller } = await callerAs(null);

    // The context is the account's email, though the form never sent it.
    const personal = await errorOf(caller.auth.resetPassword({ token, password: 'rosaparks1913' }));
    expect(localiseError(personal, 'en').fieldErrors).toEqual({ password: 'Don’t build your password from your email address, your name or “Kanso”.' });
    const repeated = await errorOf(caller.auth.resetPassword({ token, password: 'abcabcabcabc' }));
    expect(repeated.cause).toMatchObject({ fieldErrors: { password: expect.stringMatching(/^auth\.passwordWeak\./) } });

    expect(await snapshot()).toEqual(before);
    expect(await passwordHashOf(user.id)).toBe(user.passwordHash);
    expect(await caller.auth.inspectToken({ token, purpose: 'reset_password' })).toEqual({ status: 'valid' });
    expect(await signedIn.auth.listSessions()).toHaveLength(1);

    // The same link still works with a good password.
    expect(await caller.auth.resetPassword({ token, password: STRONG })).toEqual({ ok: true });
    expect(await passwordHashOf(user.id)).not.toBe(user.passwordHash);
  });

  it('says the link is dead before judging the password', async () => {
    const { caller } = await callerAs(null);
    const error = await errorOf(caller.auth.resetPassword({ token: 'x'.repeat(43), password: 'password123' }));
    expect(localiseError(error, 'en')).toMatchObject({ message: 'This link is invalid, has expired or was already used.', fieldErrors: null });
  });
});

describe('change password', () => {
  it('refuses a weak new password under newPassword, keeps the old one and the other sessions', async () => {
    const user = await makeUser({ email: 'linus@example.com', name: 'Linus Torvalds', passwordHash: await hashPassword(CURRENT) });
    const { caller: laptop } = await callerAs(user.id);
    const { caller: phone } = await callerAs(user.id);
    const before = await snapshot();

    const named = await errorOf(laptop.auth.changePassword({ currentPassword: CURRENT, newPassword: 'torvalds-linus' }));
    expect(named.code).toBe('BAD_REQUEST');
    expect(localiseError(named, 'en').fieldErrors).toEqual({ newPassword: 'Don’t build your password from your email address, your name or “Kanso”.' });
    const keyboard = await errorOf(laptop.auth.changePassword({ currentPassword: CURRENT, newPassword: 'qwertyuiop[]' }));
    expect(Object.keys(localiseError(keyboard, 'en').fieldErrors ?? {})).toEqual(['newPassword']);

    expect(await snapshot()).toEqual(before);
    expect(await passwordHashOf(user.id)).toBe(user.passwordHash);
    expect(await phone.auth.listSessions()).toHaveLength(2);

    // A wrong current password is still reported first, on its own field.
    const wrong = await errorOf(laptop.auth.changePassword({ currentPassword: 'not my password', newPassword: 'password123' }));
    expect(Object.keys(localiseError(wrong, 'en').fieldErrors ?? {})).toEqual(['currentPassword']);

    expect(await laptop.auth.changePassword({ currentPassword: CURRENT, newPassword: STRONG })).toEqual({ ok: true });
  });
});

describe('breached passwords (HIBP_ENABLED=true, a local range API)', () => {
  let api: FakeRangeApi;
  const saved = { enabled: process.env.HIBP_ENABLED, url: process.env.HIBP_API_URL };

  beforeAll(async () => {
    api = await startFakeRangeApi();
    process.env.HIBP_ENABLED = 'true';
    process.env.HIBP_API_URL = api.url;
    resetEnvCache();
  });
  afterEach(() => {
    api.status(200);
  });
  afterAll(async () => {
    for (const [name, value] of [['HIBP_ENABLED', saved.enabled], ['HIBP_API_URL', saved.url]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnvCache();
    await api.close();
  });

  it('refuses a breached password at sign-up and accepts it while the service is failing (fails open)', async () => {
    const breached = 'lantern orbit meadow 42';
    api.breach(breached, 1234);
    const { caller } = await callerAs(null);
    const error = await errorOf(caller.auth.signUp({email: 'hit@example.com', password: breached, captcha: await solvedCaptcha() }));
    expect(localiseError(error, 'en').fieldErrors).toEqual({ password: 'This password has appeared in a data breach. Choose a different one.' });
    expect(await count('users')).toBe(0);

    api.status(500);
    expect(await caller.auth.signUp({email: 'open@example.com', password: breached, captcha: await solvedCaptcha() })).toMatchObject({ status: 'check_inbox' });
    expect(await count('users')).toBe(1);
  });
});
