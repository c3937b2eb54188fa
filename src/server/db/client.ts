/**
 * The PostgreSQL connection of this process (postgres.js + Drizzle).
 *
 * The app connects as a non-owner role (see scripts/lib/embedded-postgres.ts and
 * src/server/db/migrate.ts), so it can read and write rows but not change the schema.
 */
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '@/server/platform/env';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A transaction handle, accepted wherever a Database is. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DbOrTx = Database | Tx;

export function createDatabase(url: string, max = 10): Database {
  const client = postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: 'kanso' },
  });
  return drizzle({ client, schema, casing: 'snake_case' });
}

// One pool per process; survives Next dev hot reloads.
const globalForDb = globalThis as unknown as { kansoDb?: Database };

export function db(): Database {
  globalForDb.kansoDb ??= createDatabase(env().DATABASE_URL, env().DATABASE_POOL_MAX);
  return globalForDb.kansoDb;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.kansoDb;
  globalForDb.kansoDb = undefined;
  await current?.$client.end({ timeout: 5 });
}
