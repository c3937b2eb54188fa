/**
 * Queued mail against real PostgreSQL, the real worker runtime and a real SMTP server (JOBS-4,
 * ADR 0031): a sign-up while the SMTP server is down mails once it is back (retry with backoff), a
 * permanent 550 suppresses the address (and the next mail to it never reaches the server), a
 * transient 451 is retried, the sandbox redirects, and the reconciler re-queues mail left without
 * a job.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signUp } from '@/server/auth/account-service';
import { queueMail } from '@/server/email/mail-queue';
import { MAIL_STUCK_AFTER_MS, requeueStuckMail } from '@/server/email/mail-send-task';
import { isSuppressed } from '@/server/email/suppression';
import { listDeadJobs, retryDeadJob } from '@/server/jobs/dead-letters';
import { reconcile } from '@/server/jobs/reconcile-task';
import type { WorkerRuntime } from '@/server/jobs/worker-runtime';
import { createLogger } from '@/server/platform/logger';
import { EnvError, parseEnv, resetEnvCache } from '@/server/platform/env';
import { solvedCaptcha } from '../support/captcha';
import { adminSql, testDb } from '../support/db';
import { queuedJobs, startTestWorker, waitForJobsIdle } from '../support/jobs';
import { freePort, startSmtpServer, type TestSmtpServer } from '../support/smtp';

let worker: WorkerRuntime | undefined;
let smtp: TestSmtpServer | undefined;

beforeEach(() => {
  vi.stubEnv('DEV_MAILBOX', 'false');
  resetEnvCache();
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await smtp?.close();
  smtp = undefined;
  vi.unstubAllEnvs();
  resetEnvCache();
  await adminSql()`DELETE FROM graphile_worker._private_jobs`;
  await adminSql()`DELETE FROM mail_messages`;
  await adminSql()`DELETE FROM mail_suppressions`;
  await adminSql()`DELETE FROM dev_mails`;
  await adminSql()`DELETE FROM dead_jobs`;
});

function useSmtp(url: string): void {
  vi.stubEnv('SMTP_URL', url);
  resetEnvCache();
}

type MailRow = { kind: string; to: string; state: string; attempts: number; last_error: string | null; html: string | null; data: unknown };

async function mails(): Promise<MailRow[]> {
  return adminSql()<MailRow[]>`SELECT kind, "to", state, attempts, last_error, html, data FROM mail_messages ORDER BY created_at, id`;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 8_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}

const verifyData = { locale: 'en', url: 'http://localhost:3000/en/verify-email?token=tok', hours: 24 };

describe('a mail while the SMTP server is down', () => {
  it('sign-up answers, the verification mail waits for its retry, and arrives exactly once when the server is back', async () => {
    const port = await freePort();
    useSmtp(`smtp://127.0.0.1:${port}`);
    worker = await startTestWorker();

    const result = await signUp(
      testDb(),
      { email: 'Ada@Example.test', name: 'Ada', password: 'violet harbour quietly sings', captcha: await solvedCaptcha() },
      { locale: 'en' },
    );
    expect(result.created).toBe(true);

    // The first attempt found no server: the mail is still queued, its job waits for the retry.
    const [failed] = await until(mails, (rows) => rows[0]?.attempts === 1);
    expect(failed).toMatchObject({ kind: 'verify_email', to: 'ada@example.test', state: 'queued', attempts: 1 });
    expect(failed!.last_error).toMatch(/^MailTransportError/);
    expect(failed!.last_error).not.toContain('ada@');
    const [job] = await queuedJobs('mail.send');
    expect(job).toMatchObject({ attempts: 1 });
    expect(job!.runAt.getTime()).toBeGreaterThan(Date.now());

    smtp = await startSmtpServer({ port });
    const received = await until(async () => smtp!.received.length, (n) => n > 0);
    expect(received).toBe(1);
    await waitForJobsIdle();
    await new Promise((r) => setTimeout(r, 500)); // anything that would send it twice has had its chance
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['ada@example.test']);
    expect(smtp.received[0]!.raw).toMatch(/verify-email\?token=3D[A-Za-z0-9_-]+|verify-email\?token=[A-Za-z0-9_-]+/);
    const [sent] = await mails();
    expect(sent).toMatchObject({ state: 'sent', attempts: 2, last_error: null, html: null, data: null });
    expect(await queuedJobs('mail.send')).toEqual([]);
  }, 20_000);

  it('a transient refusal (451) is retried, not suppressed', async () => {
    smtp = await startSmtpServer();
    smtp.refuse('later@example.test', 451);
    useSmtp(smtp.url);
    worker = await startTestWorker();
    await queueMail(testDb(), { kind: 'verify_email', to: 'later@example.test', data: verifyData });
    const [row] = await until(mails, (rows) => rows[0]?.attempts === 1);
    expect(row).toMatchObject({ state: 'queued', attempts: 1 });
    expect(row!.last_error).toContain('451');
    expect(await queuedJobs('mail.send')).toHaveLength(1);
    expect(await isSuppressed(testDb(), 'later@example.test')).toBe(false);
  });
});

describe('a mail whose retries ran out', () => {
  it('is failed with its body kept and a dead letter; an operator replays it and it is sent', async () => {
    const port = await freePort();
    useSmtp(`smtp://127.0.0.1:${port}`);
    const mailId = await queueMail(testDb(), { kind: 'verify_email', to: 'late@example.test', data: verifyData });
    await adminSql()`UPDATE graphile_worker._private_jobs SET max_attempts = 1 WHERE key = ${`mail.send:${mailId}`}`;
    worker = await startTestWorker();
    // A job on its last attempt no longer counts as due while it runs: wait for the outcome itself.
    const [failed] = await until(mails, (rows) => rows[0]?.state === 'failed');
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed!.data).not.toBeNull();
    const [dead] = await until(() => listDeadJobs(testDb(), { task: 'mail.send' }), (rows) => rows.length > 0);
    expect(dead).toMatchObject({ jobKey: `mail.send:${mailId}` });
    expect(await requeueStuckMail(testDb(), new Date(Date.now() + MAIL_STUCK_AFTER_MS * 2))).toBe(0); // not the reconciler's

    smtp = await startSmtpServer({ port });
    expect(await retryDeadJob(testDb(), dead!.id, { name: 'mail-test' })).not.toBeNull();
    await until(mails, (rows) => rows[0]?.state === 'sent');
    await waitForJobsIdle();
    expect(smtp.received.map((m) => m.to)).toEqual([['late@example.test']]);
    expect((await mails())[0]).toMatchObject({ state: 'sent', attempts: 2, data: null });
  });
});

describe('a permanent refusal (550)', () => {
  it('suppresses the address, fails the mail without a retry, and the next mail to it is never attempted', async () => {
    smtp = await startSmtpServer();
    smtp.refuse('gone@example.test', 550);
    useSmtp(smtp.url);
    worker = await startTestWorker();

    await queueMail(testDb(), { kind: 'verify_email', to: 'Gone@Example.test', data: verifyData });
    await waitForJobsIdle();
    const [first] = await mails();
    expect(first).toMatchObject({ state: 'failed', attempts: 1, html: null, data: null });
    expect(first!.last_error).toContain('550');
    expect(await queuedJobs('mail.send')).toEqual([]); // completed: no retry waiting
    expect((await adminSql()`SELECT 1 FROM dead_jobs`).length).toBe(0);
    expect(await isSuppressed(testDb(), ' GONE@example.test ')).toBe(true);
    const listed = await adminSql()<{ address_hash: string; reason: string; source: string; detail: string | null }[]>`SELECT * FROM mail_suppressions`;
    expect(listed).toEqual([expect.objectContaining({ reason: 'smtp_5xx', source: 'smtp', detail: '550' })]);
    expect(JSON.stringify(listed)).not.toMatch(/gone|example/i); // no address in clear

    const connections = smtp.connections;
    await queueMail(testDb(), { kind: 'reset_password', to: 'gone@example.test', data: { locale: 'en', url: 'http://localhost:3000/en/reset-password?token=t', minutes: 60 } });
    await waitForJobsIdle();
    const [, second] = await mails();
    expect(second).toMatchObject({ kind: 'reset_password', state: 'suppressed', attempts: 0, data: null });
    expect(smtp.connections).toBe(connections);
    expect(smtp.received).toHaveLength(0);

    // Other addresses are unaffected.
    await queueMail(testDb(), { kind: 'verify_email', to: 'here@example.test', data: verifyData });
    await waitForJobsIdle();
    expect(smtp.received.map((m) => m.to)).toEqual([['here@example.test']]);
  });
});

describe('sandbox', () => {
  it('MAIL_SANDBOX_TO: every mail goes to that one address, the subject names only the real domain', async () => {
    smtp = await startSmtpServer();
    useSmtp(smtp.url);
    vi.stubEnv('MAIL_SANDBOX', 'true');
    vi.stubEnv('MAIL_SANDBOX_TO', 'qa@sandbox.test');
    resetEnvCache();
    worker = await startTestWorker();
    await queueMail(testDb(), { kind: 'verify_email', to: 'rita@customer.example', data: verifyData });
    await waitForJobsIdle();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['qa@sandbox.test']);
    expect(smtp.received[0]!.raw).toContain('Subject: [Sandbox: customer.example] Confirm your email address for Kanso');
    expect(smtp.received[0]!.raw).not.toContain('rita');
    expect((await mails())[0]).toMatchObject({ state: 'sent' });
  });

  it('MAIL_SANDBOX alone: the dev mailbox takes every mail, the SMTP server sees none', async () => {
    smtp = await startSmtpServer();
    useSmtp(smtp.url);
    vi.stubEnv('MAIL_SANDBOX', 'true');
    resetEnvCache();
    worker = await startTestWorker();
    await queueMail(testDb(), { kind: 'verify_email', to: 'rita@customer.example', data: { ...verifyData, locale: 'de' } });
    await waitForJobsIdle();
    expect(smtp.connections).toBe(0);
    const dev = await adminSql()<{ to: string; subject: string }[]>`SELECT "to", subject FROM dev_mails`;
    expect(dev).toEqual([{ to: 'rita@customer.example', subject: 'Bestätigen Sie Ihre E-Mail-Adresse für Kanso' }]);
  });

  it('is refused in production without MAIL_SANDBOX_TO, and allowed with it', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x', AUTH_SECRET: 'x'.repeat(32), SMTP_URL: 'smtp://127.0.0.1:25', MAIL_SANDBOX: 'true' };
    expect(() => parseEnv(production)).toThrow(EnvError);
    expect(() => parseEnv(production)).toThrow(/MAIL_SANDBOX/);
    expect(parseEnv({ ...production, MAIL_SANDBOX_TO: 'qa@example.com' }).MAIL_SANDBOX).toBe(true);
  });
});

describe('the mail reconciler', () => {
  it('re-queues a mail still queued after 10 minutes with no job, once; recent and job-holding mails are left alone', async () => {
    const old = new Date(Date.now() - MAIL_STUCK_AFTER_MS - 60_000);
    const [stuck] = await adminSql()<{ id: string }[]>`
      INSERT INTO mail_messages (kind, "to", subject, data, created_at)
      VALUES ('verify_email', 'stuck@example.test', 'Confirm', ${adminSql().json(verifyData)}, ${old}) RETURNING id`;
    await adminSql()`INSERT INTO mail_messages (kind, "to", subject, data) VALUES ('verify_email', 'recent@example.test', 'Confirm', ${adminSql().json(verifyData)})`;
    const waitingId = await queueMail(testDb(), { kind: 'verify_email', to: 'waiting@example.test', data: verifyData });
    await adminSql()`UPDATE mail_messages SET created_at = ${old} WHERE id = ${waitingId}`;

    // Through jobs.reconcile, which runs every registered reconciler.
    const counts = await reconcile(testDb(), createLogger({ service: 'test', level: 'silent' }));
    expect(counts.mail).toBe(1);
    expect(await requeueStuckMail(testDb())).toBe(0); // its job waits now
    const keys = await adminSql()<{ key: string }[]>`SELECT key FROM graphile_worker._private_jobs ORDER BY key`;
    expect(keys.map((k) => k.key).sort()).toEqual([`mail.send:${stuck!.id}`, `mail.send:${waitingId}`].sort());

    vi.stubEnv('DEV_MAILBOX', 'true');
    resetEnvCache();
    worker = await startTestWorker();
    await waitForJobsIdle();
    const dev = await adminSql()<{ to: string }[]>`SELECT "to" FROM dev_mails ORDER BY "to"`;
    expect(dev.map((d) => d.to)).toEqual(['stuck@example.test', 'waiting@example.test']);
  });
});
