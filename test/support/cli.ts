/** `npm run cli -- …` as a real process against this test file's database (as operator "ops-cli"). */
import { spawnSync } from 'node:child_process';
import { testDatabase } from './db';

export function runCli(...args: string[]): { status: number | null; output: string } {
  const { appUrl, ownerUrl } = testDatabase();
  const result = spawnSync(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: appUrl, DATABASE_ADMIN_URL: ownerUrl, KANSO_OPERATOR: 'ops-cli' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
