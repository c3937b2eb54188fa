/**
 * Starts the built app for the E2E suite on a fresh database (started by playwright.config.ts):
 *
 *   1. stops what a crashed earlier run may have left in $KANSO_DATA_DIR (the web child, PostgreSQL),
 *   2. deletes $KANSO_DATA_DIR (only a folder under .data/ — never anything else),
 *   3. runs `npm start` (embedded PostgreSQL → migrations → `next start`) and exits with its code.
 *
 * It needs a prior `npm run build`; it never builds. Playwright stops it with SIGTERM to the
 * process group; the launcher then stops Next and PostgreSQL in order.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { stopStaleChild } from '../../scripts/lib/child-pids';
import { DATA_DIR } from '../../scripts/lib/database-urls';
import { stopStaleServer } from '../../scripts/lib/embedded-postgres';

const log = (line: string) => console.log(`[e2e-app] ${line}`);
const fail = (message: string): never => {
  console.error(`[e2e-app] ${message}`);
  process.exit(1);
};

const root = path.resolve('.data');
if (!process.env.KANSO_DATA_DIR || path.dirname(DATA_DIR) !== root) {
  fail(`KANSO_DATA_DIR must name a folder directly under .data/ (got ${process.env.KANSO_DATA_DIR ?? 'nothing'})`);
}
if (!existsSync(path.join('.next', 'BUILD_ID'))) {
  fail('No production build found (.next/BUILD_ID). Run `npm run build` first, then `npm run test:e2e`.');
}

await stopStaleChild('web', log);
await stopStaleServer(path.join(DATA_DIR, 'pg'), log);
rmSync(DATA_DIR, { recursive: true, force: true });
log(`fresh data directory ${path.relative(process.cwd(), DATA_DIR)}/`);

const child = spawn('npm', ['start'], { stdio: 'inherit', env: process.env });
// Playwright signals the whole process group; the launcher does the stopping. Wait for it.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
