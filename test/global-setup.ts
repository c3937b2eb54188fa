/**
 * Vitest global setup: ONE embedded PostgreSQL cluster per `vitest run`.
 *
 *   1. sweep `.data/test/` for clusters of earlier runs that were killed midway;
 *   2. start a cluster in `.data/test/run-<pid>-<random>/` on a free loopback port;
 *   3. create `kanso_template` (owned by kanso_owner), apply the migrations, grant the app role,
 *      then freeze it as a template (no connections, so `CREATE DATABASE … TEMPLATE` never
 *      finds it busy);
 *   4. hand the URLs to the workers (`inject('kansoCluster')`); test/setup-db.ts clones the
 *      template into one database per test file.
 *
 * Teardown stops the cluster and deletes its directory. `PG_LOG=1` prints the server's log.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, freePort, startEmbeddedPostgres, type EmbeddedCluster } from '../scripts/lib/embedded-postgres';
import { migrateDatabase } from '../src/server/db/migrate';
import { TEMPLATE_DB } from './support/cluster';
import { createRunDir, sweepStaleRuns } from './support/runs';

const log = (line: string) => console.log(`[test-db] ${line}`);
const pgLog = (line: string) => {
  if (process.env.PG_LOG) log(line);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await sweepStaleRuns(log);
  const started = Date.now();

  const runDir = createRunDir(process.pid);
  let cluster: EmbeddedCluster | undefined;
  const teardown = async () => {
    try {
      await cluster?.stop();
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  };

  try {
    cluster = await startEmbeddedPostgres({ dataDir: runDir, port: await freePort(), log: pgLog });
    await ensureDatabase(cluster, TEMPLATE_DB);
    await migrateDatabase(cluster.ownerUrl(TEMPLATE_DB), cluster.appUrl(TEMPLATE_DB));
    const sql = postgres(cluster.superuserUrl('postgres'), { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`ALTER DATABASE "${TEMPLATE_DB}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    } finally {
      await sql.end();
    }
  } catch (error) {
    await teardown().catch(() => {});
    throw error;
  }

  const base = (url: string) => url.slice(0, -TEMPLATE_DB.length);
  project.provide('kansoCluster', {
    port: cluster.port,
    runDir,
    superuserUrl: cluster.superuserUrl('postgres'),
    ownerBaseUrl: base(cluster.ownerUrl(TEMPLATE_DB)),
    appBaseUrl: base(cluster.appUrl(TEMPLATE_DB)),
  });
  log(
    `PostgreSQL on 127.0.0.1:${cluster.port} in ${path.relative(process.cwd(), runDir)}, ` +
      `started and template migrated in ${Date.now() - started} ms`,
  );
  return teardown;
}
