import { beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '@/server/db/tenant';
import { adminSql, superSql, testDb } from '../../../test/support/db';
import { makeUser, makeWorkspace } from '../../../test/support/trpc';
import { listAudit, recordAudit } from './audit-service';
import { describeBreak, verifyAuditChains } from './verify';

describe('audit log', () => {
  let workspaceId = '';
  let actorId = '';

  beforeEach(async () => {
    await superSql()`TRUNCATE audit_log, audit_chains`;
    const user = await makeUser();
    actorId = user.id;
    workspaceId = (await makeWorkspace([{ userId: user.id, role: 'owner' }])).id;
  });

  const append = (action: 'workspace.renamed' | 'member.removed', data: Record<string, unknown> = {}) =>
    withTenant(testDb(), { workspaceId, userId: actorId }, (tx) =>
      recordAudit(tx, { workspaceId, actorId, action, target: { type: 'workspace', id: workspaceId }, data }),
    );

  it('chains entries with consecutive sequence numbers and verifies clean', async () => {
    await append('workspace.renamed', { from: 'A', to: 'B' });
    await append('workspace.renamed', { from: 'B', to: 'C' });
    await append('member.removed', { userId: 'x' });
    const rows = await withTenant(testDb(), { workspaceId }, (tx) => listAudit(tx, workspaceId, {}));
    expect(rows.map((r) => r.seq)).toEqual([3, 2, 1]);
    expect(rows[1]?.prevHash).toBe(rows[2]?.hash);
    const reports = await verifyAuditChains(adminSql());
    expect(reports.map(describeBreak).filter(Boolean)).toEqual([]);
    expect(reports.find((r) => r.chainId === workspaceId)?.entries).toBe(3);
  });

  it('keeps a gap-free sequence under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => append('workspace.renamed', { i })));
    const rows = await withTenant(testDb(), { workspaceId }, (tx) => listAudit(tx, workspaceId, {}));
    expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await verifyAuditChains(adminSql())).map(describeBreak).filter(Boolean)).toEqual([]);
  });

  it('names the edited entry after an UPDATE behind the app’s back', async () => {
    await append('workspace.renamed', { to: 'B' });
    await append('workspace.renamed', { to: 'C' });
    await append('workspace.renamed', { to: 'D' });
    await superSql()`UPDATE audit_log SET data = '{"to":"Evil"}' WHERE workspace_id = ${workspaceId} AND seq = 2`;
    const problems = (await verifyAuditChains(adminSql())).map(describeBreak).filter(Boolean);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('seq 2');
    expect(problems[0]).toContain('edited');
  });

  it('detects a deleted entry', async () => {
    await append('workspace.renamed');
    await append('workspace.renamed');
    await append('workspace.renamed');
    await superSql()`DELETE FROM audit_log WHERE workspace_id = ${workspaceId} AND seq = 2`;
    const problems = (await verifyAuditChains(adminSql())).map(describeBreak).filter(Boolean);
    expect(problems[0]).toMatch(/seq 3/);
  });

  it('keeps account events in their own chain, readable by their actor only', async () => {
    await withTenant(testDb(), { userId: actorId }, (tx) => recordAudit(tx, { workspaceId: null, actorId, action: 'auth.signed_in', ip: '127.0.0.1' }));
    const other = await makeUser();
    const mine = await withTenant(testDb(), { userId: actorId }, (tx) => tx.query.auditLog.findMany());
    const theirs = await withTenant(testDb(), { userId: other.id }, (tx) => tx.query.auditLog.findMany());
    expect(mine.map((r) => r.action)).toEqual(['auth.signed_in']);
    expect(theirs).toEqual([]);
  });
});
