/** What the operator CLI's command modules share (scripts/cli.ts, cli-jobs.ts, cli-webhooks.ts). */
import { userInfo } from 'node:os';
import type { Database } from '../../src/server/db/client';

export type CliCommand = (urls: { appUrl: string; adminUrl: string }, args: string[]) => Promise<void>;

export const cliLog = (line: string) => console.log(`[cli] ${line}`);

/** Who runs the command, for audit entries: $KANSO_OPERATOR, else the login name. */
export function operator(): { name: string } {
  return { name: process.env.KANSO_OPERATOR || process.env.USER || userInfo().username || 'unknown' };
}

/** The value after `--name` in `args`. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Runs `fn` with a small app-role pool, closed afterwards. */
export async function withDatabase<T>(appUrl: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const { createDatabase } = await import('../../src/server/db/client');
  const database = createDatabase(appUrl, 2);
  try {
    return await fn(database);
  } finally {
    await database.$client.end();
  }
}
