/**
 * Operator CLI: `npm run cli -- <command> [args]` (API-5). Runs against DATABASE_URL, a running
 * launcher's embedded cluster, or the embedded cluster started for the duration of the command.
 *
 *   admin:create <email>   make an existing or new (verified, password-less) user a platform admin — idempotent
 *   audit:verify           check every audit hash chain; exit 1 naming the first broken link of each
 *   jobs:list|show|retry|purge|lag|probe   dead letters and the queue (scripts/lib/cli-jobs.ts, docs/jobs.md)
 *   mail:suppressed|suppress|unsuppress <email>   the suppression list (scripts/lib/cli-mail.ts, docs/email.md)
 *   webhooks:list|show|retry|purge         dead webhook deliveries (scripts/lib/cli-webhooks.ts, docs/webhooks.md)
 */
import { loadDotEnv, resolveDatabase } from './lib/database-urls';
import postgres from 'postgres';
import { migrateDatabase } from '../src/server/db/migrate';
import { jobCommands } from './lib/cli-jobs';
import { mailCommands } from './lib/cli-mail';
import { webhookCommands } from './lib/cli-webhooks';

const [command, ...args] = process.argv.slice(2);
const log = (line: string) => console.log(`[cli] ${line}`);

const commands: Record<string, (urls: { appUrl: string; adminUrl: string }, args: string[]) => Promise<void>> = {
  'admin:create': async ({ appUrl }, [email]) => {
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
  'audit:verify': async ({ adminUrl }) => {
    const { verifyAuditChains, describeBreak } = await import('../src/server/audit/verify');
    const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      const reports = await verifyAuditChains(sql);
      const problems = reports.map(describeBreak).filter((p): p is string => p !== null);
      const entries = reports.reduce((n, r) => n + r.entries, 0);
      if (problems.length === 0) {
        log(`audit log intact: ${reports.length} chain(s), ${entries} entries verified`);
        return;
      }
      for (const problem of problems) console.error(`[cli] TAMPERED — ${problem}`);
      process.exitCode = 1;
    } finally {
      await sql.end();
    }
  },
  ...jobCommands,
  ...mailCommands,
  ...webhookCommands,
};

async function main(): Promise<void> {
  loadDotEnv();
  const run = command ? commands[command] : undefined;
  if (!run) throw new Error(`unknown command "${command ?? ''}"; commands: ${Object.keys(commands).join(', ')}`);
  const database = await resolveDatabase(log, 'cli');
  try {
    await migrateDatabase(database.adminUrl, database.appUrl);
    process.env.DATABASE_URL = database.appUrl;
    await run(database, args);
  } finally {
    await database.release();
  }
}

main().then(() => process.exit(process.exitCode ?? 0), (error: unknown) => {
  console.error(`[cli] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
