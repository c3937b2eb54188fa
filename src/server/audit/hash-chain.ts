/**
 * The audit log's hash chain (SEC-4). Each row commits to its own content and to the hash of the
 * previous row of the same chain (a workspace's, or a user's account chain), so editing, deleting
 * or reordering any row behind the app's back breaks the chain at that row — and a row moved to
 * another chain no longer belongs where it is filed — `npm run cli -- audit:verify` finds the
 * first broken link.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditContent {
  workspaceId: string | null;
  seq: number;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
  createdAt: Date;
}

/** JSON with keys sorted at every depth: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function auditHash(prevHash: string, content: AuditContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}

export interface ChainRow extends AuditContent {
  id: string;
  /** The chain the row is filed under (not hashed: it must agree with the hashed workspace/actor). */
  chainId: string;
  prevHash: string;
  hash: string;
}

export type ChainBreak =
  | { kind: 'content'; row: ChainRow }
  | { kind: 'link'; row: ChainRow; expectedPrev: string }
  | { kind: 'gap'; row: ChainRow; expectedSeq: number }
  /** Filed under a chain its own (hashed) content does not belong to. */
  | { kind: 'chain'; row: ChainRow };

/** The chains with fixed ids (src/server/db/schema/teams.ts). */
export interface SpecialChains {
  /** The closed pre-0006 account chain: account rows of any actor may sit there. */
  legacyAccount: string;
  /** The registry of opened per-user account chains: `audit.chain_opened` rows without an actor. */
  registry: string;
  /** The operations chain: operators' actions, without a workspace or an actor. */
  operations: string;
}

/**
 * Whether a row's hashed content belongs to the chain it is filed under: its workspace's, or for an
 * account event its actor's (or the legacy account chain's), or the registry's for a chain opening.
 */
export function belongsTo(row: ChainRow, chains: SpecialChains): boolean {
  if (row.chainId === chains.registry) return row.workspaceId === null && row.actorId === null && row.action === 'audit.chain_opened' && row.targetType === 'audit_chain';
  if (row.chainId === chains.operations) return row.workspaceId === null && row.actorId === null && row.action !== 'audit.chain_opened';
  if (row.workspaceId !== null) return row.chainId === row.workspaceId;
  return row.chainId === row.actorId || row.chainId === chains.legacyAccount;
}

export interface ChainStart {
  prevHash: string;
  seq: number;
  /** When given, every row must also belong to the chain it is filed under (`belongsTo`). */
  chains?: SpecialChains;
}

/**
 * Walks one chain's rows in `seq` order, one at a time (`push` answers the first break, then keeps
 * answering it): for chains too long to hold in memory.
 */
export function chainVerifier(start: ChainStart = { prevHash: GENESIS_HASH, seq: 1 }): { push(row: ChainRow): ChainBreak | null; readonly broken: ChainBreak | null } {
  let prev = start.prevHash;
  let expectedSeq = start.seq;
  let broken: ChainBreak | null = null;
  const check = (row: ChainRow): ChainBreak | null => {
    if (start.chains && !belongsTo(row, start.chains)) return { kind: 'chain', row };
    if (row.seq !== expectedSeq) return { kind: 'gap', row, expectedSeq };
    if (row.prevHash !== prev) return { kind: 'link', row, expectedPrev: prev };
    const { id: _id, chainId: _c, prevHash: _p, hash: _h, ...content } = row;
    if (auditHash(row.prevHash, content) !== row.hash) return { kind: 'content', row };
    return null;
  };
  return {
    push(row) {
      if (broken) return broken;
      broken = check(row);
      prev = row.hash;
      expectedSeq += 1;
      return broken;
    },
    get broken() {
      return broken;
    },
  };
}

/** Walks one chain's rows in `seq` order; returns the first break, or null for an intact chain. */
export function verifyChain(rows: Iterable<ChainRow>, start: ChainStart = { prevHash: GENESIS_HASH, seq: 1 }): ChainBreak | null {
  const verifier = chainVerifier(start);
  for (const row of rows) if (verifier.push(row)) break;
  return verifier.broken;
}
