/**
 * Workspace members (TEN-1, TEN-2): list, change role, remove, leave, transfer ownership.
 *
 * Every function takes the transaction of a workspace-scoped call (`workspaceProcedure`, or
 * `withTenant` in tests), so row-level security confines it to that workspace, the change and its
 * audit entry commit together, and a refusal rolls back everything.
 *
 * Rules (one place, read by the router and, through src/lib/permissions.ts, by the UI):
 * - nobody manages a member ranked above them (`canManageMember`): only owners touch owners;
 * - nobody grants a role above their own, nor `owner` (`assignableRoles`): ownership moves by transfer;
 * - the last owner can neither leave, nor be demoted, nor be removed;
 * - transfer makes the target an owner and the previous owner an admin.
 *
 * Concurrency: each change first locks the workspace row (FOR NO KEY UPDATE, which does not block
 * inserts of new members), so membership changes of one workspace run one after the other and
 * "at least one owner remains" cannot be raced (two owners demoting each other at the same time).
 * The actor's role is re-read after the lock: the role the request started with may be stale.
 *
 * Mail is not sent here: the mutations return a `notice` the caller queues in the same
 * transaction (see member-mail.ts; the worker sends it once the change commits).
 */
import 'server-only';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { assignableRoles, can, canManageMember, type Permission, type Role } from '@/lib/permissions';
import { recordAudit } from '@/server/audit/audit-service';
import { appendEvent } from '@/server/realtime-events/outbox';
import type { Tx } from '@/server/db/client';
import { users, workspaceMembers, workspaces } from '@/server/db/schema';
import { AppError } from '@/server/platform/errors';

export const MEMBER_PAGE_SIZE = 50;
export const MEMBER_PAGE_MAX = 100;

/** Cursor of the member list: the last row's join time (microseconds, UTC) and user id. */
export const MEMBER_CURSOR_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface WorkspaceRef {
  id: string;
  slug: string;
  name: string;
}

/** Who acts, and what the audit entry records about the request. */
export interface Actor {
  userId: string;
  ip?: string | null;
  requestId?: string | null;
}

export interface MemberSummary {
  userId: string;
  name: string | null;
  email: string;
  role: Role;
  joinedAt: Date;
}

export interface MemberPage {
  items: MemberSummary[];
  nextCursor: string | null;
  /** How many owners the workspace has (the UI hides what would remove the last one). */
  ownerCount: number;
  total: number;
}

/** A mail to send once the change committed. */
export type MemberNotice =
  | { kind: 'role_changed'; to: Recipient; workspace: WorkspaceRef; actorName: string; role: Role }
  | { kind: 'removed'; to: Recipient; workspace: WorkspaceRef; actorName: string };

export interface Recipient {
  userId: string;
  email: string;
  locale: string;
}

// ─── Reading ───────────────────────────────────────────────────────────────────────────────────

/** One page of members, oldest first (stable cursor: join time, then user id). Bounded (API-4). */
export async function listMembers(tx: Tx, workspaceId: string, options: { cursor?: string; limit?: number } = {}): Promise<MemberPage> {
  const limit = Math.max(1, Math.min(options.limit ?? MEMBER_PAGE_SIZE, MEMBER_PAGE_MAX));
  const conditions = [eq(workspaceMembers.workspaceId, workspaceId)];
  if (options.cursor !== undefined) {
    if (!MEMBER_CURSOR_PATTERN.test(options.cursor)) throw new AppError('BAD_REQUEST', 'generic.badRequest');
    const [joinedAt, userId] = options.cursor.split('_') as [string, string];
    conditions.push(sql`(${workspaceMembers.createdAt}, ${workspaceMembers.userId}) > (${joinedAt}::timestamptz, ${userId}::uuid)`);
  }
  const rows = await tx
    .select({
      userId: workspaceMembers.userId,
      name: users.name,
      email: users.email,
      role: workspaceMembers.role,
      joinedAt: workspaceMembers.createdAt,
      cursorAt: sql<string>`to_char(${workspaceMembers.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(and(...conditions))
    .orderBy(asc(workspaceMembers.createdAt), asc(workspaceMembers.userId))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const [counts] = await tx
    .select({
      total: count(),
      owners: sql<number>`count(*) FILTER (WHERE ${workspaceMembers.role} = 'owner')::int`,
    })
    .from(workspaceMembers)
    .where(eq(workspaceMembers.workspaceId, workspaceId));
  return {
    items: page.map(({ cursorAt: _c, ...member }) => member),
    nextCursor: rows.length > limit && last ? `${last.cursorAt}_${last.userId}` : null,
    ownerCount: counts?.owners ?? 0,
    total: counts?.total ?? 0,
  };
}

// ─── Helpers ───────────────────────────────────────────────────────────────────────────────────

interface MemberRow extends Recipient {
  name: string | null;
  role: Role;
}

async function findMember(tx: Tx, workspaceId: string, userId: string): Promise<MemberRow | null> {
  const [row] = await tx
    .select({ userId: workspaceMembers.userId, role: workspaceMembers.role, email: users.email, name: users.name, locale: users.locale })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
  return row ?? null;
}

/**
 * Serialises membership changes of the workspace, then returns the actor's current membership,
 * checked again for `permission` (the role the request started with may have changed meanwhile).
 * An actor who is no longer a member is told the workspace does not exist (as for outsiders).
 */
async function lockAndLoadActor(tx: Tx, workspaceId: string, actorId: string, permission: Permission): Promise<MemberRow> {
  const locked = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for('no key update');
  if (locked.length === 0) throw new AppError('NOT_FOUND', 'workspace.notFound');
  const actor = await findMember(tx, workspaceId, actorId);
  if (!actor) throw new AppError('NOT_FOUND', 'workspace.notFound');
  if (!can(actor.role, permission)) throw new AppError('FORBIDDEN', 'generic.forbidden');
  return actor;
}

async function ownerCount(tx: Tx, workspaceId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.role, 'owner')));
  return row?.n ?? 0;
}

async function loadTarget(tx: Tx, workspaceId: string, userId: string): Promise<MemberRow> {
  const target = await findMember(tx, workspaceId, userId);
  if (!target) throw new AppError('NOT_FOUND', 'member.notFound');
  return target;
}

/** The actor may manage the target's current role at all. */
function assertCanManage(actor: MemberRow, target: MemberRow): void {
  if (canManageMember(actor.role, target.role)) return;
  throw new AppError('FORBIDDEN', target.role === 'owner' ? 'member.cannotManageOwner' : 'member.rankTooHigh');
}

const displayName = (member: { name: string | null; email: string }) => member.name?.trim() || member.email;

async function setRole(tx: Tx, workspaceId: string, userId: string, role: Role): Promise<void> {
  await tx
    .update(workspaceMembers)
    .set({ role, updatedAt: new Date() })
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
}

// ─── Changes ───────────────────────────────────────────────────────────────────────────────────

export interface RoleChange {
  userId: string;
  from: Role;
  to: Role;
  changed: boolean;
  notice: MemberNotice | null;
}

/** Gives `userId` the role `role`. Setting the role they already have changes (and records) nothing. */
export async function changeMemberRole(tx: Tx, workspace: WorkspaceRef, by: Actor, userId: string, role: Role): Promise<RoleChange> {
  const actor = await lockAndLoadActor(tx, workspace.id, by.userId, 'member:update');
  const target = await loadTarget(tx, workspace.id, userId);
  assertCanManage(actor, target);
  if (role === target.role) return { userId, from: target.role, to: role, changed: false, notice: null };
  if (role === 'owner' && actor.role === 'owner') {
    throw new AppError('BAD_REQUEST', 'member.ownerViaTransfer', { fieldErrors: { role: 'member.ownerViaTransfer' } });
  }
  if (!assignableRoles(actor.role).includes(role)) {
    throw new AppError('FORBIDDEN', 'member.roleAboveOwn', { fieldErrors: { role: 'member.roleAboveOwn' } });
  }
  if (target.role === 'owner' && (await ownerCount(tx, workspace.id)) <= 1) {
    throw new AppError('CONFLICT', 'member.lastOwnerDemote');
  }
  await setRole(tx, workspace.id, userId, role);
  await recordAudit(tx, {
    workspaceId: workspace.id,
    actorId: by.userId,
    action: 'member.role_changed',
    target: { type: 'user', id: userId },
    data: { userId, email: target.email, from: target.role, to: role },
    ip: by.ip,
    requestId: by.requestId,
  });
  const notice: MemberNotice | null =
    userId === by.userId ? null : { kind: 'role_changed', to: target, workspace, actorName: displayName(actor), role };
  return { userId, from: target.role, to: role, changed: true, notice };
}

/**
 * The `member.removed` outbox event, in the removing transaction: the realtime sidecar closes the
 * user's sockets (4403) before it delivers anything else of the workspace to them. Appended as the
 * transaction's last write: the outbox insert takes the workspace's event-order lock until COMMIT
 * (ADR 0011).
 */
async function announceRemoval(tx: Tx, workspaceId: string, by: Actor, userId: string): Promise<void> {
  await appendEvent(tx, { workspaceId, projectId: null, type: 'member.removed', payload: { userId }, actorId: by.userId, requestId: by.requestId ?? null });
}

/** Removes another member. Their very next request is refused (every request re-checks membership). */
export async function removeMember(tx: Tx, workspace: WorkspaceRef, by: Actor, userId: string): Promise<{ userId: string; role: Role; notice: MemberNotice }> {
  if (userId === by.userId) throw new AppError('BAD_REQUEST', 'member.removeSelf');
  const actor = await lockAndLoadActor(tx, workspace.id, by.userId, 'member:remove');
  const target = await loadTarget(tx, workspace.id, userId);
  assertCanManage(actor, target);
  // Only an owner gets here for an owner, and they stay; checked anyway so no path leaves none.
  if (target.role === 'owner' && (await ownerCount(tx, workspace.id)) <= 1) {
    throw new AppError('CONFLICT', 'member.lastOwnerRemove');
  }
  await tx.delete(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, workspace.id), eq(workspaceMembers.userId, userId)));
  await recordAudit(tx, {
    workspaceId: workspace.id,
    actorId: by.userId,
    action: 'member.removed',
    target: { type: 'user', id: userId },
    data: { userId, email: target.email, role: target.role },
    ip: by.ip,
    requestId: by.requestId,
  });
  await announceRemoval(tx, workspace.id, by, userId);
  return { userId, role: target.role, notice: { kind: 'removed', to: target, workspace, actorName: displayName(actor) } };
}

/** The actor leaves the workspace; the last owner must transfer ownership first. */
export async function leaveWorkspace(tx: Tx, workspace: WorkspaceRef, by: Actor): Promise<{ role: Role }> {
  const actor = await lockAndLoadActor(tx, workspace.id, by.userId, 'workspace:leave');
  if (actor.role === 'owner' && (await ownerCount(tx, workspace.id)) <= 1) {
    throw new AppError('CONFLICT', 'member.lastOwnerLeave');
  }
  await tx.delete(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, workspace.id), eq(workspaceMembers.userId, by.userId)));
  await recordAudit(tx, {
    workspaceId: workspace.id,
    actorId: by.userId,
    action: 'member.left',
    target: { type: 'user', id: by.userId },
    data: { userId: by.userId, role: actor.role },
    ip: by.ip,
    requestId: by.requestId,
  });
  await announceRemoval(tx, workspace.id, by, by.userId);
  return { role: actor.role };
}

/**
 * Makes `userId` (a member) an owner and the acting owner an admin. `confirmation` must repeat the
 * workspace's name, as for deletion: the UI asks for it, and the server does not trust the UI.
 */
export async function transferOwnership(
  tx: Tx,
  workspace: WorkspaceRef,
  by: Actor,
  userId: string,
  confirmation: string,
): Promise<{ userId: string; previousRole: Role; notice: MemberNotice | null }> {
  if (confirmation.trim() !== workspace.name) {
    throw new AppError('BAD_REQUEST', 'validation.confirmationMismatch', { fieldErrors: { confirmation: 'validation.confirmationMismatch' } });
  }
  if (userId === by.userId) throw new AppError('BAD_REQUEST', 'member.transferToSelf', { fieldErrors: { userId: 'member.transferToSelf' } });
  const actor = await lockAndLoadActor(tx, workspace.id, by.userId, 'workspace:transfer');
  const target = await loadTarget(tx, workspace.id, userId);
  await setRole(tx, workspace.id, userId, 'owner');
  await setRole(tx, workspace.id, by.userId, 'admin');
  await recordAudit(tx, {
    workspaceId: workspace.id,
    actorId: by.userId,
    action: 'workspace.ownership_transferred',
    target: { type: 'user', id: userId },
    data: { fromUserId: by.userId, toUserId: userId, toEmail: target.email, targetPreviousRole: target.role, previousOwnerRole: 'admin' },
    ip: by.ip,
    requestId: by.requestId,
  });
  return {
    userId,
    previousRole: target.role,
    // An owner among several who hands over and steps down changed nobody else's role.
    notice: target.role === 'owner' ? null : { kind: 'role_changed', to: target, workspace, actorName: displayName(actor), role: 'owner' },
  };
}
