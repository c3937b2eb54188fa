/**
 * Account and security events in the audit log (SEC-4): written on the account chain (workspace
 * null) in the same transaction as the change, visible to their own user only, nothing for a
 * refused change or an unknown address.
 */
import { TRPCError } from '@trpc/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { describeBreak, verifyAuditChains } from '@/server/audit/verify';
import { createContext } from '@/server/api/trpc';
import { withTenant } from '@/server/db/tenant';
import { adminSql, resetTables, superSql, testDb } from '../../../test/support/db';
import { cookieJar, createTestCaller } from '../../../test/support/trpc';
import { deliverQueuedMail } from '../../../test/support/mail';
import { solvedCaptcha } from '../../../test/support/captcha';

const PASSWORD = 'correct horse battery';

function browser(userAgent = 'vitest-browser') {
  const jar = cookieJar();
  return {
    async call() {
      const headers = new Headers({ 'user-agent': userAgent, 'x-kanso-client-ip': '203.0.113.7', 'x-request-id': 'req-account' });
      return createTestCaller(await createContext({ headers, cookies: jar, secure: false, database: testDb() })).auth;
    },
  };
}

async function refused(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error.code;
}

async function linkFrom(email: string, path: 'verify-email' | 'reset-password'): Promise<string> {
  await deliverQueuedMail(); // mail is queued and sent by the worker
  const mails = await adminSql()<{ text: string }[]>`SELECT text FROM dev_mails WHERE "to" = ${email} ORDER BY created_at DESC, id DESC`;
  for (const mail of mails) {
    const match = new RegExp(`/${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no ${path} link for ${email}`);
}

async function userId(email: string): Promise<string> {
  const [row] = await adminSql()<{ id: string }[]>`SELECT id FROM users WHERE email = ${email}`;
  if (!row) throw new Error(`no user ${email}`);
  return row.id;
}

async function accountEntries(actorId: string) {
  return superSql()<{ action: string; data: Record<string, unknown>; ip: string | null; request_id: string | null; workspace_id: string | null }[]>`
    SELECT action, data, ip, request_id, workspace_id FROM audit_log WHERE actor_id = ${actorId} ORDER BY seq`;
}

beforeEach(async () => {
  await resetTables();
});

describe('account audit entries', () => {
  it('records sign-up, failed and successful sign-ins, verification, password and session events in order', async () => {
    const laptop = browser();
    await (await laptop.call()).signUp({email: 'ada@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    const ada = await userId('ada@example.com');
    // Unverified: refused after the password matched.
    expect(await refused((await laptop.call()).signIn({ email: 'ada@example.com', password: PASSWORD }))).toBe('FORBIDDEN');
    await (await laptop.call()).verifyEmail({ token: await linkFrom('ada@example.com', 'verify-email') });
    expect(await refused((await browser().call()).signIn({ email: 'ada@example.com', password: 'wrong password!' }))).toBe('UNAUTHORIZED');
    const phone = browser('phone');
    await (await phone.call()).signIn({ email: 'ada@example.com', password: PASSWORD });
    await (await laptop.call()).changePassword({ currentPassword: PASSWORD, newPassword: 'second password 2' });
    const tablet = browser('tablet');
    await (await tablet.call()).signIn({ email: 'ada@example.com', password: 'second password 2' });
    const tabletSession = (await (await laptop.call()).listSessions()).find((s) => !s.current);
    await (await laptop.call()).revokeSession({ sessionId: tabletSession?.id ?? '' });
    await (await laptop.call()).signOut();
    await (await browser().call()).requestPasswordReset({ email: 'ada@example.com' });
    await (await browser().call()).resetPassword({ token: await linkFrom('ada@example.com', 'reset-password'), password: 'third password 33' });
    const desk = browser('desk');
    await (await desk.call()).signIn({ email: 'ada@example.com', password: 'third password 33' });
    await (await desk.call()).signOutEverywhere();

    const entries = await accountEntries(ada);
    expect(entries.map((e) => [e.action, e.data])).toEqual([
      ['auth.signed_up', { method: 'password' }],
      ['auth.sign_in_failed', { method: 'password', reason: 'email_not_verified' }],
      ['auth.email_verified', {}],
      ['auth.signed_in', { method: 'verify_email', sessionId: expect.any(String) }],
      ['auth.sign_in_failed', { method: 'password', reason: 'wrong_password' }],
      ['auth.signed_in', { method: 'password', sessionId: expect.any(String) }],
      ['auth.password_changed', { sessionsRevoked: 'others' }],
      ['auth.signed_in', { method: 'password', sessionId: expect.any(String) }],
      ['auth.sessions_revoked', { scope: 'one', sessionId: tabletSession?.id }],
      ['auth.signed_out', { sessionId: expect.any(String), reason: 'signed_out' }],
      ['auth.password_reset', { sessionsRevoked: 'all' }],
      ['auth.signed_in', { method: 'password', sessionId: expect.any(String) }],
      ['auth.sessions_revoked', { scope: 'all' }],
    ]);
    expect(entries.every((e) => e.workspace_id === null && e.ip === '203.0.113.7' && e.request_id === 'req-account')).toBe(true);
    expect((await verifyAuditChains(adminSql())).map(describeBreak).filter(Boolean)).toEqual([]);
  });

  it('records nothing for an unknown address, a refused password change or a bad reset link', async () => {
    const b = browser();
    await (await b.call()).signUp({email: 'bo@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    await (await b.call()).verifyEmail({ token: await linkFrom('bo@example.com', 'verify-email') });
    const bo = await userId('bo@example.com');
    const before = await accountEntries(bo);
    const [total] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_log`;

    expect(await refused((await browser().call()).signIn({ email: 'nobody@example.com', password: PASSWORD }))).toBe('UNAUTHORIZED');
    expect(await refused((await b.call()).changePassword({ currentPassword: 'not my password', newPassword: 'new password 123' }))).toBe('BAD_REQUEST');
    expect(await refused((await browser().call()).resetPassword({ token: 'x'.repeat(43), password: 'new password 123' }))).toBe('BAD_REQUEST');

    expect(await accountEntries(bo)).toEqual(before);
    const [after] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_log`;
    expect(after?.n).toBe(total?.n);
  });

  it('shows a user their own account entries only', async () => {
    await (await browser().call()).signUp({email: 'cy@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    await (await browser().call()).signUp({email: 'di@example.com', password: PASSWORD, captcha: await solvedCaptcha() });
    const [cy, di] = [await userId('cy@example.com'), await userId('di@example.com')];
    const seenBy = (id: string) => withTenant(testDb(), { userId: id }, (tx) => tx.query.auditLog.findMany());
    expect((await seenBy(cy)).map((e) => [e.actorId, e.action])).toEqual([[cy, 'auth.signed_up']]);
    expect((await seenBy(di)).map((e) => [e.actorId, e.action])).toEqual([[di, 'auth.signed_up']]);
  });
});
