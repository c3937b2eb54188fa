/**
 * Auth.js flows driven through the real route handlers (`handlers.GET/POST` with Request objects):
 * OIDC against a real local issuer (oauth2-mock-server) and magic links through the dev mailbox.
 * Every flow must end in OUR session row and cookie, which the tRPC context accepts.
 */
import { NextRequest } from 'next/server';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deliverQueuedMail } from '../../../test/support/mail';
import { createContext } from '@/server/api/trpc';
import { resetEnvCache } from '@/server/platform/env';
import { adminSql, resetTables, testDb } from '../../../test/support/db';
import { cookieJar, createTestCaller } from '../../../test/support/trpc';
import { handlers } from './auth-config';
import { hashPassword } from './password';
import { hashToken, validateSessionToken } from './session';

/** Account-chain audit entries of a user (as the owner role, which may read every chain). */
async function accountAudit(userId: string) {
  return adminSql()<{ action: string; data: Record<string, unknown>; ip: string | null }[]>`
    SELECT action, data, ip FROM audit_log WHERE workspace_id IS NULL AND actor_id = ${userId} ORDER BY seq`;
}

const ORIGIN = 'http://localhost:3000';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

let issuer: OAuth2Server;
/** What the issuer puts in the next id token. */
let nextIdentity: { sub: string; email: string; email_verified: boolean; name?: string } = { sub: 'x', email: 'x@example.com', email_verified: true };

beforeAll(async () => {
  issuer = new OAuth2Server();
  await issuer.issuer.keys.generate('RS256');
  issuer.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    Object.assign(token.payload, nextIdentity);
  });
  await issuer.start(0, '127.0.0.1');
  process.env.AUTH_OIDC_ISSUER = issuer.issuer.url;
  process.env.AUTH_OIDC_ID = 'kanso-test';
  process.env.AUTH_OIDC_SECRET = 'kanso-test-secret';
  process.env.AUTH_OIDC_NAME = 'Test SSO';
  resetEnvCache();
});

afterAll(async () => {
  await issuer.stop();
  delete process.env.AUTH_OIDC_ISSUER;
  delete process.env.AUTH_OIDC_ID;
  delete process.env.AUTH_OIDC_SECRET;
  delete process.env.AUTH_OIDC_NAME;
  delete process.env.AUTH_URL; // set from APP_URL by auth-config
  resetEnvCache();
});

beforeEach(async () => {
  await resetTables();
});

/** A minimal browser: cookies across requests, redirects followed by hand. */
class Browser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly origin = ORIGIN) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1] ?? '') < new Date()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, decodeURIComponent(value));
    }
  }

  private headers(extra: Record<string, string> = {}): Headers {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    return new Headers({ 'user-agent': UA, 'x-kanso-client-ip': '198.51.100.4', ...(cookie ? { cookie } : {}), ...extra });
  }

  /** A request to our Auth.js route handlers. */
  async app(method: 'GET' | 'POST', path: string, form?: Record<string, string>, extra?: Record<string, string>): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.origin}${path}`;
    const headers = this.headers(extra);
    if (form) headers.set('content-type', 'application/x-www-form-urlencoded');
    const req = new NextRequest(url, { method, headers, body: form ? new URLSearchParams(form).toString() : undefined });
    const res = method === 'GET' ? await handlers.GET(req) : await handlers.POST(req);
    this.remember(res);
    return res;
  }

  async csrf(): Promise<string> {
    const res = await this.app('GET', '/api/auth/csrf');
    const body = (await res.json()) as { csrfToken: string };
    return body.csrfToken;
  }

  /** The OIDC round trip: our sign-in → issuer /authorize → our callback. Returns the final redirect. */
  async oidcSignIn(callbackUrl: string): Promise<string> {
    const csrfToken = await this.csrf();
    const start = await this.app('POST', '/api/auth/signin/oidc', { csrfToken, callbackUrl });
    expect(start.status).toBe(302);
    const authorize = start.headers.get('location') ?? '';
    expect(authorize.startsWith(issuer.issuer.url ?? '-')).toBe(true);
    const atIssuer = await fetch(authorize, { redirect: 'manual' });
    const callback = atIssuer.headers.get('location') ?? '';
    expect(callback.startsWith(`${this.origin}/api/auth/callback/oidc?`)).toBe(true);
    const done = await this.app('GET', callback);
    expect(done.status).toBe(302);
    return done.headers.get('location') ?? '';
  }

  session(secure = false): string | undefined {
    return this.cookies.get(secure ? '__Host-kanso.session' : 'kanso.session');
  }
}

async function userByEmail(email: string) {
  const [row] = await adminSql()<{ id: string; email_verified: Date | null; password_hash: string | null; locale: string; name: string | null }[]>`
    SELECT id, email_verified, password_hash, locale, name FROM users WHERE email = ${email}`;
  return row;
}

async function accountsOf(userId: string) {
  return adminSql()<{ provider: string; provider_account_id: string; access_token: string | null }[]>`
    SELECT provider, provider_account_id, access_token FROM accounts WHERE user_id = ${userId}`;
}

/** The tRPC context sees the cookie Auth.js set as a normal session. */
async function meWith(token: string) {
  const ctx = await createContext({
    headers: new Headers(),
    cookies: cookieJar({ 'kanso.session': token }),
    secure: false,
    database: testDb(),
  });
  return createTestCaller(ctx).user.me();
}

describe('OIDC sign-in (oauth2-mock-server)', () => {
  it('creates a verified user, links the account and issues OUR session cookie and row', async () => {
    nextIdentity = { sub: 'oidc-user-1', email: 'Nia@Example.com', email_verified: true, name: 'Nia' };
    const b = new Browser();
    const landing = await b.oidcSignIn('/de/continue?callbackUrl=%2Fde%2Fw%2Facme');
    expect(landing).toBe(`${ORIGIN}/de/continue?callbackUrl=%2Fde%2Fw%2Facme`);

    const user = await userByEmail('nia@example.com');
    expect(user).toMatchObject({ name: 'Nia', password_hash: null, locale: 'de' });
    expect(user?.email_verified).toBeInstanceOf(Date);
    const linked = await accountsOf(user?.id ?? '');
    expect(linked).toEqual([{ provider: 'oidc', provider_account_id: 'oidc-user-1', access_token: null }]);

    const token = b.session();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.cookies.has('authjs.session-token')).toBe(false);
    const [row] = await adminSql()<{ user_id: string; user_agent: string; ip: string; token_hash: string }[]>`
      SELECT user_id, user_agent, ip, token_hash FROM sessions WHERE user_id = ${user?.id ?? ''}`;
    expect(row).toMatchObject({ user_agent: UA, ip: '198.51.100.4', token_hash: hashToken(token ?? '') });
    expect((await validateSessionToken(testDb(), token ?? ''))?.user.email).toBe('nia@example.com');
    expect(await meWith(token ?? '')).toMatchObject({ email: 'nia@example.com', emailVerified: true, locale: 'de' });

    // Second sign-in: same user, same link, a second session.
    const again = new Browser();
    await again.oidcSignIn('/en/continue');
    const [{ n } = { n: 0 }] = await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM users`;
    expect(n).toBe(1);
    const [{ s } = { s: 0 }] = await adminSql()<{ s: number }[]>`SELECT count(*)::int AS s FROM sessions WHERE user_id = ${user?.id ?? ''}`;
    expect(s).toBe(2);
    // Audit (SEC-4): account chain, one sign-up and a sign-in per visit.
    expect(await accountAudit(user?.id ?? '')).toEqual([
      { action: 'auth.signed_up', data: { method: 'oidc' }, ip: '198.51.100.4' },
      { action: 'auth.signed_in', data: { method: 'oidc' }, ip: '198.51.100.4' },
      { action: 'auth.signed_in', data: { method: 'oidc' }, ip: '198.51.100.4' },
    ]);
  });

  it('links to an existing account when the issuer says the address is verified', async () => {
    const [existing] = await adminSql()<{ id: string }[]>`
      INSERT INTO users (email, password_hash, email_verified) VALUES ('omar@example.com', ${await hashPassword('omar password 1')}, now()) RETURNING id`;
    nextIdentity = { sub: 'oidc-omar', email: 'omar@example.com', email_verified: true };
    const b = new Browser();
    await b.oidcSignIn('/en/continue');
    expect((await accountsOf(existing?.id ?? '')).map((a) => a.provider_account_id)).toEqual(['oidc-omar']);
    expect((await validateSessionToken(testDb(), b.session() ?? ''))?.user.id).toBe(existing?.id);
    // The password still works (the account was already verified).
    expect((await userByEmail('omar@example.com'))?.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses to link when the issuer does not vouch for the address', async () => {
    const [existing] = await adminSql()<{ id: string }[]>`
      INSERT INTO users (email, email_verified) VALUES ('pat@example.com', now()) RETURNING id`;
    nextIdentity = { sub: 'oidc-pat', email: 'pat@example.com', email_verified: false };
    const b = new Browser();
    const landing = await b.oidcSignIn('/en/continue');
    expect(landing).toBe(`${ORIGIN}/en/sign-in?error=OAuthAccountNotLinked`);
    expect(await accountsOf(existing?.id ?? '')).toEqual([]);
    expect(b.session()).toBeUndefined();
    const [{ n } = { n: 0 }] = await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM sessions`;
    expect(n).toBe(0);
  });

  it('refuses a new account whose address the issuer does not vouch for', async () => {
    nextIdentity = { sub: 'oidc-quin', email: 'quin@example.com', email_verified: false };
    const b = new Browser();
    expect(await b.oidcSignIn('/en/continue')).toBe(`${ORIGIN}/en/sign-in?error=OAuthEmailNotVerified`);
    expect(await userByEmail('quin@example.com')).toBeUndefined();
  });

  it('takes over an unverified look-alike account: its password and sessions are dropped', async () => {
    await adminSql()`INSERT INTO users (email, password_hash) VALUES ('rosa@example.com', ${await hashPassword('squatter password')})`;
    nextIdentity = { sub: 'oidc-rosa', email: 'rosa@example.com', email_verified: true };
    const b = new Browser();
    await b.oidcSignIn('/en/continue');
    const user = await userByEmail('rosa@example.com');
    expect(user?.password_hash).toBeNull();
    expect(user?.email_verified).toBeInstanceOf(Date);
    expect((await validateSessionToken(testDb(), b.session() ?? ''))?.user.id).toBe(user?.id);
  });
});

describe('magic link (Auth.js email provider → dev mailbox)', () => {
  async function requestLink(b: Browser, email: string, callbackUrl = '/en/continue'): Promise<string> {
    const csrfToken = await b.csrf();
    const res = await b.app('POST', '/api/auth/signin/email', { csrfToken, email, callbackUrl });
    expect(res.status).toBe(302);
    // Auth.js answers with its verify-request action, which lands on our "check your inbox" page.
    const verifyRequest = res.headers.get('location') ?? '';
    expect(verifyRequest).toBe(`${ORIGIN}/api/auth/verify-request?provider=email&type=email`);
    const page = await b.app('GET', verifyRequest);
    expect(page.headers.get('location')).toBe('/en/sign-in/check-email?provider=email&type=email');
    await deliverQueuedMail();
    const [mail] = await adminSql()<{ subject: string; text: string }[]>`
      SELECT subject, text FROM dev_mails WHERE "to" = ${email.toLowerCase()} ORDER BY created_at DESC LIMIT 1`;
    expect(mail?.subject).toBe('Your Kanso sign-in link');
    const link = /(http:\/\/localhost:3000\/api\/auth\/callback\/email\?[^\s\]]+)/.exec(mail?.text ?? '')?.[1];
    if (!link) throw new Error(`no link in:\n${mail?.text}`);
    return link;
  }

  it('creates a verified account for a new address and signs in once per link', async () => {
    const b = new Browser();
    const link = await requestLink(b, 'Sol@Example.com');
    // Only Auth.js's hash of the token is stored.
    const token = new URL(link).searchParams.get('token') ?? '';
    expect((await adminSql()`SELECT 1 FROM verification_tokens WHERE token = ${token}`).length).toBe(0);

    const res = await b.app('GET', link);
    expect(res.headers.get('location')).toBe(`${ORIGIN}/en/continue`);
    const user = await userByEmail('sol@example.com');
    expect(user?.email_verified).toBeInstanceOf(Date);
    expect(await meWith(b.session() ?? '')).toMatchObject({ email: 'sol@example.com' });
    expect((await accountAudit(user?.id ?? '')).map((e) => [e.action, e.data])).toEqual([
      ['auth.signed_up', { method: 'magic_link' }],
      ['auth.signed_in', { method: 'magic_link' }],
    ]);

    const replay = await new Browser().app('GET', link);
    expect(replay.headers.get('location')).toBe(`${ORIGIN}/en/sign-in?error=Verification`);
  });

  it('following a link verifies an unverified account and drops the password nobody proved', async () => {
    await adminSql()`INSERT INTO users (email, password_hash) VALUES ('vic@example.com', ${await hashPassword('squatter password')})`;
    const b = new Browser();
    await b.app('GET', await requestLink(b, 'vic@example.com'));
    const user = await userByEmail('vic@example.com');
    expect(user?.email_verified).toBeInstanceOf(Date);
    expect(user?.password_hash).toBeNull();
    expect((await validateSessionToken(testDb(), b.session() ?? ''))?.user.id).toBe(user?.id);
  });

  it('writes the mail in the saved language of an existing user', async () => {
    await adminSql()`INSERT INTO users (email, email_verified, locale) VALUES ('tom@example.com', now(), 'de')`;
    const b = new Browser();
    const csrfToken = await b.csrf();
    await b.app('POST', '/api/auth/signin/email', { csrfToken, email: 'tom@example.com', callbackUrl: '/en/continue' });
    await deliverQueuedMail();
    const [mail] = await adminSql()<{ subject: string }[]>`SELECT subject FROM dev_mails WHERE "to" = 'tom@example.com'`;
    expect(mail?.subject).toBe('Ihr Anmeldelink für Kanso');
  });

  it('builds the mailed link on APP_URL, whatever Host or X-Forwarded-Host the request claims', async () => {
    const b = new Browser('http://evil.example');
    const csrfToken = await b.csrf();
    await b.app('POST', '/api/auth/signin/email', { csrfToken, email: 'wes@example.com', callbackUrl: '/en/continue' }, { 'x-forwarded-host': 'evil.example' });
    await deliverQueuedMail();
    const [mail] = await adminSql()<{ text: string }[]>`SELECT text FROM dev_mails WHERE "to" = 'wes@example.com'`;
    expect(mail?.text).toContain('http://localhost:3000/api/auth/callback/email?');
    expect(mail?.text).not.toContain('evil.example');
  });

  it('uses the __Secure- cookie over HTTPS', async () => {
    vi.stubEnv('APP_URL', 'https://localhost:3000');
    resetEnvCache();
    const b = new Browser('https://localhost:3000');
    const csrfToken = await b.csrf();
    await b.app('POST', '/api/auth/signin/email', { csrfToken, email: 'uli@example.com', callbackUrl: '/en/continue' });
    await deliverQueuedMail();
    const [mail] = await adminSql()<{ text: string }[]>`SELECT text FROM dev_mails WHERE "to" = 'uli@example.com'`;
    const link = /(https:\/\/localhost:3000\/api\/auth\/callback\/email\?[^\s\]]+)/.exec(mail?.text ?? '')?.[1] ?? '';
    await b.app('GET', link);
    expect(b.session(false)).toBeUndefined();
    const token = b.session(true);
    expect((await validateSessionToken(testDb(), token ?? ''))?.user.email).toBe('uli@example.com');
    vi.unstubAllEnvs();
    resetEnvCache();
  });
});
