/**
 * The audit log's hash chain (SEC-4). Each row commits to its own content and to the hash of the
 * previous row of the same workspace, so editing or deleting any row behind the app's back breaks
 * the chain at that row — `npm run cli -- audit:verify` finds the first broken link.
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
  prevHash: string;
  hash: string;
}

export type ChainBreak =
  | { kind: 'content'; row: ChainRow }
  | { kind: 'link'; row: ChainRow; expectedPrev: string }
  | { kind: 'gap'; row: ChainRow; expectedSeq: number };

/** Walks one workspace's rows in `seq` order; returns the first break, or null for an intact chain. */
export function verifyChain(rows: Iterable<ChainRow>, start: { prevHash: string; seq: number } = { prevHash: GENESIS_HASH, seq: 1 }): ChainBreak | null {
  let prev = start.prevHash;
  let expectedSeq = start.seq;
  for (const row of rows) {
    if (row.seq !== expectedSeq) return { kind: 'gap', row, expectedSeq };
    if (row.prevHash !== prev) return { kind: 'link', row, expectedPrev: prev };
    const { id: _id, prevHash: _p, hash: _h, ...content } = row;
    if (auditHash(row.prevHash, content) !== row.hash) return { kind: 'content', row };
    prev = row.hash;
    expectedSeq += 1;
  }
  return null;
}
