import { afterEach, describe, expect, it } from 'vitest';
import { GET as ready } from '@/app/api/health/ready/route';
import { GET as live } from '@/app/api/health/live/route';
import { adminSql } from '../../../test/support/db';

describe('health probes', () => {
  let removed: { id: number; hash: string; created_at: string } | undefined;

  afterEach(async () => {
    if (removed) {
      await adminSql()`INSERT INTO drizzle.__drizzle_migrations (id, hash, created_at) VALUES (${removed.id}, ${removed.hash}, ${removed.created_at})`;
      removed = undefined;
    }
  });

  it('live answers 200', async () => {
    expect((await live()).status).toBe(200);
  });

  it('ready is 200 when the database is migrated', async () => {
    const response = await ready(new Request('http://localhost/api/health/ready'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready' });
  });

  it('ready is 503 naming the pending migration', async () => {
    const [row] = await adminSql()<{ id: number; hash: string; created_at: string }[]>`
      DELETE FROM drizzle.__drizzle_migrations
      WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations)
      RETURNING id, hash, created_at::text`;
    removed = row;
    const response = await ready(new Request('http://localhost/api/health/ready'));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { reason: string; checks: { migrations: { pending: string[] } } };
    expect(body.checks.migrations.pending.length).toBeGreaterThan(0);
    expect(body.reason).toMatch(/^pending migrations: \d{4}_/);
  });
});
