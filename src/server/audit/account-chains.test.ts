/**
 * Account audit chains per user (SEC-4, ADR 0014): each user's account events form a chain of their
 * own, so appends of different users never wait on one lock, and `audit:verify` still finds an
 * edited, deleted, reordered or moved row, a chain removed whole (the registry of opened chains)
 * or forged — also in the closed pre-0006 account chain.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { databaseErrorCode } from '@/server/db/errors';
import { ACCOUNT_CHAIN_ID, ACCOUNT_CHAINS_REGISTRY_ID, auditChains, auditLog } from '@/server/db/schema';
import { withTenant } from '@/server/db/tenant';
import { adminSql, superSql, testDb } from '../../../test/support/db';
import { makeUser } from '../../../test/support/trpc';
import { recordAudit } from './audit-service';
import { auditHash, GENESIS_HASH, type AuditContent } from './hash-chain';
import { describeBreak, verifyAuditChains } from './verify';

const signedIn = (userId: string, n: number) =>
  withTenant(testDb(), { userId }, (tx) => recordAudit(tx, { workspaceId: null, actorId: userId, action: 'auth.signed_in', data: { n } }));

async function problems(): Promise<string[]> {
  return (await verifyAuditChains(adminSql())).map(describeBreak).filter((p): p is string => p !== null);
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

beforeEach(async () => {
  await superSql()`TRUNCATE audit_log, audit_chains`;
});

describe('account audit chains', () => {
  it('gives every user a chain of their own (chain id = user id, seq from 1) that verifies clean', async () => {
    const [ada, bo] = [await makeUser(), await makeUser()];
    await signedIn(ada.id, 1);
    await signedIn(bo.id, 1);
    await signedIn(ada.id, 2);
    const rows = await superSql()<{ chain_id: string; actor_id: string; seq: string }[]>`SELECT chain_id, actor_id, seq FROM audit_log WHERE chain_id <> ${ACCOUNT_CHAINS_REGISTRY_ID} ORDER BY chain_id, seq`;
    expect(rows.every((r) => r.chain_id === r.actor_id)).toBe(true);
    expect(rows.filter((r) => r.chain_id === ada.id).map((r) => Number(r.seq))).toEqual([1, 2]);
    expect(rows.filter((r) => r.chain_id === bo.id).map((r) => Number(r.seq))).toEqual([1]);
    const reports = await verifyAuditChains(adminSql());
    expect(reports.map((r) => [r.chainId, r.kind, r.entries]).sort()).toEqual(
      [
        [ada.id, 'account', 2],
        [bo.id, 'account', 1],
        [ACCOUNT_CHAINS_REGISTRY_ID, 'registry', 2],
      ].sort(),
    );
    expect(await problems()).toEqual([]);
  });

  it('opens each user’s chain once in the registry, in an entry that is no one’s account entry', async () => {
    const [ada, bo] = [await makeUser(), await makeUser()];
    await signedIn(ada.id, 1);
    await signedIn(ada.id, 2);
    await signedIn(bo.id, 1);
    const registry = await superSql()<{ seq: string; actor_id: string | null; action: string; target_id: string }[]>`
      SELECT seq, actor_id, action, target_id FROM audit_log WHERE chain_id = ${ACCOUNT_CHAINS_REGISTRY_ID} ORDER BY seq`;
    expect(registry.map((r) => [Number(r.seq), r.actor_id, r.action, r.target_id])).toEqual([
      [1, null, 'audit.chain_opened', ada.id],
      [2, null, 'audit.chain_opened', bo.id],
    ]);
    const seenByAda = await withTenant(testDb(), { userId: ada.id }, (tx) => tx.query.auditLog.findMany());
    expect(seenByAda.map((r) => [r.chainId, r.action])).toEqual([
      [ada.id, 'auth.signed_in'],
      [ada.id, 'auth.signed_in'],
    ]);
    // The app may open only the chain of the user it is scoped to.
    const forged = withTenant(testDb(), { userId: ada.id }, (tx) =>
      tx.insert(auditLog).values({ chainId: ACCOUNT_CHAINS_REGISTRY_ID, workspaceId: null, seq: 3, actorId: null, action: 'audit.chain_opened', targetType: 'audit_chain', targetId: bo.id, prevHash: GENESIS_HASH, hash: GENESIS_HASH, createdAt: new Date() }),
    );
    expect(await forged.then(() => 'inserted', (error: unknown) => databaseErrorCode(error))).toBe('42501');
  });

  it('finds a user’s chain removed whole (entries and head), and a chain the registry never opened', async () => {
    const [ada, bo] = [await makeUser(), await makeUser()];
    await signedIn(ada.id, 1);
    await signedIn(bo.id, 1);
    await signedIn(bo.id, 2);
    await superSql()`DELETE FROM audit_log WHERE chain_id = ${bo.id}`;
    await superSql()`DELETE FROM audit_chains WHERE chain_id = ${bo.id}`;
    expect(await problems()).toEqual([`account chain of user ${bo.id}: opened in the registry, but its entries and its head are gone (removed whole)`]);

    await superSql()`TRUNCATE audit_log, audit_chains`;
    await signedIn(ada.id, 1);
    // A well-formed chain for Bo written behind the app's back: hashes right, but never opened.
    const content: AuditContent = { workspaceId: null, seq: 1, actorId: bo.id, action: 'auth.signed_in', targetType: null, targetId: null, data: {}, ip: null, requestId: null, createdAt: new Date(Date.UTC(2026, 11, 1)) };
    const hash = auditHash(GENESIS_HASH, content);
    await superSql()`
      INSERT INTO audit_log (chain_id, workspace_id, seq, actor_id, action, data, prev_hash, hash, created_at)
      VALUES (${bo.id}, NULL, 1, ${bo.id}, 'auth.signed_in', '{}'::jsonb, ${GENESIS_HASH}, ${hash}, ${content.createdAt})`;
    await superSql()`INSERT INTO audit_chains (chain_id, seq, hash) VALUES (${bo.id}, 1, ${hash})`;
    expect(await problems()).toEqual([`account chain of user ${bo.id}: not opened in the registry of account chains (not written by the app)`]);
  });

  it('does not make one user wait for another: only the same user’s chain is locked', async () => {
    const [ada, bo] = [await makeUser(), await makeUser()];
    await signedIn(ada.id, 0);
    const held = deferred();
    const appended = deferred();
    // Ada's sign-in transaction has appended and not committed yet: it holds her chain's head.
    const adaOpen = withTenant(testDb(), { userId: ada.id }, async (tx) => {
      await recordAudit(tx, { workspaceId: null, actorId: ada.id, action: 'auth.signed_in', data: { n: 1 } });
      appended.resolve();
      await held.promise;
    });
    await appended.promise;
    const withoutWaiting = (userId: string) =>
      withTenant(testDb(), { userId }, async (tx) => {
        // Waiting for a lock fails this transaction at once (55P03) instead of blocking.
        await tx.execute(sql`SET LOCAL lock_timeout = '300ms'`);
        await recordAudit(tx, { workspaceId: null, actorId: userId, action: 'auth.signed_in', data: { n: 2 } });
      }).then(
        () => 'appended',
        (error: unknown) => databaseErrorCode(error) ?? String(error),
      );
    try {
      // Bo's append goes through while Ada's chain is locked; a second one of Ada's has to wait.
      expect(await withoutWaiting(bo.id)).toBe('appended');
      expect(await withoutWaiting(ada.id)).toBe('55P03');
    } finally {
      held.resolve();
      await adaOpen;
    }
    expect(await problems()).toEqual([]);
  });

  it('finds an edited, a deleted and a reordered entry of a user’s chain', async () => {
    const user = await makeUser();
    for (let n = 1; n <= 4; n += 1) await signedIn(user.id, n);
    const edit = () => superSql()`UPDATE audit_log SET data = '{"n":99}' WHERE chain_id = ${user.id} AND seq = 2`;
    await edit();
    expect(await problems()).toEqual([expect.stringMatching(new RegExp(`account chain of user ${user.id}: first broken link at entry seq 2 .*edited`))]);

    await superSql()`TRUNCATE audit_log, audit_chains`;
    for (let n = 1; n <= 4; n += 1) await signedIn(user.id, n);
    await superSql()`DELETE FROM audit_log WHERE chain_id = ${user.id} AND seq = 2`;
    expect(await problems()).toEqual([expect.stringMatching(/first broken link at entry seq 3 .*expected 2/)]);

    await superSql()`TRUNCATE audit_log, audit_chains`;
    for (let n = 1; n <= 4; n += 1) await signedIn(user.id, n);
    // Swap entries 1 and 2 (through a free number: (chain, seq) is unique).
    await superSql()`UPDATE audit_log SET seq = 1000 WHERE chain_id = ${user.id} AND seq = 1`;
    await superSql()`UPDATE audit_log SET seq = 1 WHERE chain_id = ${user.id} AND seq = 2`;
    await superSql()`UPDATE audit_log SET seq = 2 WHERE chain_id = ${user.id} AND seq = 1000`;
    expect(await problems()).toEqual([expect.stringMatching(/first broken link at entry seq 1 .*does not follow the previous entry/)]);

    await superSql()`TRUNCATE audit_log, audit_chains`;
    for (let n = 1; n <= 4; n += 1) await signedIn(user.id, n);
    await superSql()`DELETE FROM audit_log WHERE chain_id = ${user.id} AND seq = 4`;
    expect(await problems()).toEqual([expect.stringMatching(/head says seq 4 but the last entry is seq 3/)]);
  });

  it('finds an entry moved from one user’s chain to another’s', async () => {
    const [ada, bo] = [await makeUser(), await makeUser()];
    for (let n = 1; n <= 3; n += 1) await signedIn(ada.id, n);
    for (let n = 1; n <= 2; n += 1) await signedIn(bo.id, n);
    await superSql()`UPDATE audit_log SET chain_id = ${bo.id} WHERE chain_id = ${ada.id} AND seq = 3`;
    const found = await problems();
    expect(found).toHaveLength(2);
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`account chain of user ${ada.id}: the chain head says seq 3 but the last entry is seq 2`)));
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`account chain of user ${bo.id}: first broken link at entry seq 3 .*filed under a chain its content does not belong to`)));
  });

  it('refuses an account entry without an actor (it has no chain to go to)', async () => {
    await expect(withTenant(testDb(), {}, (tx) => recordAudit(tx, { workspaceId: null, actorId: null, action: 'auth.signed_in' }))).rejects.toThrow(/needs its actor/);
  });
});

describe('the closed account chain of entries written before per-user chains', () => {
  /** Two users' entries in the one old chain, hashed as the app hashed them then. */
  async function legacyChain(actors: string[]) {
    let prev = GENESIS_HASH;
    const ids: string[] = [];
    for (const [i, actorId] of actors.entries()) {
      const content: AuditContent = {
        workspaceId: null,
        seq: i + 1,
        actorId,
        action: 'auth.signed_in',
        targetType: 'user',
        targetId: actorId,
        data: { method: 'password' },
        ip: null,
        requestId: null,
        createdAt: new Date(Date.UTC(2026, 10, 1, 12, i)),
      };
      const hash = auditHash(prev, content);
      const id = randomUUID();
      await superSql()`
        INSERT INTO audit_log (id, chain_id, workspace_id, seq, actor_id, action, target_type, target_id, data, ip, request_id, prev_hash, hash, created_at)
        VALUES (${id}, ${ACCOUNT_CHAIN_ID}, NULL, ${content.seq}, ${actorId}, ${content.action}, 'user', ${actorId}, ${superSql().json({ method: 'password' })}, NULL, NULL, ${prev}, ${hash}, ${content.createdAt})`;
      ids.push(id);
      prev = hash;
    }
    await superSql()`INSERT INTO audit_chains (chain_id, seq, hash) VALUES (${ACCOUNT_CHAIN_ID}, ${actors.length}, ${prev})`;
    return ids;
  }

  it('still verifies, and still finds an edited entry in it', async () => {
    const [ada, bo] = [await makeUser(), await makeUser()];
    await legacyChain([ada.id, bo.id, ada.id]);
    await signedIn(ada.id, 1);
    const reports = await verifyAuditChains(adminSql());
    expect(reports.find((r) => r.chainId === ACCOUNT_CHAIN_ID)).toMatchObject({ kind: 'legacy_account', entries: 3, broken: null, headMismatch: null });
    expect(await problems()).toEqual([]);

    await superSql()`UPDATE audit_log SET actor_id = ${bo.id} WHERE chain_id = ${ACCOUNT_CHAIN_ID} AND seq = 3`;
    expect(await problems()).toEqual([expect.stringMatching(/account chain \(before per-user chains\): first broken link at entry seq 3 .*edited/)]);
  });

  it('is closed to the app: its head is invisible and nothing can be appended to it', async () => {
    const ada = await makeUser();
    await legacyChain([ada.id]);
    const head = await withTenant(testDb(), { userId: ada.id }, (tx) => tx.select().from(auditChains).where(eq(auditChains.chainId, ACCOUNT_CHAIN_ID)));
    expect(head).toEqual([]);
    const append = withTenant(testDb(), { userId: ada.id }, (tx) =>
      tx.insert(auditLog).values({ chainId: ACCOUNT_CHAIN_ID, workspaceId: null, seq: 2, actorId: ada.id, action: 'auth.signed_in', prevHash: GENESIS_HASH, hash: GENESIS_HASH, createdAt: new Date() }),
    );
    expect(await append.then(() => 'inserted', (error: unknown) => databaseErrorCode(error))).toBe('42501');
  });
});
