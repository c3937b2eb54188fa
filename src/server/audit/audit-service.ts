/**
 * Writing and reading the audit log (SEC-4). `recordAudit` runs inside the transaction of the change
 * it records (pass that transaction), so an entry exists exactly when the change committed.
 *
 * Chains: one per workspace, and one for account-level security events (workspace null). Appending
 * locks the chain's head row (`audit_chains`), so the sequence has no gaps and no forks.
 */
import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import { ACCOUNT_CHAIN_ID, auditChains, auditLog } from '@/server/db/schema';
import { auditHash, GENESIS_HASH } from './hash-chain';

export const AUDIT_ACTIONS = [
  // account and security
  'auth.signed_up',
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.signed_out',
  'auth.email_verified',
  'auth.password_changed',
  'auth.password_reset',
  'auth.sessions_revoked',
  // workspace
  'workspace.created',
  'workspace.renamed',
  'workspace.deleted',
  'workspace.ownership_transferred',
  // membership
  'member.joined',
  'member.role_changed',
  'member.removed',
  'member.left',
  // invitations
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'invite_link.created',
  'invite_link.revoked',
  'invite_link.used',
  // exports
  'audit.exported',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntryInput {
  /** null for account-level events (sign-in, password…). */
  workspaceId: string | null;
  actorId: string | null;
  action: AuditAction;
  target?: { type: string; id: string } | null;
  data?: Record<string, unknown>;
  ip?: string | null;
  requestId?: string | null;
}

/**
 * Appends one entry. The transaction must be scoped (withTenant) to `workspaceId`, or for account
 * events to the acting user, so row-level security admits the write.
 */
export async function recordAudit(tx: Tx, entry: AuditEntryInput): Promise<void> {
  const chainId = entry.workspaceId ?? ACCOUNT_CHAIN_ID;
  await tx.insert(auditChains).values({ chainId, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing();
  const [head] = await tx.select().from(auditChains).where(eq(auditChains.chainId, chainId)).for('update');
  if (!head) throw new Error(`audit chain ${chainId} is not visible to this transaction (is it scoped?)`);
  const content = {
    workspaceId: entry.workspaceId,
    seq: head.seq + 1,
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    data: entry.data ?? {},
    ip: entry.ip ?? null,
    requestId: entry.requestId ?? null,
    createdAt: new Date(),
  };
  const hash = auditHash(head.hash, content);
  await tx.insert(auditLog).values({ ...content, prevHash: head.hash, hash });
  await tx.update(auditChains).set({ seq: content.seq, hash }).where(eq(auditChains.chainId, chainId));
}

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_EXPORT_LIMIT = 10_000;

export interface AuditFilter {
  action?: AuditAction;
  actorId?: string;
  from?: Date;
  to?: Date;
  /** Cursor: the `seq` of the last row of the previous page. */
  beforeSeq?: number;
  limit?: number;
}

export type AuditRow = typeof auditLog.$inferSelect;

/** One workspace's entries, newest first, filtered and bounded (API-4). */
export async function listAudit(tx: Tx, workspaceId: string, filter: AuditFilter): Promise<AuditRow[]> {
  const conditions: SQL[] = [eq(auditLog.workspaceId, workspaceId)];
  if (filter.action) conditions.push(eq(auditLog.action, filter.action));
  if (filter.actorId) conditions.push(eq(auditLog.actorId, filter.actorId));
  if (filter.from) conditions.push(gte(auditLog.createdAt, filter.from));
  if (filter.to) conditions.push(lte(auditLog.createdAt, filter.to));
  if (filter.beforeSeq !== undefined) conditions.push(lt(auditLog.seq, filter.beforeSeq));
  return tx
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.seq))
    .limit(Math.min(filter.limit ?? AUDIT_PAGE_SIZE, AUDIT_EXPORT_LIMIT));
}

