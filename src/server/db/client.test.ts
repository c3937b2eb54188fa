/** The app's pool bounds every wait (docs/decisions/0012): as the server sees its sessions, and its reconnect backoff. */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../../../test/support/db';
import { createDatabase, db, reconnectBackoff } from './client';

describe('database client timeouts', () => {
  it('the process pool sessions carry the env timeouts as server settings', async () => {
    const rows = await db().execute<{ statement: string; idle: string; app: string }>(
      sql`SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('application_name') AS app`,
    );
    expect([...rows]).toEqual([{ statement: '10s', idle: '30s', app: 'kanso' }]);
  });

  it('createDatabase takes other bounds (scripts, tests)', async () => {
    const database = createDatabase(testDatabase().appUrl, 1, { statementTimeoutMs: 1500, idleInTransactionTimeoutMs: 0 });
    try {
      const rows = await database.execute<{ statement: string; idle: string }>(sql`SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle`);
      expect([...rows]).toEqual([{ statement: '1500ms', idle: '0' }]);
      expect(database.$client.options.connect_timeout).toBe(3);
    } finally {
      await database.$client.end();
    }
  });

  it('reconnects after at most half a second, however long the outage (postgres.js default: up to 20 s)', () => {
    const waits = Array.from({ length: 40 }, (_, retries) => reconnectBackoff(retries));
    expect(Math.max(...waits)).toBe(0.5);
    expect(waits[0]).toBeLessThan(0.05);
    expect(db().$client.options.backoff).toBe(reconnectBackoff);
  });
});
