/**
 * The member rules (TEN-1, TEN-2) against real PostgreSQL, through the workspace-scoped path
 * (`withTenant`), as the app role. Every refusal is checked to have written nothing: membership
 * rows and the workspace's audit log are compared before and after (as the superuser).
 */
import { describe, expect, it } from 'vitest';
import type { Role } from '@/lib/permissions';
import type { Tx } from '@/server/db/client';
import { workspaceMembers } from '@/server/db/schema';
import { withTenant } from '@/server/db/tenant';
import { superSql, testDb } from '../../../test/support/db';
import { makeUser, makeWorkspace } from '../../../test/support/trpc';
import { changeMemberRole, leaveWorkspace, listMembers, removeMember, transferOwnership, type WorkspaceRef } from './member-service';

type Seat = { id: string; email: string; name: string | null };

/** A workspace with one user per given role, in that order (`users[i]` holds `roles[i]`). */
async function setup(roles: Role[], name?: string) {
  const users: Seat[] = [];
  for (const _ of roles) users.push(await makeUser());
  const ws = await makeWorkspace(
    roles.map((role, i) => ({ userId: users[i]!.id, role })),
    name,
  );
  const ref: WorkspaceRef = { id: ws.id, slug: ws.slug, name: ws.name };
  /** Runs `fn` as `user`, scoped to the workspace (what workspaceProcedure does). */
  const as = <T>(user: Seat, fn: (tx: Tx, by: { userId: string; ip: string; requestId: string }) => Promise<T>) =>
    withTenant(testDb(), { workspaceId: ws.id, userId: user.id }, (tx) => fn(tx, { userId: user.id, ip: '198.51.100.4', requestId: 'req-test' }));
  return { ws: ref, users, as };
}

async function roles(workspaceId: string): Promise<Record<string, Role>> {
  const rows = await superSql()<{ user_id: string; role: Role }[]>`SELECT user_id, role FROM workspace_members WHERE workspace_id = ${workspaceId}`;
  return Object.fromEntries(rows.map((r) => [r.user_id, r.role]));
}

async function auditOf(workspaceId: string) {
  return superSql()<{ action: string; actor_id: string; target_id: string | null; data: Record<string, unknown>; ip: string | null; request_id: string | null }[]>`
    SELECT action, actor_id, target_id, data, ip, request_id FROM audit_log WHERE workspace_id = ${workspaceId} ORDER BY seq`;
}

/** Asserts `attempt` fails with `code`/`key` and leaves memberships and the audit log untouched. */
async function expectRefusedWithoutWrites(workspaceId: string, attempt: () => Promise<unknown>, expected: { code: string; key: string }) {
  const before = { roles: await roles(workspaceId), audit: await auditOf(workspaceId) };
  await expect(attempt()).rejects.toMatchObject(expected);
  expect(await roles(workspaceId)).toEqual(before.roles);
  expect(await auditOf(workspaceId)).toEqual(before.audit);
}

describe('listMembers', () => {
  it('lists the members of this workspace only, with name, email, role and join date', async () => {
    const { ws, users, as } = await setup(['owner', 'admin', 'viewer']);
    await setup(['owner', 'member']); // another workspace
    const page = await as(users[2]!, (tx) => listMembers(tx, ws.id));
    // All three joined in one statement (same join time), so the user id orders them.
    const expected = users.map((u, i) => [u.id, u.email, u.name, (['owner', 'admin', 'viewer'] as const)[i]]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(page.items.map((m) => [m.userId, m.email, m.name, m.role])).toEqual(expected);
    expect(page.items.every((m) => m.joinedAt instanceof Date)).toBe(true);
    expect(page).toMatchObject({ nextCursor: null, ownerCount: 1, total: 3 });
  });

  it('pages with a cursor through every member exactly once, oldest first, bounded by the page size', async () => {
    const { ws, users, as } = await setup(['owner', 'member']);
    // Later joiners, one by one (distinct join times), some sharing the owner's second.
    for (const role of ['member', 'member', 'viewer'] as const) {
      const user = await makeUser();
      users.push(user);
      await withTenant(testDb(), { workspaceId: ws.id }, (tx) => tx.insert(workspaceMembers).values({ workspaceId: ws.id, userId: user.id, role }));
    }
    const firstTwo = users.slice(0, 2).map((u) => u.id).sort();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await as(users[0]!, (tx) => listMembers(tx, ws.id, { cursor, limit: 2 }));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.userId));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...firstTwo, ...users.slice(2).map((u) => u.id)]);
  });

  it('refuses a malformed cursor', async () => {
    const { ws, users, as } = await setup(['owner']);
    await expect(as(users[0]!, (tx) => listMembers(tx, ws.id, { cursor: "x' OR 1=1" }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('changeMemberRole', () => {
  it('lets an admin change a member to viewer: row, audit entry with from/to, mail notice', async () => {
    const { ws, users, as } = await setup(['owner', 'admin', 'member']);
    const [, admin, member] = users as [Seat, Seat, Seat];
    const result = await as(admin, (tx, by) => changeMemberRole(tx, ws, by, member.id, 'viewer'));
    expect(result).toMatchObject({ userId: member.id, from: 'member', to: 'viewer', changed: true });
    expect(result.notice).toMatchObject({ kind: 'role_changed', role: 'viewer', to: { userId: member.id, email: member.email } });
    expect((await roles(ws.id))[member.id]).toBe('viewer');
    expect(await auditOf(ws.id)).toEqual([
      {
        action: 'member.role_changed',
        actor_id: admin.id,
        target_id: member.id,
        data: { userId: member.id, email: member.email, from: 'member', to: 'viewer' },
        ip: '198.51.100.4',
        request_id: 'req-test',
      },
    ]);
  });

  it('lets an owner make a member an admin, and an admin manage another admin', async () => {
    const { ws, users, as } = await setup(['owner', 'admin', 'member']);
    const [owner, admin, member] = users as [Seat, Seat, Seat];
    await as(owner, (tx, by) => changeMemberRole(tx, ws, by, member.id, 'admin'));
    await as(admin, (tx, by) => changeMemberRole(tx, ws, by, member.id, 'member'));
    expect((await roles(ws.id))[member.id]).toBe('member');
    expect((await auditOf(ws.id)).map((e) => e.data)).toEqual([
      { userId: member.id, email: member.email, from: 'member', to: 'admin' },
      { userId: member.id, email: member.email, from: 'admin', to: 'member' },
    ]);
  });

  it('refuses an admin who demotes an owner, and writes nothing', async () => {
    const { ws, users, as } = await setup(['owner', 'admin']);
    const [owner, admin] = users as [Seat, Seat];
    await expectRefusedWithoutWrites(ws.id, () => as(admin, (tx, by) => changeMemberRole(tx, ws, by, owner.id, 'admin')), {
      code: 'FORBIDDEN',
      key: 'member.cannotManageOwner',
    });
  });

  it('refuses a role above the actor’s own (admin → owner) and owner via role change (transfer instead)', async () => {
    const { ws, users, as } = await setup(['owner', 'admin', 'member']);
    const [owner, admin, member] = users as [Seat, Seat, Seat];
    await expectRefusedWithoutWrites(ws.id, () => as(admin, (tx, by) => changeMemberRole(tx, ws, by, member.id, 'owner')), {
      code: 'FORBIDDEN',
      key: 'member.roleAboveOwn',
    });
    await expectRefusedWithoutWrites(ws.id, () => as(owner, (tx, by) => changeMemberRole(tx, ws, by, member.id, 'owner')), {
      code: 'BAD_REQUEST',
      key: 'member.ownerViaTransfer',
    });
  });

  it('refuses roles that may not manage members at all (member, viewer), even at the service', async () => {
    const { ws, users, as } = await setup(['owner', 'member', 'viewer']);
    const [, member, viewer] = users as [Seat, Seat, Seat];
    await expectRefusedWithoutWrites(ws.id, () => as(member, (tx, by) => changeMemberRole(tx, ws, by, viewer.id, 'member')), {
      code: 'FORBIDDEN',
      key: 'generic.forbidden',
    });
    await expectRefusedWithoutWrites(ws.id, () => as(viewer, (tx, by) => changeMemberRole(tx, ws, by, member.id, 'viewer')), {
      code: 'FORBIDDEN',
      key: 'generic.forbidden',
    });
  });

  it('refuses to demote the last owner, also when they demote themselves', async () => {
    const { ws, users, as } = await setup(['owner', 'admin']);
    const [owner] = users as [Seat, Seat];
    await expectRefusedWithoutWrites(ws.id, () => as(owner, (tx, by) => changeMemberRole(tx, ws, by, owner.id, 'admin')), {
      code: 'CONFLICT',
      key: 'member.lastOwnerDemote',
    });
  });

  it('lets an owner demote another owner while one remains, then protects the last one', async () => {
    const { ws, users, as } = await setup(['owner', 'owner']);
    const [first, second] = users as [Seat, Seat];
    await as(first, (tx, by) => changeMemberRole(tx, ws, by, second.id, 'admin'));
    expect(await roles(ws.id)).toEqual({ [first.id]: 'owner', [second.id]: 'admin' });
    await expectRefusedWithoutWrites(ws.id, () => as(first, (tx, by) => changeMemberRole(tx, ws, by, first.id, 'member')), {
      code: 'CONFLICT',
      key: 'member.lastOwnerDemote',
    });
  });

  it('keeps one owner when two owners demote each other at the same moment', async () => {
    const { ws, users, as } = await setup(['owner', 'owner']);
    const [a, b] = users as [Seat, Seat];
    // A demotes B and keeps its transaction open; B then tries to demote A. B must wait for A's
    // commit (the workspace lock) and then be refused, instead of both counting two owners.
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstChanged!: () => void;
    const firstDone = new Promise<void>((resolve) => (firstChanged = resolve));
    const first = as(a, async (tx, by) => {
      const result = await changeMemberRole(tx, ws, by, b.id, 'admin');
      firstChanged();
      await firstHolds;
      return result;
    });
    await firstDone;
    const second = as(b, (tx, by) => changeMemberRole(tx, ws, by, a.id, 'admin')).then(
      () => 'succeeded',
      (error: unknown) => error,
    );
    // Let the second one run until it blocks on the lock (or, without a lock, until it finished).
    for (let i = 0; i < 40; i++) {
      const [waiting] = await superSql()<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      if ((waiting?.n ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    releaseFirst();
    await first;
    // B was demoted first: as an admin it may no longer touch an owner.
    expect(await second).toMatchObject({ code: 'FORBIDDEN', key: 'member.cannotManageOwner' });
    expect(await roles(ws.id)).toEqual({ [a.id]: 'owner', [b.id]: 'admin' });
    expect(await auditOf(ws.id)).toHaveLength(1);
  });

  it('changes and records nothing when the role is already the requested one', async () => {
    const { ws, users, as } = await setup(['owner', 'member']);
    const [owner, member] = users as [Seat, Seat];
    const result = await as(owner, (tx, by) => changeMemberRole(tx, ws, by, member.id, 'member'));
    expect(result).toMatchObject({ changed: false, notice: null });
    expect(await auditOf(ws.id)).toEqual([]);
  });

  it('does not mail the actor about their own change', async () => {
    const { ws, users, as } = await setup(['owner', 'admin']);
    const [, admin] = users as [Seat, Seat];
    const result = await as(admin, (tx, by) => changeMemberRole(tx, ws, by, admin.id, 'member'));
    expect(result).toMatchObject({ changed: true, notice: null });
  });

  it('answers NOT_FOUND for someone who is not a member (e.g. of another workspace), writing nothing', async () => {
    const { ws, users, as } = await setup(['owner']);
    const other = await setup(['owner', 'member']);
    await expectRefusedWithoutWrites(ws.id, () => as(users[0]!, (tx, by) => changeMemberRole(tx, ws, by, other.users[1]!.id, 'viewer')), {
      code: 'NOT_FOUND',
      key: 'member.notFound',
    });
    expect((await roles(other.ws.id))[other.users[1]!.id]).toBe('member');
  });
});

describe('removeMember', () => {
  it('removes a member: row gone, audit entry with the role they had, mail notice', async () => {
    const { ws, users, as } = await setup(['owner', 'admin', 'member']);
    const [, admin, member] = users as [Seat, Seat, Seat];
    const result = await as(admin, (tx, by) => removeMember(tx, ws, by, member.id));
    expect(result).toMatchObject({ userId: member.id, role: 'member', notice: { kind: 'removed', to: { email: member.email } } });
    expect(await roles(ws.id)).not.toHaveProperty(member.id);
    expect(await auditOf(ws.id)).toMatchObject([
      { action: 'member.removed', actor_id: admin.id, target_id: member.id, data: { userId: member.id, email: member.email, role: 'member' } },
    ]);
  });

  it('lets an admin remove another admin, and an owner remove another owner', async () => {
    const { ws, users, as } = await setup(['owner', 'owner', 'admin', 'admin']);
    const [owner, owner2, admin, admin2] = users as [Seat, Seat, Seat, Seat];
    await as(admin, (tx, by) => removeMember(tx, ws, by, admin2.id));
    await as(owner, (tx, by) => removeMember(tx, ws, by, owner2.id));
    expect(await roles(ws.id)).toEqual({ [owner.id]: 'owner', [admin.id]: 'admin' });
  });

  it('refuses an admin who removes an owner, and writes nothing', async () => {
    const { ws, users, as } = await setup(['owner', 'admin']);
    const [owner, admin] = users as [Seat, Seat];
    await expectRefusedWithoutWrites(ws.id, () => as(admin, (tx, by) => removeMember(tx, ws, by, owner.id)), {
      code: 'FORBIDDEN',
      key: 'member.cannotManageOwner',
    });
  });

  it('refuses removing yourself (that is leaving) and unknown members', async () => {
    const { ws, users, as } = await setup(['owner', 'admin']);
    const [, admin] = users as [Seat, Seat];
    await expectRefusedWithoutWrites(ws.id, () => as(admin, (tx, by) => removeMember(tx, ws, by, admin.id)), {
      code: 'BAD_REQUEST',
      key: 'member.removeSelf',
    });
    const stranger = await makeUser();
    await expectRefusedWithoutWrites(ws.id, () => as(admin, (tx, by) => removeMember(tx, ws, by, stranger.id)), {
      code: 'NOT_FOUND',
      key: 'member.notFound',
    });
  });
});

describe('leaveWorkspace', () => {
  it('lets a member or a viewer leave, recorded as member.left', async () => {
    const { ws, users, as } = await setup(['owner', 'member', 'viewer']);
    const [owner, member, viewer] = users as [Seat, Seat, Seat];
    await as(member, (tx, by) => leaveWorkspace(tx, ws, by));
    await as(viewer, (tx, by) => leaveWorkspace(tx, ws, by));
    expect(await roles(ws.id)).toEqual({ [owner.id]: 'owner' });
    expect(await auditOf(ws.id)).toMatchObject([
      { action: 'member.left', actor_id: member.id, target_id: member.id, data: { role: 'member' } },
      { action: 'member.left', actor_id: viewer.id, target_id: viewer.id, data: { role: 'viewer' } },
    ]);
  });

  it('refuses the last owner, and writes nothing', async () => {
    const { ws, users, as } = await setup(['owner', 'admin']);
    await expectRefusedWithoutWrites(ws.id, () => as(users[0]!, (tx, by) => leaveWorkspace(tx, ws, by)), {
      code: 'CONFLICT',
      key: 'member.lastOwnerLeave',
    });
  });

  it('lets an owner leave while another owner remains', async () => {
    const { ws, users, as } = await setup(['owner', 'owner']);
    await as(users[0]!, (tx, by) => leaveWorkspace(tx, ws, by));
    expect(await roles(ws.id)).toEqual({ [users[1]!.id]: 'owner' });
  });
});

describe('transferOwnership', () => {
  it('makes the target the owner and the previous owner an admin, in one audited step', async () => {
    const { ws, users, as } = await setup(['owner', 'member'], 'Handover Inc');
    const [owner, member] = users as [Seat, Seat];
    const result = await as(owner, (tx, by) => transferOwnership(tx, ws, by, member.id, ' Handover Inc '));
    expect(result).toMatchObject({ userId: member.id, previousRole: 'member', notice: { kind: 'role_changed', role: 'owner', to: { userId: member.id } } });
    expect(await roles(ws.id)).toEqual({ [owner.id]: 'admin', [member.id]: 'owner' });
    expect(await auditOf(ws.id)).toMatchObject([
      {
        action: 'workspace.ownership_transferred',
        actor_id: owner.id,
        target_id: member.id,
        data: { fromUserId: owner.id, toUserId: member.id, targetPreviousRole: 'member', previousOwnerRole: 'admin' },
      },
    ]);
  });

  it('lets one of several owners hand over to another owner (no mail: their role did not change)', async () => {
    const { ws, users, as } = await setup(['owner', 'owner'], 'Two Owners');
    const [a, b] = users as [Seat, Seat];
    const result = await as(a, (tx, by) => transferOwnership(tx, ws, by, b.id, 'Two Owners'));
    expect(result.notice).toBeNull();
    expect(await roles(ws.id)).toEqual({ [a.id]: 'admin', [b.id]: 'owner' });
  });

  it('refuses a wrong confirmation, yourself, a non-member and a non-owner, writing nothing', async () => {
    const { ws, users, as } = await setup(['owner', 'admin', 'member'], 'Careful');
    const [owner, admin, member] = users as [Seat, Seat, Seat];
    const stranger = await makeUser();
    await expectRefusedWithoutWrites(ws.id, () => as(owner, (tx, by) => transferOwnership(tx, ws, by, member.id, 'careful')), {
      code: 'BAD_REQUEST',
      key: 'validation.confirmationMismatch',
    });
    await expectRefusedWithoutWrites(ws.id, () => as(owner, (tx, by) => transferOwnership(tx, ws, by, owner.id, 'Careful')), {
      code: 'BAD_REQUEST',
      key: 'member.transferToSelf',
    });
    await expectRefusedWithoutWrites(ws.id, () => as(owner, (tx, by) => transferOwnership(tx, ws, by, stranger.id, 'Careful')), {
      code: 'NOT_FOUND',
      key: 'member.notFound',
    });
    await expectRefusedWithoutWrites(ws.id, () => as(admin, (tx, by) => transferOwnership(tx, ws, by, member.id, 'Careful')), {
      code: 'FORBIDDEN',
      key: 'generic.forbidden',
    });
  });
});
