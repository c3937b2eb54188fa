/**
 * Where the database is: an external PostgreSQL when DATABASE_URL is set, otherwise the
 * embedded cluster in .data/ (started here). Shared by the launcher and the db:* scripts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from './embedded-postgres';

export const DATA_DIR = path.resolve(process.env.KANSO_DATA_DIR ?? '.data');
export const DEFAULT_EMBEDDED_PORT = 54329;

export interface DatabaseTarget {
  appUrl: string;
  adminUrl: string;
  embedded?: EmbeddedCluster;
}

export function loadDotEnv(): void {
  for (const file of ['.env.local', '.env']) {
    if (existsSync(file)) process.loadEnvFile(file);
  }
}

export async function resolveDatabase(log: (l: string) => void): Promise<DatabaseTarget> {
  if (process.env.DATABASE_URL) {
    log('using the PostgreSQL at DATABASE_URL (nothing embedded)');
    return { appUrl: process.env.DATABASE_URL, adminUrl: process.env.DATABASE_ADMIN_URL ?? process.env.DATABASE_URL };
  }
  const port = Number(process.env.EMBEDDED_PG_PORT ?? DEFAULT_EMBEDDED_PORT);
  const cluster = await startEmbeddedPostgres({ dataDir: DATA_DIR, port, log: (l) => (process.env.PG_LOG || l.startsWith('found a stale') ? log(l) : undefined) });
  await ensureDatabase(cluster, 'kanso');
  log(`embedded PostgreSQL is up on 127.0.0.1:${port} (data in ${path.relative(process.cwd(), DATA_DIR)}/)`);
  return { appUrl: cluster.appUrl('kanso'), adminUrl: cluster.ownerUrl('kanso'), embedded: cluster };
}

/** A development AUTH_SECRET, generated once and kept in .data/ (never used in production). */
export function devAuthSecret(): string {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, 'auth-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
