/**
 * `npm run db:migrate | db:seed | db:reset`. Works against DATABASE_URL, the embedded cluster of a
 * running launcher (left running: the app stays ready while migrations are applied), or the
 * embedded cluster started for the duration of the command (scripts/lib/database-urls.ts).
 */
import { loadDotEnv, resolveDatabase, runningLauncher } from './lib/database-urls';
import { migrateDatabase } from '../src/server/db/migrate';
import postgres from 'postgres';

const command = process.argv[2];
const log = (line: string) => console.log(`[db] ${line}`);

async function main(): Promise<void> {
  loadDotEnv();
  if (!['migrate', 'seed', 'reset'].includes(command ?? '')) throw new Error('usage: tsx scripts/db.ts migrate|seed|reset');
  if (command === 'reset' && process.env.NODE_ENV === 'production') {
    throw new Error('db:reset refuses to run with NODE_ENV=production');
  }
  const launcher = command === 'reset' && !process.env.DATABASE_URL ? runningLauncher() : undefined;
  if (launcher) throw new Error(`db:reset would drop the schema under the running launcher (pid ${launcher.pid}); stop it first`);
  const database = await resolveDatabase(log, `db:${command}`);
  try {
    if (command === 'reset') {
      const sql = postgres(database.adminUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe('DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS drizzle CASCADE; CREATE SCHEMA public;');
      await sql.end();
      log('schema dropped');
    }
    await migrateDatabase(database.adminUrl, database.appUrl);
    log('migrations applied');
    if (command === 'seed' || command === 'reset') {
      process.env.DATABASE_URL = database.appUrl;
      const { createDatabase } = await import('../src/server/db/client');
      const { seedDemoData, DEMO_USER } = await import('../src/server/db/seed');
      const db = createDatabase(database.appUrl, 1);
      await seedDemoData(db);
      await db.$client.end();
      log(`demo data present (${DEMO_USER.email} / ${DEMO_USER.password})`);
    }
  } finally {
    await database.release();
  }
}

main().catch((error: unknown) => {
  console.error(`[db] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
