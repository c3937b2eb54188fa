/**
 * The mail provider against real transports: a local SMTP server (smtp-server) and the dev
 * mailbox table; plus the production refusal and the localised templates.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EnvError, parseEnv, resetEnvCache } from '@/server/platform/env';
import { adminSql } from '../../../test/support/db';
import { devMailboxEnabled, getDevMail, linksOf, listDevMails } from './dev-mailbox';
import { createMailer, MailTransportError, sandboxed, selectTransport, sendMail } from './mailer';
import { emails } from './templates';

interface Received {
  from: string | false;
  to: string[];
  raw: string;
}

const received: Received[] = [];
let smtp: SMTPServer;
let smtpUrl: string;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

const message = {
  to: 'Rita@Example.com',
  subject: 'Hello from the test',
  html: '<p>Open <a href="http://localhost:3000/en/verify-email?token=abc">this link</a></p>',
  text: 'Open this link: http://localhost:3000/en/verify-email?token=abc',
};

describe('SMTP transport', () => {
  it('delivers to a real SMTP server with the configured sender', async () => {
    const mailer = createMailer({ NODE_ENV: 'test', SMTP_URL: smtpUrl, MAIL_FROM: 'Kanso <no-reply@kanso.localhost>', DEV_MAILBOX: false });
    expect(mailer.transport).toBe('smtp');
    const before = received.length;
    const result = await mailer.send(message);
    mailer.close();
    expect(result.transport).toBe('smtp');
    expect(received).toHaveLength(before + 1);
    const mail = received.at(-1);
    expect(mail?.from).toBe('no-reply@kanso.localhost');
    expect(mail?.to.map((a) => a.toLowerCase())).toEqual(['rita@example.com']);
    expect(mail?.raw).toContain('Subject: Hello from the test');
    expect(mail?.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(mail?.raw).toContain('text/html');
    expect(mail?.raw).toContain('verify-email?token=abc');
  });

  it('is what sendMail uses when SMTP_URL is set (nothing lands in the dev mailbox)', async () => {
    vi.stubEnv('SMTP_URL', smtpUrl);
    resetEnvCache();
    const before = received.length;
    await sendMail({ ...message, to: 'smtp-only@example.com' });
    expect(received).toHaveLength(before + 1);
    expect(await adminSql()`SELECT 1 FROM dev_mails WHERE "to" = 'smtp-only@example.com'`).toHaveLength(0);
  });

  it('fails loudly when the SMTP server is unreachable', async () => {
    const mailer = createMailer({ NODE_ENV: 'test', SMTP_URL: 'smtp://127.0.0.1:1', MAIL_FROM: 'Kanso <no-reply@kanso.localhost>', DEV_MAILBOX: false });
    await expect(mailer.send(message)).rejects.toBeInstanceOf(MailTransportError);
    mailer.close();
  });
});

describe('dev mailbox transport', () => {
  it('stores mail (address lower-cased) and lists it newest first', async () => {
    await sendMail({ ...message, subject: 'first' });
    await sendMail({ ...message, subject: 'second' });
    const list = await listDevMails();
    expect(list.slice(0, 2).map((m) => m.subject)).toEqual(['second', 'first']);
    expect(list[0]?.to).toBe('rita@example.com');
    const full = await getDevMail(list[0]?.id ?? '');
    expect(full).toMatchObject({ subject: 'second', html: message.html, text: message.text });
    expect(await getDevMail('not-a-uuid')).toBeNull();
    expect(linksOf(full?.text ?? '')).toEqual(['http://localhost:3000/en/verify-email?token=abc']);
  });

  it('is bounded', async () => {
    expect((await listDevMails(10_000)).length).toBeLessThanOrEqual(100);
  });
});

describe('transport selection', () => {
  it('refuses the dev mailbox in production, even if the env check were bypassed', () => {
    expect(() => selectTransport({ NODE_ENV: 'production', DEV_MAILBOX: true, MAIL_FROM: 'x@y.z' })).toThrow(/refused in production/);
    // …and the env module refuses to start with it in the first place.
    expect(() => parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', AUTH_SECRET: 'x'.repeat(32), DEV_MAILBOX: 'true', SMTP_URL: smtpUrl })).toThrow(
      EnvError,
    );
  });

  it('hides the dev mailbox pages in production and when DEV_MAILBOX is off', () => {
    expect(devMailboxEnabled()).toBe(true);
    vi.stubEnv('DEV_MAILBOX', 'false');
    resetEnvCache();
    expect(devMailboxEnabled()).toBe(false);
    vi.stubEnv('DEV_MAILBOX', 'true');
    vi.stubEnv('NODE_ENV', 'production');
    resetEnvCache();
    expect(devMailboxEnabled()).toBe(false);
  });

  it('with no transport at all, says how to configure one', async () => {
    expect(() => selectTransport({ NODE_ENV: 'development', DEV_MAILBOX: false, MAIL_FROM: 'x@y.z' })).toThrow(/No mail transport configured: set SMTP_URL/);
    vi.stubEnv('DEV_MAILBOX', 'false');
    resetEnvCache();
    await expect(sendMail(message)).rejects.toBeInstanceOf(MailTransportError);
  });
});

describe('templates', () => {
  const url = 'http://localhost:3000/en/verify-email?token=tok123';

  it.each(['en', 'de'] as const)('renders every mail in %s with its link in HTML and text', async (locale) => {
    const rendered = await Promise.all([
      emails.verifyEmail({ locale, url, hours: 24 }),
      emails.passwordReset({ locale, url, minutes: 60 }),
      emails.magicLink({ locale, url, minutes: 30 }),
      emails.passwordChanged({ locale, email: 'a@example.com', changedAt: new Date('2026-11-01T10:00:00Z'), resetUrl: url }),
      emails.signUpAttempt({ locale, email: 'a@example.com', signInUrl: url, resetUrl: `${url}&reset=1` }),
    ]);
    for (const mail of rendered) {
      expect(mail.subject).toMatch(/Kanso/);
      expect(mail.html).toContain(`lang="${locale}"`);
      expect(mail.html).toContain('token=tok123');
      expect(mail.text).toContain(url);
      expect(mail.text).not.toMatch(/email\.\w+\.\w+/); // no untranslated keys
    }
    const subjects = rendered.map((m) => m.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
    if (locale === 'de') expect(rendered[0]?.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse für Kanso');
    else expect(rendered[0]?.subject).toBe('Confirm your email address for Kanso');
  });
});

describe('the other mails in the notice shape', () => {
  const url = 'http://localhost:3000/en/w/acme?token=tok456';

  it.each(['en', 'de'] as const)('renders the workspace and lock notices in %s, every string translated', async (locale) => {
    const rendered = await Promise.all([
      emails.roleChanged({ locale, workspaceName: 'Acme', actorName: 'Olivia', role: 'viewer', url }),
      emails.memberRemoved({ locale, workspaceName: 'Acme', actorName: 'Olivia', url }),
      emails.invitation({ locale, workspaceName: 'Acme', inviterName: 'Olivia', role: 'member', url, days: 7 }),
      emails.accountLocked({ locale, email: 'a@example.com', minutes: 15, lockedUntil: '2026-11-01T10:15:00.000Z', unlockUrl: url, linkMinutes: 60 }),
    ]);
    for (const mail of rendered) {
      expect(mail.html).toContain(`lang="${locale}"`);
      expect(mail.text).toContain(url);
      expect(mail.text).not.toMatch(/email\.\w+\.\w+|workspace\.roles/);
    }
    expect(rendered[2]!.text).toContain(locale === 'de' ? 'Olivia hat Sie' : 'Olivia invited you');
  });

  it('puts the sign-up notice\'s reset link in a paragraph and the sign-in link on the button', async () => {
    const mail = await emails.signUpAttempt({ locale: 'en', email: 'a@example.com', signInUrl: 'http://localhost:3000/en/sign-in', resetUrl: 'http://localhost:3000/en/forgot-password' });
    expect(mail.html).toMatch(/Forgot your password\?.*<a href="http:\/\/localhost:3000\/en\/forgot-password"[^>]*>Reset it here\.<\/a>/s);
    expect(mail.text).toContain('http://localhost:3000/en/sign-in');
  });
});

describe('transport errors and the sandbox', () => {
  it('tells a permanent SMTP refusal (5xx) from a transient one and from a refused login', () => {
    expect(new MailTransportError('x', { cause: { responseCode: 550 } }).permanent).toBe(true);
    expect(new MailTransportError('x', { cause: { responseCode: 451 } }).permanent).toBe(false);
    expect(new MailTransportError('x', { cause: { code: 'ECONNECTION' } }).permanent).toBe(false);
    expect(new MailTransportError('x', { cause: { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' } }).permanent).toBe(false);
  });

  it('redirects to MAIL_SANDBOX_TO with the real domain in the subject, and selects the dev mailbox without it', () => {
    const base = { NODE_ENV: 'development' as const, SMTP_URL: 'smtp://127.0.0.1:25', MAIL_FROM: 'k@x.test', DEV_MAILBOX: false };
    expect(sandboxed(message, { ...base, MAIL_SANDBOX: true, MAIL_SANDBOX_TO: 'qa@x.test' }, 'de')).toMatchObject({
      to: 'qa@x.test',
      subject: '[Sandbox: Example.com] Hello from the test',
    });
    expect(sandboxed(message, { ...base, MAIL_SANDBOX: false, MAIL_SANDBOX_TO: 'qa@x.test' })).toBe(message);
    expect(selectTransport({ ...base, MAIL_SANDBOX: true })).toBe('dev-mailbox');
    expect(() => selectTransport({ ...base, NODE_ENV: 'production', MAIL_SANDBOX: true })).toThrow(MailTransportError);
  });
});
