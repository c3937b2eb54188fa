/**
 * Members of a workspace (TEN-1, TEN-2). Thin: validate, pick the guard, call the member service
 * (which holds the rules) inside the procedure's workspace-scoped transaction, and queue the
 * affected member's mail in that transaction (sent by the worker once it commits).
 */
import { z } from 'zod';
import { text } from '@/server/platform/input';
import { isoTimestamp, toWire } from '@/server/platform/wire';
import { ROLES } from '@/lib/permissions';
import { queueMemberNotice } from '@/server/members/member-mail';
import {
  changeMemberRole,
  leaveWorkspace,
  listMembers,
  MEMBER_CURSOR_PATTERN,
  MEMBER_PAGE_MAX,
  removeMember,
  transferOwnership,
  type Actor,
  type MemberNotice,
} from '@/server/members/member-service';
import type { DbOrTx } from '@/server/db/client';
import { router, workspaceProcedure, type Context } from '../trpc';

const role = z.enum(ROLES);
const userId = z.string().uuid();

const member = z.object({
  userId,
  name: z.string().nullable(),
  email: z.string(),
  role,
  joinedAt: isoTimestamp,
});

function actorOf(ctx: Pick<Context, 'ip' | 'requestId'> & { user: { id: string } }): Actor {
  return { userId: ctx.user.id, ip: ctx.ip, requestId: ctx.requestId };
}

async function queueNotice(ctx: { db: DbOrTx }, notice: MemberNotice | null): Promise<void> {
  if (notice) await queueMemberNotice(ctx.db, notice);
}

export const memberRouter = router({
  /** Every member sees who else is in the workspace (with role and join date); cursor-paginated. */
  list: workspaceProcedure('member:read')
    .input(
      z.object({
        cursor: text().max(80).regex(MEMBER_CURSOR_PATTERN).optional(),
        limit: z.number().int().min(1).max(MEMBER_PAGE_MAX).optional(),
      }),
    )
    .output(z.object({ items: z.array(member), nextCursor: z.string().nullable(), ownerCount: z.number().int(), total: z.number().int() }))
    .query(async ({ ctx, input }) => toWire(await listMembers(ctx.db, ctx.workspace.id, input))),

  changeRole: workspaceProcedure('member:update')
    .input(z.object({ userId, role }))
    .output(z.object({ userId, from: role, to: role, changed: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { notice, ...result } = await changeMemberRole(ctx.db, ctx.workspace, actorOf(ctx), input.userId, input.role);
      await queueNotice(ctx, notice);
      if (result.changed) ctx.log.info({ targetUserId: input.userId, from: result.from, to: result.to }, 'member.role_changed');
      return result;
    }),

  remove: workspaceProcedure('member:remove')
    .input(z.object({ userId }))
    .output(z.object({ userId, role }))
    .mutation(async ({ ctx, input }) => {
      const { notice, ...result } = await removeMember(ctx.db, ctx.workspace, actorOf(ctx), input.userId);
      await queueNotice(ctx, notice);
      ctx.log.info({ targetUserId: input.userId }, 'member.removed');
      return result;
    }),

  leave: workspaceProcedure('workspace:leave')
    .output(z.object({ left: z.literal(true), role }))
    .mutation(async ({ ctx }) => {
      const { role: previous } = await leaveWorkspace(ctx.db, ctx.workspace, actorOf(ctx));
      ctx.log.info('member.left');
      return { left: true as const, role: previous };
    }),

  transferOwnership: workspaceProcedure('workspace:transfer')
    .input(z.object({ userId, confirmation: text().max(64) }))
    .output(z.object({ userId, previousRole: role }))
    .mutation(async ({ ctx, input }) => {
      const { notice, ...result } = await transferOwnership(ctx.db, ctx.workspace, actorOf(ctx), input.userId, input.confirmation);
      await queueNotice(ctx, notice);
      ctx.log.info({ targetUserId: input.userId }, 'workspace.ownership_transferred');
      return result;
    }),
});
