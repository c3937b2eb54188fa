/**
 * `npm run cli -- audit:verify`: walks every audit chain as the schema owner (which has a read-all
 * policy on the audit tables) and reports the first broken link of each.
 *
 * Chains: one per workspace, one per user for account events (ADR 0014), the registry in which
 * each user's chain was opened, and the closed account chain of the rows written before per-user
 * chains. The rows are read in one pass ordered by (chain, seq), in batches, so thousands of small
 * per-user chains cost one query, not one each. Every user's chain must be in the registry and
 * every chain in the registry must still exist: a chain removed whole (entries and head) is found.
 */
import type postgres from 'postgres';
import { ACCOUNT_CHAIN_ID, ACCOUNT_CHAINS_REGISTRY_ID, OPERATIONS_CHAIN_ID } from '@/server/db/schema';
import { chainVerifier, GENESIS_HASH, type ChainBreak, type ChainRow, type SpecialChains } from './hash-chain';

const CHAINS: SpecialChains = { legacyAccount: ACCOUNT_CHAIN_ID, registry: ACCOUNT_CHAINS_REGISTRY_ID, operations: OPERATIONS_CHAIN_ID };

interface DbRow {
  id: string;
  chain_id: string;
  workspace_id: string | null;
  seq: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  data: Record<string, unknown>;
  ip: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
  created_at: Date;
}

export interface ChainReport {
  chainId: string;
  /** What the chain's rows say it is ('unknown': a head without rows, not in the registry). */
  kind: 'workspace' | 'account' | 'legacy_account' | 'registry' | 'operations' | 'unknown';
  entries: number;
  broken: ChainBreak | null;
  /** The chain head disagrees with the last entry (rows deleted from the end). */
  headMismatch: { headSeq: number; lastSeq: number } | null;
  /**
   * A user's account chain that the registry does not name (`not_opened`: a forged chain), or one
   * the registry opened that has neither entries nor head any more (`removed`: deleted whole).
   */
  registry: 'not_opened' | 'removed' | null;
}

function toChainRow(r: DbRow): ChainRow {
  return {
    id: r.id,
    chainId: r.chain_id,
    workspaceId: r.workspace_id,
    seq: Number(r.seq),
    actorId: r.actor_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    data: r.data,
    ip: r.ip,
    requestId: r.request_id,
    prevHash: r.prev_hash,
    hash: r.hash,
    createdAt: r.created_at,
  };
}

/** Rows per batch of the one ordered read. */
const BATCH = 2000;

export async function verifyAuditChains(sql: postgres.Sql): Promise<ChainReport[]> {
  const heads = new Map(
    (await sql<{ chain_id: string; seq: string; hash: string }[]>`SELECT chain_id, seq, hash FROM audit_chains`).map((h) => [h.chain_id, h]),
  );
  const reports = new Map<string, ChainReport>();
  /** Chains the registry says were opened. */
  const opened = new Set<string>();
  let walking: { report: ChainReport; verifier: ReturnType<typeof chainVerifier>; last: ChainRow | null } | null = null;

  const finish = () => {
    if (!walking) return;
    const { report, last } = walking;
    report.broken = walking.verifier.broken;
    const head = heads.get(report.chainId);
    const lastSeq = last?.seq ?? 0;
    const headSeq = head ? Number(head.seq) : 0;
    if (headSeq !== lastSeq || (head && last && head.hash !== last.hash)) report.headMismatch = { headSeq, lastSeq };
    walking = null;
  };

  await sql<DbRow[]>`
    SELECT id, chain_id, workspace_id, seq, actor_id, action, target_type, target_id, data, ip, request_id, prev_hash, hash, created_at
    FROM audit_log ORDER BY chain_id, seq`.cursor(BATCH, (batch) => {
    for (const row of batch.map(toChainRow)) {
      if (walking?.report.chainId !== row.chainId) {
        finish();
        const report: ChainReport = { chainId: row.chainId, kind: kindOf(row), entries: 0, broken: null, headMismatch: null, registry: null };
        reports.set(row.chainId, report);
        walking = { report, verifier: chainVerifier({ prevHash: GENESIS_HASH, seq: 1, chains: CHAINS }), last: null };
      }
      if (row.chainId === ACCOUNT_CHAINS_REGISTRY_ID && row.targetId) opened.add(row.targetId);
      walking.report.entries += 1;
      walking.verifier.push(row);
      walking.last = row;
    }
  });
  finish();

  // Heads whose rows are all gone.
  for (const [chainId, head] of heads) {
    if (!reports.has(chainId)) {
      const headSeq = Number(head.seq);
      const kind =
        chainId === ACCOUNT_CHAIN_ID
          ? 'legacy_account'
          : chainId === ACCOUNT_CHAINS_REGISTRY_ID
            ? 'registry'
            : chainId === OPERATIONS_CHAIN_ID
              ? 'operations'
              : opened.has(chainId)
                ? 'account'
                : 'unknown';
      reports.set(chainId, { chainId, kind, entries: 0, broken: null, headMismatch: headSeq !== 0 ? { headSeq, lastSeq: 0 } : null, registry: null });
    }
  }
  // The registry, both ways.
  for (const report of reports.values()) if (report.kind === 'account' && !opened.has(report.chainId)) report.registry = 'not_opened';
  for (const chainId of opened) {
    if (!reports.has(chainId)) reports.set(chainId, { chainId, kind: 'account', entries: 0, broken: null, headMismatch: null, registry: 'removed' });
  }
  return [...reports.values()].sort((a, b) => (a.chainId < b.chainId ? -1 : a.chainId > b.chainId ? 1 : 0));
}

function kindOf(row: ChainRow): ChainReport['kind'] {
  if (row.chainId === ACCOUNT_CHAIN_ID) return 'legacy_account';
  if (row.chainId === ACCOUNT_CHAINS_REGISTRY_ID) return 'registry';
  if (row.chainId === OPERATIONS_CHAIN_ID) return 'operations';
  return row.workspaceId !== null ? 'workspace' : 'account';
}

function chainLabel(report: ChainReport): string {
  switch (report.kind) {
    case 'legacy_account':
      return 'account chain (before per-user chains)';
    case 'registry':
      return 'registry of account chains';
    case 'operations':
      return 'operations chain';
    case 'account':
      return `account chain of user ${report.chainId}`;
    case 'workspace':
      return `workspace ${report.chainId}`;
    default:
      return `chain ${report.chainId}`;
  }
}

export function describeBreak(report: ChainReport): string | null {
  const chain = chainLabel(report);
  if (report.broken) {
    const { row } = report.broken;
    const what =
      report.broken.kind === 'content'
        ? 'its content does not match its hash (edited)'
        : report.broken.kind === 'link'
          ? 'it does not follow the previous entry (an entry before it was edited, removed or moved)'
          : report.broken.kind === 'chain'
            ? 'it is filed under a chain its content does not belong to (moved between chains)'
            : `sequence jumps to ${row.seq}, expected ${report.broken.expectedSeq} (entries removed or reordered)`;
    return `${chain}: first broken link at entry seq ${row.seq} (id ${row.id}, ${row.action}): ${what}`;
  }
  if (report.headMismatch) {
    return `${chain}: the chain head says seq ${report.headMismatch.headSeq} but the last entry is seq ${report.headMismatch.lastSeq} (entries removed from the end)`;
  }
  if (report.registry === 'removed') return `${chain}: opened in the registry, but its entries and its head are gone (removed whole)`;
  if (report.registry === 'not_opened') return `${chain}: not opened in the registry of account chains (not written by the app)`;
  return null;
}
