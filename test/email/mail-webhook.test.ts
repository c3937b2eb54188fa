/**
 * The bounce/complaint webhook (POST /api/webhooks/email, JOBS-4): the route handler itself with
 * real Standard Webhooks signatures (standardwebhooks' own signer) against real PostgreSQL, and
 * the edge rules the path gets from src/proxy.ts (no Origin check, no locale or auth redirect,
 * the body limit).
 */
import { randomBytes } from 'node:crypto';
import { NextRequest } from 'next/server';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { POST } from '@/app/api/webhooks/email/route';
import { isSuppressed } from '@/server/email/suppression';
import { resetEnvCache } from '@/server/platform/env';
import { proxy } from '@/proxy';
import { adminSql, testDb } from '../support/db';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const URL_ = 'http://localhost:3000/api/webhooks/email';

beforeEach(() => {
  vi.stubEnv('MAIL_WEBHOOK_SECRET', SECRET);
  resetEnvCache();
});

afterEach(async () => {
  vi.unstubAllEnvs();
  resetEnvCache();
  await adminSql()`DELETE FROM mail_suppressions`;
});

function signed(body: string, secret = SECRET, at = new Date()): Record<string, string> {
  const id = `msg_${randomBytes(8).toString('hex')}`;
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

async function deliver(body: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await POST(new Request(URL_, { method: 'POST', headers, body }));
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const bounce = (email: string, permanent = true) => JSON.stringify({ type: 'bounce', email, permanent, reason: `550 5.1.1 <${email}> user unknown` });

describe('POST /api/webhooks/email', () => {
  it('a validly signed permanent bounce suppresses the address (no address stored)', async () => {
    const body = bounce('Hard@Bounce.test');
    expect(await deliver(body, signed(body))).toEqual({ status: 200, json: { ok: true, suppressed: true } });
    expect(await isSuppressed(testDb(), 'hard@bounce.test')).toBe(true);
    const rows = await adminSql()<{ reason: string; source: string; detail: string }[]>`SELECT reason, source, detail FROM mail_suppressions`;
    expect(rows).toEqual([{ reason: 'bounce', source: 'webhook', detail: '550 5.1.1 <<address>> user unknown' }]);
    expect(JSON.stringify(rows)).not.toMatch(/hard|bounce\.test/i);
  });

  it('a complaint suppresses; a transient bounce is acknowledged and suppresses nothing', async () => {
    const complaint = JSON.stringify({ type: 'complaint', email: 'angry@example.test' });
    expect((await deliver(complaint, signed(complaint))).json).toEqual({ ok: true, suppressed: true });
    const soft = bounce('full@example.test', false);
    expect((await deliver(soft, signed(soft))).json).toEqual({ ok: true, suppressed: false });
    expect(await isSuppressed(testDb(), 'angry@example.test')).toBe(true);
    expect(await isSuppressed(testDb(), 'full@example.test')).toBe(false);
  });

  it('refuses a forged, tampered, unsigned or stale delivery with 401 and suppresses nothing', async () => {
    const body = bounce('victim@example.test');
    const forged = signed(body, `whsec_${randomBytes(24).toString('base64')}`);
    const tampered = { ...signed(body), 'webhook-id': 'msg_other' };
    const unsigned = { 'content-type': 'application/json' };
    const stale = signed(body, SECRET, new Date(Date.now() - 10 * 60_000));
    for (const headers of [forged, tampered, unsigned, stale]) {
      const answer = await deliver(body, headers);
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ error: { appCode: 'UNAUTHORIZED', httpStatus: 401, message: 'The webhook signature is missing or does not match.' } });
    }
    const other = bounce('other@example.test');
    expect((await deliver(other, signed(body))).status).toBe(401); // a signature of another body
    expect(await isSuppressed(testDb(), 'victim@example.test')).toBe(false);
  });

  it('answers a signed body that is not a mail event with a typed 400, never 500', async () => {
    for (const body of ['not json at all', '{"type":"bounce"}', '{"type":"delivered","email":"a@example.test"}', '{"type":"bounce","email":"not-an-address"}', '[]', 'null']) {
      const answer = await deliver(body, signed(body));
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: { appCode: 'BAD_REQUEST', httpStatus: 400, message: 'The webhook body is not a valid mail event.' } });
    }
    expect((await adminSql()`SELECT 1 FROM mail_suppressions`).length).toBe(0);
  });

  it('does not exist without MAIL_WEBHOOK_SECRET (404)', async () => {
    vi.stubEnv('MAIL_WEBHOOK_SECRET', '');
    resetEnvCache();
    const body = bounce('a@example.test');
    expect((await deliver(body, signed(body))).status).toBe(404);
  });
});

describe('the edge for /api/webhooks/email', () => {
  const request = (headers: Record<string, string>) => new NextRequest(URL_, { method: 'POST', headers });

  it('lets a server-to-server POST through: no Origin needed, no locale or sign-in redirect', () => {
    const response = proxy(request({ 'content-length': '100', 'content-type': 'application/json' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('x-middleware-next')).toBe('1');
    // A provider's Origin (if it sends one) is not ours, and still not refused: the signature authenticates.
    expect(proxy(request({ 'content-length': '100', origin: 'https://mail-provider.example' })).status).toBe(200);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a declared body over the limit (413) and one of unknown length (411) before it is read', () => {
    expect(proxy(request({ 'content-length': String(1024 * 1024) })).status).toBe(413);
    expect(proxy(request({ 'transfer-encoding': 'chunked' })).status).toBe(411);
  });
});
