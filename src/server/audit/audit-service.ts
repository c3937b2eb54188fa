/**
 * Writing and reading the audit log (SEC-4). `recordAudit` runs inside the transaction of the change
 * it records (pass that transaction), so an entry exists exactly when the change committed.
 *
 * Chains: one per workspace, and one per user for their account-level security events (workspace
 * null; chain id = the user's id — ADR 0014: sign-ins of different users never wait for each
 * other). Appending locks the chain's head row (`audit_chains`), so the sequence has no gaps and
 * no forks. The rows written before migration 0006 stay in the closed legacy account chain.
 */
import { and, desc, eq, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx, Tx } from '@/server/db/client';
import { placeholders, statement } from '@/server/db/prepared';
import { ACCOUNT_CHAINS_REGISTRY_ID, auditChains, auditLog, OPERATIONS_CHAIN_ID, users } from '@/server/db/schema';
import type { AuditAction } from '@/lib/audit-actions';
import { auditHash, GENESIS_HASH } from './hash-chain';

export { AUDIT_ACTIONS, type AuditAction } from '@/lib/audit-actions';

export interface AuditEntryInput {
  /** null for account-level events (sign-in, password…): they go to the actor's own chain. */
  workspaceId: string | null;
  actorId: string | null;
  action: AuditAction;
  target?: { type: string; id: string } | null;
  data?: Record<string, unknown>;
  ip?: string | null;
  requestId?: string | null;
  /** An explicit chain (only OPERATIONS_CHAIN_ID: operators' actions, no workspace, no actor). */
  chainId?: typeof OPERATIONS_CHAIN_ID;
}

export { OPERATIONS_CHAIN_ID };

/** The chain an entry belongs to: its workspace's, or for an account event its actor's. */
export function auditChainOf(entry: Pick<AuditEntryInput, 'workspaceId' | 'actorId' | 'chainId'>): string {
  const chainId = entry.chainId ?? entry.workspaceId ?? entry.actorId;
  if (!chainId) throw new Error('an account audit entry needs its actor: it is appended to their chain');
  return chainId;
}

/** The registry entry that records the opening of a user's account chain (not a user-facing action). */
export const CHAIN_OPENED_ACTION = 'audit.chain_opened';

/**
 * Appends one entry. The transaction must be scoped (withTenant) to `workspaceId`, or for account
 * events to the acting user, so row-level security admits the write.
 *
 * Two prepared statements: an upsert of the chain head that locks it and answers its seq and hash
 * (a head created by a concurrent first append is waited for, then read as committed), then the
 * entry's insert with the head's update in the same statement. A user's first account entry also
 * opens their chain in the registry (two more, once per user; the registry head is locked last).
 */
export async function recordAudit(tx: Tx, entry: AuditEntryInput): Promise<void> {
  const chainId = auditChainOf(entry);
  const seq = await appendToChain(tx, chainId, entry);
  if (entry.workspaceId === null && !entry.chainId && seq === 1) {
    await appendToChain(tx, ACCOUNT_CHAINS_REGISTRY_ID, {
      workspaceId: null,
      actorId: null,
      action: CHAIN_OPENED_ACTION,
      target: { type: 'audit_chain', id: chainId },
      requestId: entry.requestId ?? null,
    });
  }
}

/** Appends `entry` to chain `chainId`; answers the entry's seq. */
async function appendToChain(tx: Tx, chainId: string, entry: Omit<AuditEntryInput, 'action'> & { action: string }): Promise<number> {
  const [raw] = await chainHead(tx, { chainId });
  // seq is a bigint: the driver hands it over as text.
  const head = raw && { seq: Number(raw.seq), hash: raw.hash };
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
  await appendEntry(tx, { ...content, chainId, prevHash: head.hash, hash });
  return content.seq;
}

/** The chain's head, locked for this transaction (a new chain starts at the genesis hash). */
const chainHead = statement<{ chainId: string }, { seq: string; hash: string }>((tx) =>
  tx
    .insert(auditChains)
    .values({ chainId: sql.placeholder('chainId'), seq: 0, hash: GENESIS_HASH })
    .onConflictDoUpdate({ target: auditChains.chainId, set: { seq: sql`${auditChains.seq}` } })
    .returning({ seq: auditChains.seq, hash: auditChains.hash }),
);

/** The entry, and the head moved to it in the same statement (a data-modifying CTE runs whether or not it is read). */
const appendEntry = statement<Omit<typeof auditLog.$inferInsert, 'id'>>((tx) => {
  const moved = tx
    .$with('moved')
    .as(
      tx
        .update(auditChains)
        .set({ seq: sql`${sql.placeholder('seq')}`, hash: sql`${sql.placeholder('hash')}` })
        .where(eq(auditChains.chainId, sql.placeholder('chainId')))
        .returning({ chainId: auditChains.chainId }),
    );
  return tx
    .with(moved)
    .insert(auditLog)
    .values(placeholders('workspaceId', 'seq', 'actorId', 'action', 'targetType', 'targetId', 'data', 'ip', 'requestId', 'createdAt', 'chainId', 'prevHash', 'hash'));
});

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_EXPORT_LIMIT = 10_000;

export interface AuditFilter {
  action?: AuditAction;
  /** The actor's email (exact, lower-case). */
  actorEmail?: string;
  from?: Date;
  to?: Date;
  /** Cursor: the `seq` of the last row of the previous page. */
  cursor?: number;
  limit?: number;
}

export interface AuditEntry {
  id: string;
  seq: number;
  action: string;
  actor: { id: string; email: string | null; name: string | null } | null;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown>;
  ip: string | null;
  createdAt: Date;
}

/** One workspace's entries, newest first, filtered and bounded (API-4). The tx must be scoped to it. */
export async function listAudit(tx: DbOrTx, workspaceId: string, filter: AuditFilter): Promise<AuditEntry[]> {
  const conditions: SQL[] = [eq(auditLog.workspaceId, workspaceId)];
  if (filter.action) conditions.push(eq(auditLog.action, filter.action));
  if (filter.actorEmail) conditions.push(eq(users.email, filter.actorEmail));
  if (filter.from) conditions.push(gte(auditLog.createdAt, filter.from));
  if (filter.to) conditions.push(lte(auditLog.createdAt, filter.to));
  if (filter.cursor !== undefined) conditions.push(lt(auditLog.seq, filter.cursor));
  const rows = await tx
    .select({ entry: auditLog, actorEmail: users.email, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(...conditions))
    .orderBy(desc(auditLog.seq))
    .limit(Math.min(filter.limit ?? AUDIT_PAGE_SIZE, AUDIT_EXPORT_LIMIT));
  return rows.map(({ entry, actorEmail, actorName }) => ({
    id: entry.id,
    seq: entry.seq,
    action: entry.action,
    actor: entry.actorId ? { id: entry.actorId, email: actorEmail, name: actorName } : null,
    targetType: entry.targetType,
    targetId: entry.targetId,
    data: entry.data,
    ip: entry.ip,
    createdAt: entry.createdAt,
  }));
}

export async function listAuditPage(tx: DbOrTx, workspaceId: string, filter: AuditFilter): Promise<{ items: AuditEntry[]; nextCursor: number | null }> {
  const limit = Math.min(filter.limit ?? AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE);
  const items = await listAudit(tx, workspaceId, { ...filter, limit: limit + 1 });
  const page = items.slice(0, limit);
  return { items: page, nextCursor: items.length > limit ? (page.at(-1)?.seq ?? null) : null };
}

/** A CSV cell: quoted when needed, and formula-looking values defused (CSV injection). */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(entries: AuditEntry[]): string {
  const header = ['seq', 'created_at', 'action', 'actor_email', 'actor_id', 'target_type', 'target_id', 'ip', 'data'];
  const lines = entries.map((e) =>
    [e.seq, e.createdAt, e.action, e.actor?.email, e.actor?.id, e.targetType, e.targetId, e.ip, e.data].map(csvCell).join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

/** The filtered log as CSV; recorded as `audit.exported` in the same transaction. */
export async function exportAuditCsv(
  tx: Tx,
  workspace: { id: string; slug: string },
  filter: Omit<AuditFilter, 'cursor' | 'limit'>,
  actor: { actorId: string; ip: string | null; requestId: string },
): Promise<{ filename: string; csv: string; rows: number; truncated: boolean }> {
  const entries = await listAudit(tx, workspace.id, { ...filter, limit: AUDIT_EXPORT_LIMIT + 1 });
  const truncated = entries.length > AUDIT_EXPORT_LIMIT;
  const rows = entries.slice(0, AUDIT_EXPORT_LIMIT);
  await recordAudit(tx, {
    workspaceId: workspace.id,
    actorId: actor.actorId,
    action: 'audit.exported',
    data: { rows: rows.length, filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() } },
    ip: actor.ip,
    requestId: actor.requestId,
  });
  const day = new Date().toISOString().slice(0, 10);
  return { filename: `kanso-audit-${workspace.slug}-${day}.csv`, csv: toCsv(rows), rows: rows.length, truncated };
}
