/**
 * Health probes and the headers every response carries (FND-5, OBS, SEC baseline).
 */
import { expect, test } from '@playwright/test';

test.describe('health probes', () => {
  for (const probe of ['live', 'ready'] as const) {
    test(`/api/health/${probe} answers 200 with a request id and security headers`, async ({ request }) => {
      const res = await request.get(`/api/health/${probe}`);
      expect(res.status()).toBe(200);
      const body = (await res.json()) as { status: string };
      expect(body.status).toBe(probe === 'live' ? 'ok' : 'ready');
      const headers = res.headers();
      expect(headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['cache-control']).toContain('no-store');
    });
  }

  test('a well-formed incoming x-request-id is echoed back, a malformed one is replaced', async ({ request }) => {
    const mine = `e2e-${Date.now()}-abcdef`;
    const echoed = await request.get('/api/health/live', { headers: { 'x-request-id': mine } });
    expect(echoed.headers()['x-request-id']).toBe(mine);

    const replaced = await request.get('/api/health/live', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers()['x-request-id']).not.toContain(' ');
    expect(replaced.headers()['x-request-id']).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
  });

  test('readiness reports the database and migrations as checked', async ({ request }) => {
    const res = await request.get('/api/health/ready');
    const body = (await res.json()) as { checks: { database: { ok: boolean }; migrations: { pending: string[] } } };
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.migrations.pending).toEqual([]);
  });
});
