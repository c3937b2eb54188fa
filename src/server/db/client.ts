/**
 * The PostgreSQL connection of this process (postgres.js + Drizzle).
 *
 * The app connects as a non-owner role (see scripts/lib/embedded-postgres.ts and
 * src/server/db/migrate.ts), so it can read and write rows but not change the schema.
 *
 * Outages (docs/decisions/0012-database-outages.md): every wait is bounded — connecting by
 * `connect_timeout`, each statement by the server's `statement_timeout`, a transaction left idle by
 * `idle_in_transaction_session_timeout` — and reconnecting is not delayed by postgres.js's default
 * backoff (which grows to 10–20 s over an outage and then holds the first queries after recovery).
 * postgres.js 3.4.9 itself is patched (patches/postgres+3.4.9.patch): a connection lost under a query
 * kept that query and its error, so the next query on it hung or failed with the dead backend's error,
 * and a write scheduled on the dead socket threw an uncaught TypeError (porsager/postgres#1208, #1215).
 */
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/server/platform/env';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A transaction handle, accepted wherever a Database is. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DbOrTx = Database | Tx;

export interface DatabaseTimeouts {
  /** TCP connect + start-up + authentication (ms). */
  connectTimeoutMs: number;
  /** Server-side `statement_timeout` (ms, 0 = none). */
  statementTimeoutMs: number;
  /** Server-side `idle_in_transaction_session_timeout` (ms, 0 = none). */
  idleInTransactionTimeoutMs: number;
}

export interface DatabaseOptions extends Partial<DatabaseTimeouts> {
  /**
   * Named prepared statements (src/server/db/prepared.ts; default true). false: postgres.js sends
   * every statement unnamed (two round trips when it has parameters), for a pooler that cannot
   * keep prepared statements across transactions.
   */
  preparedStatements?: boolean;
}

/** The defaults of src/server/platform/env.ts, for scripts that connect without the full environment. */
export const DEFAULT_TIMEOUTS: DatabaseTimeouts = { connectTimeoutMs: 3000, statementTimeoutMs: 10_000, idleInTransactionTimeoutMs: 30_000 };

/**
 * Seconds postgres.js waits before reconnecting a connection that closed with an error. Its default
 * (`3^retries / 100`, capped at 20 s, `retries` counted across the whole pool and reset only by a
 * successful connect) grows past 10 s within a minute of outage; the wait happens *before* the
 * connect timeout starts, so a request queued behind it hung that long — also after the database was
 * back. Connection attempts to a stopped server fail in microseconds, so a short cap costs nothing.
 */
export function reconnectBackoff(retries: number): number {
  return Math.min(0.025 * 2 ** retries, 0.5);
}

export function createDatabase(url: string, max = 10, options: DatabaseOptions = {}): Database {
  const { preparedStatements = true, ...timeouts } = options;
  const t = { ...DEFAULT_TIMEOUTS, ...timeouts };
  const client = postgres(url, {
    max,
    prepare: preparedStatements,
    idle_timeout: 30,
    connect_timeout: t.connectTimeoutMs / 1000,
    backoff: reconnectBackoff,
    onnotice: () => {},
    // Start-up parameters: the server applies them to every session of this pool.
    connection: {
      application_name: 'kanso',
      statement_timeout: t.statementTimeoutMs,
      idle_in_transaction_session_timeout: t.idleInTransactionTimeoutMs,
    },
  });
  return drizzle({ client, schema, casing: 'snake_case' });
}

// One pool per process; survives Next dev hot reloads.
const globalForDb = globalThis as unknown as { kansoDb?: Database };

export function db(): Database {
  if (!globalForDb.kansoDb) {
    const e = env();
    globalForDb.kansoDb = createDatabase(e.DATABASE_URL, e.DATABASE_POOL_MAX, {
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      preparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    });
  }
  return globalForDb.kansoDb;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.kansoDb;
  globalForDb.kansoDb = undefined;
  await current?.$client.end({ timeout: 5 });
}
