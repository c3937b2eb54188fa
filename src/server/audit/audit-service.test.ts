import { beforeEach, describe, expect, it } from 'vitest';
import { withTenant } from '@/server/db/tenant';
import { adminSql, superSql, testDb } from '../../../test/support/db';
import { makeUser, makeWorkspace } from '../../../test/support/trpc';
import { exportAuditCsv, listAudit, listAuditPage, recordAudit } from './audit-service';
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
    const raw = await superSql()<{ seq: string; prev_hash: string; hash: string }[]>`SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq`;
    expect(raw[1]?.prev_hash).toBe(raw[0]?.hash);
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

  it('exports the filtered log as CSV, defusing formulas, and audits the export', async () => {
    await append('workspace.renamed', { to: '=HYPERLINK("evil")' });
    await append('member.removed', { userId: 'u1' });
    const result = await withTenant(testDb(), { workspaceId, userId: actorId }, (tx) =>
      exportAuditCsv(tx, { id: workspaceId, slug: 'acme' }, { action: 'workspace.renamed' }, { actorId, ip: null, requestId: 'r1' }),
    );
    const lines = result.csv.trim().split('\r\n');
    expect(lines[0]).toBe('seq,created_at,action,actor_email,actor_id,target_type,target_id,ip,data');
    expect(result.rows).toBe(1);
    expect(lines[1]).toContain('workspace.renamed');
    expect(lines[1]).not.toContain(',=');
    const after = await withTenant(testDb(), { workspaceId }, (tx) => listAudit(tx, workspaceId, { action: 'audit.exported' }));
    expect(after).toHaveLength(1);
  });

  it('pages newest first with a cursor', async () => {
    for (let i = 0; i < 5; i++) await append('workspace.renamed', { i });
    const first = await withTenant(testDb(), { workspaceId }, (tx) => listAuditPage(tx, workspaceId, { limit: 2 }));
    expect(first.items.map((e) => e.seq)).toEqual([5, 4]);
    const second = await withTenant(testDb(), { workspaceId }, (tx) => listAuditPage(tx, workspaceId, { limit: 2, cursor: first.nextCursor ?? 0 }));
    expect(second.items.map((e) => e.seq)).toEqual([3, 2]);
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
