import { afterEach, describe, expect, it } from 'vitest';
import { GET as ready } from '@/app/api/health/ready/route';
import { GET as live } from '@/app/api/health/live/route';
import { GET as startup } from '@/app/api/health/startup/route';
import { adminSql, testDatabase } from '../../../test/support/db';
import { outageSwitch, refusedUrl, silentServer } from '../../../test/support/outage';
import { READINESS_DEADLINE_MS } from './health';

const probe = (path: string, requestId = crypto.randomUUID()) => new Request(`http://localhost${path}`, { headers: { 'x-request-id': requestId } });

describe('health probes', () => {
  let removed: { id: number; hash: string; created_at: string } | undefined;

  let silent: { close: () => Promise<void> } | undefined;
  const outage = outageSwitch();

  afterEach(async () => {
    await silent?.close();
    silent = undefined;
    if (removed) {
      await adminSql()`INSERT INTO drizzle.__drizzle_migrations (id, hash, created_at) VALUES (${removed.id}, ${removed.hash}, ${removed.created_at})`;
      removed = undefined;
    }
  });

  it('live answers 200', async () => {
    expect((await live()).status).toBe(200);
  });

  it('ready is 200 when the database is migrated', async () => {
    const response = await ready(probe('/api/health/ready'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready' });
  });

  it('ready is 503 naming the pending migration', async () => {
    const [row] = await adminSql()<{ id: number; hash: string; created_at: string }[]>`
      DELETE FROM drizzle.__drizzle_migrations
      WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations)
      RETURNING id, hash, created_at::text`;
    removed = row;
    const response = await ready(probe('/api/health/ready'));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { reason: string; checks: { migrations: { pending: string[] } } };
    expect(body.checks.migrations.pending.length).toBeGreaterThan(0);
    expect(body.reason).toMatch(/^pending migrations: \d{4}_/);
  });

  it('ready is 503 with cause "unreachable" and no address when the database refuses connections', async () => {
    const url = await refusedUrl(testDatabase().appUrl);
    await outage.start(url);
    const response = await ready(probe('/api/health/ready', 'probe-refused-1'));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      status: 'not_ready',
      reason: 'database unreachable',
      requestId: 'probe-refused-1',
      checks: { database: { ok: false, cause: 'unreachable' }, migrations: { ok: false, checked: false } },
    });
    expect(text).not.toContain(new URL(url).port);
    expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|connect /);
  });

  it('ready answers "timeout" (its own deadline, shorter than the connect timeout) when the database never answers', async () => {
    const hung = await silentServer(testDatabase().appUrl);
    silent = hung;
    await outage.start(hung.url);
    const response = await ready(probe('/api/health/ready'));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { checks: { database: { cause: string } }; ms: number };
    expect(body.checks.database.cause).toBe('timeout');
    // The figure, for the record (no timing assertion): the deadline is what ended the wait.
    console.log(`readiness against a silent server answered in ${body.ms} ms (deadline ${READINESS_DEADLINE_MS} ms)`);
  });

  it('startup is 503 until the process has been ready once, then 200 without asking the database', async () => {
    await outage.start(await refusedUrl(testDatabase().appUrl));
    const before = await startup(probe('/api/health/startup'));
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ status: 'starting', checks: { database: { cause: 'unreachable' } } });
    await outage.end();
    expect((await startup(probe('/api/health/startup'))).status).toBe(200);
    // Started once: a later outage is readiness's business, not start-up's.
    await outage.start(await refusedUrl(testDatabase().appUrl));
    const after = await startup(probe('/api/health/startup'));
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ status: 'started' });
  });
});
