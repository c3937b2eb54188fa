/**
 * SSRF (JOBS-3): webhook URLs must reach public addresses only — checked when saved (typed,
 * localised BAD_REQUEST) and again when a delivery connects (request-filtering-agent after DNS, so
 * a host name that resolved publicly at save time and privately now is refused: DNS rebinding).
 *
 * Loopback is NOT allowed in this file (WEBHOOK_ALLOW_LOOPBACK unset). Host names resolve through a
 * table installed with setWebhookLookup — no real DNS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localiseError } from '@/server/api/errors';
import { resetEnvCache } from '@/server/platform/env';
import type { WorkerRuntime } from '@/server/jobs/worker-runtime';
import { addressRefusal, setWebhookLookup } from '@/server/webhooks/address-guard';
import { adminSql, superSql } from '../support/db';
import { startTestWorker, waitForJobsIdle } from '../support/jobs';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../support/trpc';
import { startReceiver, tableLookup, until, type Receiver } from '../support/webhooks';

const savedLoopback = process.env.WEBHOOK_ALLOW_LOOPBACK;
delete process.env.WEBHOOK_ALLOW_LOOPBACK;
resetEnvCache();

const dns = new Map<string, string>();
let receiver: Receiver;
let worker: WorkerRuntime | undefined;

beforeAll(async () => {
  setWebhookLookup(tableLookup(dns));
  receiver = await startReceiver();
});
afterAll(async () => {
  setWebhookLookup(null);
  await receiver.close();
  if (savedLoopback !== undefined) process.env.WEBHOOK_ALLOW_LOOPBACK = savedLoopback;
  resetEnvCache();
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await adminSql()`DELETE FROM graphile_worker._private_jobs`;
});

async function admin() {
  const user = await makeUser();
  const ws = await makeWorkspace([{ userId: user.id, role: 'admin' }]);
  const { caller } = await callerAs(user.id);
  return { ws, caller };
}

describe('webhook URLs', () => {
  it.each([
    ['http://127.0.0.1/hook', 'loopback'],
    ['http://127.1.2.3:8080/hook', 'loopback'],
    ['http://10.0.0.1/hook', 'private'],
    ['http://172.16.5.4/hook', 'private'],
    ['http://192.168.1.1/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'link-local metadata'],
    ['http://100.64.0.1/hook', 'CGNAT'],
    ['http://0.0.0.0/hook', 'unspecified'],
    ['http://224.0.0.1/hook', 'multicast'],
    ['http://[::1]/hook', 'IPv6 loopback'],
    ['http://[fd00::1]/hook', 'IPv6 ULA'],
    ['http://[fe80::1]/hook', 'IPv6 link-local'],
    ['http://[::ffff:127.0.0.1]/hook', 'IPv4-mapped loopback'],
    ['http://[::ffff:10.0.0.1]/hook', 'IPv4-mapped private'],
    ['http://[::]/hook', 'IPv6 unspecified'],
  ])('refuses %s (%s) when saved, with a typed BAD_REQUEST on the url field', async (url) => {
    const { ws, caller } = await admin();
    const error = await errorOf(caller.webhook.create({ workspaceSlug: ws.slug, url, eventTypes: ['task.created'] }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(localiseError(error, 'en').message).toMatch(/private, local or reserved address/);
    expect((error.cause as { fieldErrors?: Record<string, string> }).fieldErrors).toEqual({ url: 'webhook.urlNotPublic' });
    const [{ n } = { n: -1 }] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM webhook_endpoints WHERE workspace_id = ${ws.id}`;
    expect(n).toBe(0);
  });

  it('refuses a host name that resolves to a private address, and updates to one', async () => {
    dns.set('internal.example.test', '10.1.2.3');
    dns.set('public.example.test', '93.184.216.34');
    const { ws, caller } = await admin();
    expect((await errorOf(caller.webhook.create({ workspaceSlug: ws.slug, url: 'https://internal.example.test/hook', eventTypes: ['task.created'] }))).code).toBe('BAD_REQUEST');
    const { endpoint } = await caller.webhook.create({ workspaceSlug: ws.slug, url: 'https://public.example.test/hook', eventTypes: ['task.created'] });
    const error = await errorOf(caller.webhook.update({ workspaceSlug: ws.slug, endpointId: endpoint.id, url: 'https://internal.example.test/other' }));
    expect(error.code).toBe('BAD_REQUEST');
    const [listed] = await caller.webhook.list({ workspaceSlug: ws.slug });
    expect(listed!.url).toBe('https://public.example.test/hook');
  });

  it('refuses other schemes, credentials, unresolvable hosts and junk — localised', async () => {
    const { ws, caller } = await admin();
    const cases: Array<[string, RegExp]> = [
      ['ftp://public.example.test/hook', /Nur http:\/\/- und https:\/\/-URLs/],
      ['https://user:pw@public.example.test/hook', /Benutzernamen/],
      ['https://nowhere.example.test/hook', /nicht aufgelöst/],
      ['not a url', /gültige URL/],
    ];
    dns.set('public.example.test', '93.184.216.34');
    for (const [url, message] of cases) {
      const error = await errorOf(caller.webhook.create({ workspaceSlug: ws.slug, url, eventTypes: ['task.created'] }));
      expect({ url, code: error.code }).toEqual({ url, code: 'BAD_REQUEST' });
      expect(localiseError(error, 'de').message).toMatch(message);
    }
  });

  it('refuses at connection time a host that resolved publicly when saved and privately now (DNS rebinding)', async () => {
    dns.set('rebind.example.test', '93.184.216.34');
    const { ws, caller } = await admin();
    // The receiver really listens on 127.0.0.1: only the guard stands between the delivery and it.
    const { endpoint } = await caller.webhook.create({ workspaceSlug: ws.slug, url: `http://rebind.example.test:${receiver.port}/hook`, eventTypes: ['task.created'] });
    dns.set('rebind.example.test', '127.0.0.1');
    worker = await startTestWorker();
    const { deliveryId } = await caller.webhook.testFire({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    await until(async () => {
      const [row] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = ${deliveryId}`;
      return (row?.n ?? 0) > 0;
    }, 'the attempt');
    await waitForJobsIdle();
    const attempts = await superSql()<{ status_code: number | null; error_kind: string }[]>`SELECT status_code, error_kind FROM webhook_attempts WHERE delivery_id = ${deliveryId}`;
    expect(attempts).toEqual([{ status_code: null, error_kind: 'blocked_address' }]);
    expect(receiver.requests).toHaveLength(0);

    // The same for a private (not loopback) answer, e.g. the metadata address.
    dns.set('rebind.example.test', '169.254.169.254');
    const second = await caller.webhook.testFire({ workspaceSlug: ws.slug, endpointId: endpoint.id });
    await until(async () => {
      const [row] = await superSql()<{ kind: string | null }[]>`SELECT error_kind AS kind FROM webhook_attempts WHERE delivery_id = ${second.deliveryId}`;
      return row?.kind === 'blocked_address';
    }, 'the second attempt to be blocked');
  });

  it('classifies addresses like the connection-time agent does', () => {
    const refused = ['127.0.0.1', '10.0.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '100.127.255.255', '0.0.0.0', '255.255.255.255', '::1', '::', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:192.168.0.1', 'ff02::1', 'junk'];
    expect(refused.filter((a) => addressRefusal(a, false) === null)).toEqual([]);
    const allowed = ['93.184.216.34', '1.1.1.1', '100.128.0.1', '172.32.0.1', '2606:4700:4700::1111'];
    expect(allowed.filter((a) => addressRefusal(a, false) !== null)).toEqual([]);
    // The loopback switch admits loopback and nothing else.
    expect(addressRefusal('127.0.0.1', true)).toBeNull();
    expect(addressRefusal('::1', true)).toBeNull();
    expect(addressRefusal('10.0.0.1', true)).toBe('private');
    expect(addressRefusal('169.254.169.254', true)).toBe('linkLocal');
    expect(addressRefusal('::ffff:127.0.0.1', true)).toBe('ipv4Mapped');
  });
});
