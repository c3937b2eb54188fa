/** `npm run cli -- audit:verify` as a real process against this file's database. */
import { describe, expect, it } from 'vitest';
import { recordAudit } from '@/server/audit/audit-service';
import { withTenant } from '@/server/db/tenant';
import { runCli } from '../test/support/cli';
import { superSql, testDb } from '../test/support/db';
import { makeUser, makeWorkspace } from '../test/support/trpc';


describe('cli audit:verify', () => {
  it('passes on a clean log and names the row after a manual UPDATE', { timeout: 120_000 }, async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    for (const to of ['B', 'C', 'D']) {
      await withTenant(testDb(), { workspaceId: ws.id, userId: user.id }, (tx) =>
        recordAudit(tx, { workspaceId: ws.id, actorId: user.id, action: 'workspace.renamed', data: { to } }),
      );
    }
    const clean = runCli('audit:verify');
    expect(clean.output).toContain('audit log intact: 1 chain(s), 3 entries verified');
    expect(clean.status).toBe(0);

    const [edited] = await superSql()<{ id: string }[]>`UPDATE audit_log SET data = '{"to":"X"}' WHERE workspace_id = ${ws.id} AND seq = 2 RETURNING id`;
    const tampered = runCli('audit:verify');
    expect(tampered.status).toBe(1);
    expect(tampered.output).toContain(`first broken link at entry seq 2 (id ${edited?.id}`);
  });
});


describe('cli jobs:*', () => {
  it('lists, shows, re-queues and purges dead letters, each retry and purge audited', { timeout: 120_000 }, async () => {
    const [a] = await superSql()<{ id: string }[]>`INSERT INTO dead_jobs (job_id, task, payload, attempts, max_attempts, last_error)
      VALUES (901, 'jobs.probe', '{"key":"cli-a"}', 5, 5, 'Error: boom') RETURNING id`;
    const [b] = await superSql()<{ id: string }[]>`INSERT INTO dead_jobs (job_id, task, payload, attempts, max_attempts, last_error)
      VALUES (902, 'jobs.probe', '{"key":"cli-b"}', 5, 5, 'Error: bang') RETURNING id`;
    const list = runCli('jobs:list');
    expect(list.status).toBe(0);
    expect(list.output).toContain(a!.id);
    expect(list.output).toContain('2 dead job(s)');
    expect(runCli('jobs:show', a!.id).output).toContain('"key": "cli-a"');

    const retry = runCli('jobs:retry', a!.id);
    expect(retry.output).toMatch(/re-queued as job \d+/);
    const [queued] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'key' = 'cli-a'`;
    expect(queued!.n).toBe(1);
    expect(runCli('jobs:retry', a!.id).status).toBe(1);

    expect(runCli('jobs:purge', b!.id).output).toContain('1 dead job(s) purged');
    expect(runCli('jobs:list').output).toContain('no dead jobs');
    const audit = await superSql()<{ action: string; operator: string }[]>`
      SELECT action, data->>'operator' AS operator FROM audit_log WHERE chain_id = '00000000-0000-0000-0000-000000000002' ORDER BY seq`;
    expect(audit).toEqual([
      { action: 'jobs.dead_letter_retried', operator: 'ops-cli' },
      { action: 'jobs.dead_letters_purged', operator: 'ops-cli' },
    ]);
    const lag = runCli('jobs:lag');
    expect(lag.status).toBe(0);
    expect(lag.output).toMatch(/queue: \d+ due/);
    // The operations chain verifies like every other (the first test tampered a workspace chain of this database on purpose).
    const verify = runCli('audit:verify');
    expect(verify.output).not.toMatch(/operations chain|registry/);
  });
});

describe('cli mail:*', () => {
  it('suppresses, reports and unsuppresses an address by hand, audited without the address', { timeout: 120_000 }, async () => {
    expect(runCli('mail:suppressed', 'Someone@Example.test').output).toContain('not suppressed');
    expect(runCli('mail:suppress', 'someone@example.test').output).toContain('the address is suppressed');
    expect(runCli('mail:suppressed', 'Someone@Example.test').output).toMatch(/suppressed since .* \(manual, from cli\)/);
    expect(runCli('mail:unsuppress', 'someone@example.test').output).toContain('off the suppression list');
    expect(runCli('mail:unsuppress', 'someone@example.test').output).toContain('was not suppressed');
    expect(runCli('mail:suppress', 'not-an-address').status).toBe(1);
    const audit = await superSql()<{ action: string; data: Record<string, unknown> }[]>`
      SELECT action, data FROM audit_log WHERE chain_id = '00000000-0000-0000-0000-000000000002' AND action LIKE 'mail.%' ORDER BY seq`;
    expect(audit).toEqual([
      { action: 'mail.address_suppressed', data: { operator: 'ops-cli', domain: 'example.test' } },
      { action: 'mail.address_unsuppressed', data: { operator: 'ops-cli', domain: 'example.test' } },
    ]);
    expect(JSON.stringify(audit)).not.toContain('someone');
  });
});
