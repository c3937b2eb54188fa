/** `npm run cli -- audit:verify` as a real process against this file's database. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { recordAudit } from '@/server/audit/audit-service';
import { withTenant } from '@/server/db/tenant';
import { superSql, testDatabase, testDb } from '../test/support/db';
import { makeUser, makeWorkspace } from '../test/support/trpc';

function auditVerify() {
  const { appUrl, ownerUrl } = testDatabase();
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'audit:verify'], {
    env: { ...process.env, DATABASE_URL: appUrl, DATABASE_ADMIN_URL: ownerUrl },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('cli audit:verify', () => {
  it('passes on a clean log and names the row after a manual UPDATE', { timeout: 120_000 }, async () => {
    const user = await makeUser();
    const ws = await makeWorkspace([{ userId: user.id, role: 'owner' }]);
    for (const to of ['B', 'C', 'D']) {
      await withTenant(testDb(), { workspaceId: ws.id, userId: user.id }, (tx) =>
        recordAudit(tx, { workspaceId: ws.id, actorId: user.id, action: 'workspace.renamed', data: { to } }),
      );
    }
    const clean = auditVerify();
    expect(clean.output).toContain('audit log intact: 1 chain(s), 3 entries verified');
    expect(clean.status).toBe(0);

    const [edited] = await superSql()<{ id: string }[]>`UPDATE audit_log SET data = '{"to":"X"}' WHERE workspace_id = ${ws.id} AND seq = 2 RETURNING id`;
    const tampered = auditVerify();
    expect(tampered.status).toBe(1);
    expect(tampered.output).toContain(`first broken link at entry seq 2 (id ${edited?.id}`);
  });
});
