/**
 * Operator CLI: `npm run cli -- <command> [args]` (API-5). Runs against DATABASE_URL or the embedded
 * cluster (started for the duration of the command).
 *
 *   admin:create <email>   make an existing or new (verified, password-less) user a platform admin — idempotent
 */
import { loadDotEnv, resolveDatabase } from './lib/database-urls';
import { migrateDatabase } from '../src/server/db/migrate';

const [command, ...args] = process.argv.slice(2);
const log = (line: string) => console.log(`[cli] ${line}`);

const commands: Record<string, (appUrl: string, args: string[]) => Promise<void>> = {
  'admin:create': async (appUrl, [email]) => {
    if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error('usage: npm run cli -- admin:create <email>');
    const { createDatabase } = await import('../src/server/db/client');
    const { ensurePlatformAdmin } = await import('../src/server/users/user-service');
    const database = createDatabase(appUrl, 1);
    try {
      const result = await ensurePlatformAdmin(database, email);
      log(`${email} is a platform admin (${result})`);
    } finally {
      await database.$client.end();
    }
  },
};

async function main(): Promise<void> {
  loadDotEnv();
  const run = command ? commands[command] : undefined;
  if (!run) throw new Error(`unknown command "${command ?? ''}"; commands: ${Object.keys(commands).join(', ')}`);
  const database = await resolveDatabase(log);
  try {
    await migrateDatabase(database.adminUrl, database.appUrl);
    process.env.DATABASE_URL = database.appUrl;
    await run(database.appUrl, args);
  } finally {
    await database.embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`[cli] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
