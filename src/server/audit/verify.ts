/**
 * `npm run cli -- audit:verify`: walks every audit chain as the schema owner (which has a read-all
 * policy on the audit tables) and reports the first broken link of each.
 */
import type postgres from 'postgres';
import { ACCOUNT_CHAIN_ID } from '@/server/db/schema';
import { GENESIS_HASH, verifyChain, type ChainBreak, type ChainRow } from './hash-chain';

interface DbRow {
  id: string;
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
  entries: number;
  broken: ChainBreak | null;
  /** The chain head disagrees with the last entry (rows deleted from the end). */
  headMismatch: { headSeq: number; lastSeq: number } | null;
}

function toChainRow(r: DbRow): ChainRow {
  return {
    id: r.id,
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

export async function verifyAuditChains(sql: postgres.Sql): Promise<ChainReport[]> {
  const heads = await sql<{ chain_id: string; seq: string; hash: string }[]>`SELECT chain_id, seq, hash FROM audit_chains ORDER BY chain_id`;
  const chainIds = new Set(heads.map((h) => h.chain_id));
  const orphans = await sql<{ chain: string }[]>`
    SELECT DISTINCT coalesce(workspace_id, ${ACCOUNT_CHAIN_ID}::uuid)::text AS chain FROM audit_log`;
  for (const o of orphans) chainIds.add(o.chain);

  const reports: ChainReport[] = [];
  for (const chainId of [...chainIds].sort()) {
    const rows = (
      await sql<DbRow[]>`
        SELECT id, workspace_id, seq, actor_id, action, target_type, target_id, data, ip, request_id, prev_hash, hash, created_at
        FROM audit_log WHERE coalesce(workspace_id, ${ACCOUNT_CHAIN_ID}::uuid) = ${chainId}::uuid ORDER BY seq`
    ).map(toChainRow);
    const broken = verifyChain(rows, { prevHash: GENESIS_HASH, seq: 1 });
    const head = heads.find((h) => h.chain_id === chainId);
    const lastSeq = rows.at(-1)?.seq ?? 0;
    const headSeq = head ? Number(head.seq) : 0;
    const headMismatch = headSeq !== lastSeq || (head && rows.length > 0 && head.hash !== rows.at(-1)?.hash) ? { headSeq, lastSeq } : null;
    reports.push({ chainId, entries: rows.length, broken, headMismatch });
  }
  return reports;
}

export function describeBreak(report: ChainReport): string | null {
  const chain = report.chainId === ACCOUNT_CHAIN_ID ? 'account chain' : `workspace ${report.chainId}`;
  if (report.broken) {
    const { row } = report.broken;
    const what =
      report.broken.kind === 'content'
        ? 'its content does not match its hash (edited)'
        : report.broken.kind === 'link'
          ? 'it does not follow the previous entry (an entry before it was edited or removed)'
          : `sequence jumps to ${row.seq}, expected ${report.broken.expectedSeq} (entries removed)`;
    return `${chain}: first broken link at entry seq ${row.seq} (id ${row.id}, ${row.action}): ${what}`;
  }
  if (report.headMismatch) {
    return `${chain}: the chain head says seq ${report.headMismatch.headSeq} but the last entry is seq ${report.headMismatch.lastSeq} (entries removed from the end)`;
  }
  return null;
}
