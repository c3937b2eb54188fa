/**
 * Invitations (TEN-3). Admin side: workspace procedures (one transaction each, audit entries in it,
 * the mail queued in that transaction, sent by the worker once it commits). Invitee side: `inspect` (public) and `accept` /
 * `acceptLink` (signed in) take a self-locating token, not an id — the service scopes the
 * transaction to the workspace the token names.
 */
import { z } from 'zod';
import { text } from '@/server/platform/input';
import { isoTimestamp, toWire } from '@/server/platform/wire';
import { ROLES } from '@/lib/permissions';
import {
  acceptInvitation,
  acceptInviteLink,
  createInvitation,
  createInviteLink,
  INVITE_LINK_EXPIRY_DAYS,
  inspectInvitation,
  inspectInviteLink,
  listInvitations,
  listInviteLinks,
  MAX_ALLOWED_DOMAINS,
  resendInvitation,
  revokeInvitation,
  revokeInviteLink,
  queueInvitationMail,
  type InviterScope,
} from '@/server/invitations/invitation-service';
import { emailSchema } from '@/server/auth/schemas';
import { authedProcedure, publicProcedure, router, workspaceProcedure } from '../trpc';
import { enforceRateLimits } from '@/server/platform/rate-limit';
import type { DbOrTx } from '@/server/db/client';

const role = z.enum(ROLES);
const person = z.object({ name: z.string().nullable(), email: z.string() }).nullable();

const invitationOutput = z.object({
  id: z.string().uuid(),
  email: z.string(),
  role,
  status: z.enum(['pending', 'expired']),
  invitedBy: person,
  createdAt: isoTimestamp,
  expiresAt: isoTimestamp,
  lastSentAt: isoTimestamp,
  sendCount: z.number().int(),
  resendAvailableAt: isoTimestamp.nullable(),
});

const inviteLinkOutput = z.object({
  id: z.string().uuid(),
  role,
  allowedDomains: z.array(z.string()),
  createdBy: person,
  createdAt: isoTimestamp,
  expiresAt: isoTimestamp.nullable(),
  uses: z.number().int(),
  status: z.enum(['active', 'expired']),
});

const inspectionOutput = z.object({
  status: z.enum(['valid', 'expired', 'revoked', 'used', 'invalid']),
  workspaceName: z.string().nullable(),
  inviterName: z.string().nullable(),
  role: role.nullable(),
  email: z.string().nullable(),
  allowedDomains: z.array(z.string()),
});

const acceptOutput = z.object({ workspaceSlug: z.string(), alreadyMember: z.boolean() });

/** Tokens are `<uuid>.<43 base64url chars>`; anything else is answered "invalid" by the service. */
const tokenInput = z.object({ token: text().max(200) });

const okOutput = z.object({ ok: z.literal(true) });

interface WorkspaceCtx {
  workspace: { id: string; slug: string; name: string };
  user: { id: string; name: string | null; email: string };
  role: (typeof ROLES)[number];
  locale: InviterScope['locale'];
  ip: string | null;
  requestId: string;
}

function scopeOf(ctx: WorkspaceCtx): InviterScope {
  return {
    workspace: ctx.workspace,
    actor: { id: ctx.user.id, name: ctx.user.name, email: ctx.user.email, role: ctx.role },
    locale: ctx.locale,
    ip: ctx.ip,
    requestId: ctx.requestId,
  };
}

/** Each invitation mail spends a point of the inviter's and of the workspace's policy (SEC-2), counted in the call's transaction. */
function limitInvitationMail(ctx: { db: DbOrTx; user: { id: string }; workspace: { id: string } }): Promise<void> {
  return enforceRateLimits(
    [
      { policy: 'invitation-send-user', subject: ctx.user.id },
      { policy: 'invitation-send-workspace', subject: ctx.workspace.id },
    ],
    { database: ctx.db },
  );
}

export const invitationRouter = router({
  /** Invites an address with a role (refreshes an open invitation of the same address). */
  create: workspaceProcedure('member:invite')
    .input(z.object({ email: emailSchema, role }))
    .output(z.object({ invitation: invitationOutput, refreshed: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await limitInvitationMail(ctx);
      const { invitation, refreshed, mail } = await createInvitation(ctx.db, scopeOf(ctx), input);
      await queueInvitationMail(ctx.db, mail);
      ctx.log.info({ invitationId: invitation.id, refreshed }, 'invitation.created');
      return { invitation: toWire(invitation), refreshed };
    }),

  /** Pending and expired invitations, newest first (bounded). */
  list: workspaceProcedure('invitation:read')
    .output(z.array(invitationOutput))
    .query(async ({ ctx }) => toWire(await listInvitations(ctx.db, ctx.workspace.id))),

  /** A new link and expiry, mailed again (not within a minute of the last send, at most 5 sends). */
  resend: workspaceProcedure('member:invite')
    .input(z.object({ invitationId: z.string().uuid() }))
    .output(z.object({ invitation: invitationOutput }))
    .mutation(async ({ ctx, input }) => {
      await limitInvitationMail(ctx);
      const { invitation, mail } = await resendInvitation(ctx.db, scopeOf(ctx), input.invitationId);
      await queueInvitationMail(ctx.db, mail);
      ctx.log.info({ invitationId: invitation.id }, 'invitation.resent');
      return { invitation: toWire(invitation) };
    }),

  revoke: workspaceProcedure('invitation:revoke')
    .input(z.object({ invitationId: z.string().uuid() }))
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await revokeInvitation(ctx.db, scopeOf(ctx), input.invitationId);
      ctx.log.info({ invitationId: input.invitationId }, 'invitation.revoked');
      return { ok: true as const };
    }),

  /** A shareable link; its URL is in this answer only (the token is stored hashed). */
  createLink: workspaceProcedure('member:invite')
    .input(
      z.object({
        role,
        allowedDomains: z.array(text().max(253)).max(MAX_ALLOWED_DOMAINS * 2).default([]),
        expiresInDays: z
          .number()
          .int()
          .refine((d) => (INVITE_LINK_EXPIRY_DAYS as readonly number[]).includes(d))
          .nullable()
          .default(null),
      }),
    )
    .output(z.object({ link: inviteLinkOutput, url: z.string().url() }))
    .mutation(async ({ ctx, input }) => {
      const result = await createInviteLink(ctx.db, scopeOf(ctx), input);
      ctx.log.info({ inviteLinkId: result.link.id }, 'invite_link.created');
      return toWire(result);
    }),

  listLinks: workspaceProcedure('invitation:read')
    .output(z.array(inviteLinkOutput))
    .query(async ({ ctx }) => toWire(await listInviteLinks(ctx.db, ctx.workspace.id))),

  revokeLink: workspaceProcedure('invitation:revoke')
    .input(z.object({ linkId: z.string().uuid() }))
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await revokeInviteLink(ctx.db, scopeOf(ctx), input.linkId);
      ctx.log.info({ inviteLinkId: input.linkId }, 'invite_link.revoked');
      return { ok: true as const };
    }),

  /** Public: what an invite page shows (workspace, inviter, role, status); nothing for an unknown token. */
  inspect: publicProcedure
    .input(tokenInput)
    .output(inspectionOutput)
    .query(({ ctx, input }) => inspectInvitation(ctx.db, input.token)),

  /** Public: the same for an invite link (plus its allowed domains while valid). */
  inspectLink: publicProcedure
    .input(tokenInput)
    .output(inspectionOutput)
    .query(({ ctx, input }) => inspectInviteLink(ctx.db, input.token)),

  /** Accepts an email invitation for the signed-in user (whose verified address must be the invited one). */
  accept: authedProcedure
    .input(tokenInput)
    .output(acceptOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await acceptInvitation(ctx.db, ctx.user, input.token, { ip: ctx.ip, requestId: ctx.requestId });
      ctx.log.info({ workspaceSlug: result.workspaceSlug, alreadyMember: result.alreadyMember }, 'invitation.accepted');
      return result;
    }),

  /** Joins through an invite link (domain allow-list checked). */
  acceptLink: authedProcedure
    .input(tokenInput)
    .output(acceptOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await acceptInviteLink(ctx.db, ctx.user, input.token, { ip: ctx.ip, requestId: ctx.requestId });
      ctx.log.info({ workspaceSlug: result.workspaceSlug, alreadyMember: result.alreadyMember }, 'invite_link.used');
      return result;
    }),
});
