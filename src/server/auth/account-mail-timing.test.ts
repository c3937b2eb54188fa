/**
 * Issue 11, ADR 0031: asking for a reset link (or a new verification link) answers without waiting
 * for the mail transport, for a known address as for an unknown one, so the answer's timing does
 * not tell whether an account exists — the mail is queued in the token's transaction and sent by
 * the job worker. The worker runs during each call, and a real local SMTP server (smtp-server) holds
 * every mail until the test lets it go: an answer that waited for the mail could not arrive while
 * it holds. Both branches queue in one transaction of the same shape (the unknown one for no one).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetEnvCache } from '@/server/platform/env';
import { createDatabase } from '@/server/db/client';
import { adminSql, cluster, testDatabase } from '../../../test/support/db';
import { startWireCounter } from '../../../test/support/wire-counter';
import { requestPasswordReset, resendVerification } from './account-service';
import { startTestWorker, waitForJobsIdle } from '../../../test/support/jobs';
import { callerAs, makeUser } from '../../../test/support/trpc';

interface Received {
  to: string[];
  raw: string;
}

const received: Received[] = [];
let held: Array<() => void> = [];
let holding = true;
let smtp: SMTPServer;
let smtpUrl: string;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const accept = () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        };
        if (holding) held.push(accept);
        else accept();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  worker = await startTestWorker();
});

afterAll(async () => {
  await worker.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
  held = [];
  holding = true;
  vi.stubEnv('SMTP_URL', smtpUrl);
  resetEnvCache();
});

afterEach(async () => {
  release();
  await waitForJobsIdle();
  await adminSql()`DELETE FROM graphile_worker._private_jobs`;
  await adminSql()`DELETE FROM mail_messages`;
  vi.unstubAllEnvs();
  resetEnvCache();
});

/** Waits until the worker has the mail at the SMTP server (held there), or `ms` passed. */
async function mailHeld(ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && held.length === 0) await new Promise((r) => setTimeout(r, 25));
  return held.length > 0;
}

async function mailState(): Promise<Array<{ state: string; attempts: number }>> {
  return adminSql()<Array<{ state: string; attempts: number }>>`SELECT state, attempts FROM mail_messages ORDER BY created_at`;
}

/** Lets every held mail (and every later one) through. */
function release(): void {
  holding = false;
  for (const accept of held.splice(0)) accept();
}

/** The call's answer, or a failure if it has not come within `ms` (it would never come while mails are held, had it waited for one). */
async function answerWithin<T>(call: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: the call waited for the mail`)), ms);
  });
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function tokenCount(): Promise<number> {
  const [row] = await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM auth_tokens`;
  return row?.n ?? -1;
}

describe('password reset does not wait for the mail', () => {
  it('a known address: answered while the SMTP server holds the mail; the mail with the link arrives after', async () => {
    const user = await makeUser({ email: `known-${Date.now()}@example.test` });
    const { caller } = await callerAs(null);
    expect(await answerWithin(caller.auth.requestPasswordReset({ email: user.email }))).toEqual({ ok: true });
    expect(await mailHeld()).toBe(true); // the worker is sending it, the SMTP server holds it
    expect(received).toHaveLength(0);

    release();
    await waitForJobsIdle();
    expect(received).toHaveLength(1);
    expect(received[0]?.to).toEqual([user.email]);
    expect(received[0]?.raw).toMatch(/reset-password\?token=3D[A-Za-z0-9_-]+|reset-password\?token=[A-Za-z0-9_-]+/);
  });

  it('an unknown address: the same answer, no token and no mail', async () => {
    const before = await tokenCount();
    const { caller } = await callerAs(null);
    expect(await answerWithin(caller.auth.requestPasswordReset({ email: `nobody-${Date.now()}@example.test` }))).toEqual({ ok: true });
    release();
    await waitForJobsIdle();
    expect(received).toHaveLength(0);
    expect(await tokenCount()).toBe(before);
    expect(await mailState()).toEqual([]);
  });

  it('a transport that fails: the request still answers ok, the mail stays queued for a retry', async () => {
    vi.stubEnv('SMTP_URL', 'smtp://127.0.0.1:1');
    resetEnvCache();
    const user = await makeUser({ email: `unreachable-${Date.now()}@example.test` });
    const { caller } = await callerAs(null);
    expect(await answerWithin(caller.auth.requestPasswordReset({ email: user.email }))).toEqual({ ok: true });
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && (await mailState())[0]?.attempts !== 1) await new Promise((r) => setTimeout(r, 50));
    expect(await mailState()).toEqual([{ state: 'queued', attempts: 1 }]);
    expect(received).toHaveLength(0);
  });
});

describe('resending the verification link does not wait for the mail', () => {
  it('an unverified account: answered while the SMTP server holds the mail; the verify link arrives after', async () => {
    const user = await makeUser({ email: `unverified-${Date.now()}@example.test`, emailVerified: null });
    const { caller } = await callerAs(null);
    expect(await answerWithin(caller.auth.resendVerification({ email: user.email }))).toEqual({ ok: true });
    expect(await mailHeld()).toBe(true);
    expect(received).toHaveLength(0);

    release();
    await waitForJobsIdle();
    expect(received.map((m) => m.to)).toEqual([[user.email]]);
    expect(received[0]?.raw).toContain('verify-email');
  });

  it('a verified or unknown address: the same answer, no token and no mail', async () => {
    const verified = await makeUser({ email: `verified-${Date.now()}@example.test` });
    const before = await tokenCount();
    const { caller } = await callerAs(null);
    expect(await answerWithin(caller.auth.resendVerification({ email: verified.email }))).toEqual({ ok: true });
    expect(await answerWithin(caller.auth.resendVerification({ email: `nobody-${Date.now()}@example.test` }))).toEqual({ ok: true });
    release();
    await waitForJobsIdle();
    expect(received).toHaveLength(0);
    expect(await tokenCount()).toBe(before);
  });
});

describe('a known and an unknown address cost the same database work', () => {
  it('forgot password and resend verification: the same statements and round trips, mail queued or not', async () => {
    const counter = await startWireCounter(cluster().port);
    const counted = createDatabase(counter.urlFor(testDatabase().appUrl), 1);
    try {
      const known = await makeUser({ email: `wire-known-${Date.now()}@example.test` });
      const unverified = await makeUser({ email: `wire-unverified-${Date.now()}@example.test`, emailVerified: null });
      const measure = async (call: () => Promise<unknown>) => {
        for (let i = 0; i < 2; i += 1) await call(); // warm the connection and its prepared statements
        counter.reset();
        await call();
        const { statements, roundTrips } = counter.counts();
        return { statements, roundTrips };
      };
      const resetKnown = await measure(() => requestPasswordReset(counted, known.email));
      const resetUnknown = await measure(() => requestPasswordReset(counted, `wire-nobody-${Date.now()}@example.test`));
      expect(resetUnknown).toEqual(resetKnown);
      const resendKnown = await measure(() => resendVerification(counted, unverified.email));
      const resendUnknown = await measure(() => resendVerification(counted, `wire-nobody-${Date.now()}@example.test`));
      expect(resendUnknown).toEqual(resendKnown);
      // …and the known ones did queue their mail (3 runs each).
      const [row] = await adminSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM mail_messages`;
      expect(row?.n).toBe(6);
    } finally {
      await counted.$client.end();
      await counter.close();
    }
  });
});
