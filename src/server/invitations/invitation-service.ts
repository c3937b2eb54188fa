/**
 * Invitations (TEN-3): by email (hashed single-use token, 7-day expiry, resend with a rate limit,
 * revoke) and by shareable invite link (optional email-domain allow-list).
 *
 * Tokens are self-locating: `<workspaceId>.<32 random bytes, base64url>`. Only the SHA-256 of the
 * whole token is stored. Accepting parses the workspace id, scopes the transaction to it (row-level
 * security then admits that workspace's invitation rows only) and looks the hash up, so a tampered
 * workspace part or secret simply finds nothing.
 *
 * Decisions:
 * - Inviting an address that already has an open invitation refreshes it (new token and expiry, the
 *   role given now, the old link stops working). While it is still pending this counts as a resend
 *   and obeys the same rate limit; an expired one starts over (send counter back to 1).
 * - Resend: not within RESEND_COOLDOWN_MS of the last send, at most MAX_SENDS sends per validity
 *   period (TOO_MANY_REQUESTS with the wait in seconds).
 * - The invitation mail goes out in the invitee's saved language when they have an account, else in
 *   the inviter's; it is sent after the transaction commits (the caller does that with `mail`).
 * - Accepting an email invitation needs a verified account whose address equals the invited one.
 *   Someone who already is a member simply lands in the workspace.
 * - Allowed domains of a link match the address's domain exactly (`example.com` does not admit
 *   `eng.example.com`; list it too).
 */
import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { isLocale, type Locale } from '@/i18n/routing';
import { INVITATION_TTL_DAYS, INVITE_LINK_EXPIRY_DAYS, MAX_ALLOWED_DOMAINS } from '@/lib/invitations';
import { assignableRoles, type Role } from '@/lib/permissions';
import { hashToken } from '@/server/auth/session';
import { recordAudit } from '@/server/audit/audit-service';
import type { DbOrTx, Tx } from '@/server/db/client';
import { isUniqueViolation } from '@/server/db/errors';
import { invitations, inviteLinks, users, workspaceMembers, workspaces } from '@/server/db/schema';
import { withTenant } from '@/server/db/tenant';
import { queueMail } from '@/server/email/mail-queue';
import { env } from '@/server/platform/env';
import { AppError } from '@/server/platform/errors';

export { INVITATION_TTL_DAYS, INVITE_LINK_EXPIRY_DAYS, MAX_ALLOWED_DOMAINS };
export const INVITATION_TTL_MS = INVITATION_TTL_DAYS * 24 * 60 * 60 * 1000;
export const RESEND_COOLDOWN_MS = 60 * 1000;
export const MAX_SENDS = 5;
export const INVITATION_LIST_LIMIT = 200;
export const INVITE_LINK_LIST_LIMIT = 100;

// ─── Tokens ────────────────────────────────────────────────────────────────────────────────────

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const TOKEN_PATTERN = new RegExp(`^(${UUID})\\.([A-Za-z0-9_-]{43})$`);

/** A new raw token for `workspaceId` (goes into the link only; store `hashToken(token)`). */
export function newInviteToken(workspaceId: string): string {
  return `${workspaceId}.${randomBytes(32).toString('base64url')}`;
}

/** The workspace a token names, or null when it is not shaped like one of ours. */
export function parseInviteToken(token: string): { workspaceId: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  return match?.[1] ? { workspaceId: match[1] } : null;
}

// ─── Shared shapes ─────────────────────────────────────────────────────────────────────────────

/** Who acts, where, and what the audit entries carry. */
export interface InviterScope {
  workspace: { id: string; slug: string; name: string };
  actor: { id: string; name: string | null; email: string; role: Role };
  /** The inviter's language (used for mail to addresses without an account, and link URLs). */
  locale: Locale;
  ip: string | null;
  requestId: string | null;
}

export interface PersonRef {
  name: string | null;
  email: string;
}

export interface InvitationSummary {
  id: string;
  email: string;
  role: Role;
  status: 'pending' | 'expired';
  invitedBy: PersonRef | null;
  createdAt: Date;
  expiresAt: Date;
  lastSentAt: Date;
  sendCount: number;
  /** When "resend" becomes possible again; null when the send limit is reached (revoke and invite again). */
  resendAvailableAt: Date | null;
}

export interface InviteLinkSummary {
  id: string;
  role: Role;
  allowedDomains: string[];
  createdBy: PersonRef | null;
  createdAt: Date;
  expiresAt: Date | null;
  uses: number;
  status: 'active' | 'expired';
}

/** Everything needed to send the invitation mail after the transaction committed. */
export interface InvitationMail {
  to: string;
  locale: Locale;
  workspaceName: string;
  inviterName: string;
  role: Role;
  url: string;
}

function appUrl(path: string): string {
  return new URL(path, env().APP_URL).toString();
}

function displayName(person: { name: string | null; email: string }): string {
  return person.name?.trim() || person.email;
}

function assertAssignable(actorRole: Role, role: Role): void {
  if (!assignableRoles(actorRole).includes(role)) {
    throw new AppError('FORBIDDEN', 'invitation.roleNotAllowed', { fieldErrors: { role: 'invitation.roleNotAllowed' } });
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) {
    throw new AppError('BAD_REQUEST', 'validation.email', { fieldErrors: { email: 'validation.email' } });
  }
  return email;
}

function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** Lower-cased, de-duplicated domains ("@Example.com " → "example.com"); a field error when one is not a domain. */
export function normaliseDomains(raw: readonly string[]): string[] {
  const domains = [...new Set(raw.map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean))];
  if (domains.length > MAX_ALLOWED_DOMAINS || domains.some((d) => !DOMAIN.test(d))) {
    throw new AppError('BAD_REQUEST', 'invitation.domainsInvalid', { fieldErrors: { allowedDomains: 'invitation.domainsInvalid' } });
  }
  return domains;
}

// ─── Email invitations (admin side) ────────────────────────────────────────────────────────────

type InvitationRow = typeof invitations.$inferSelect;

function resendAvailableAt(row: Pick<InvitationRow, 'expiresAt' | 'lastSentAt' | 'sendCount'>, now: Date): Date | null {
  const pending = row.expiresAt.getTime() > now.getTime();
  if (pending && row.sendCount >= MAX_SENDS) return null;
  return new Date(row.lastSentAt.getTime() + RESEND_COOLDOWN_MS);
}

/** The rate limit of sending an invitation again; returns the new send counter. */
function nextSendCount(row: InvitationRow, now: Date): number {
  const pending = row.expiresAt.getTime() > now.getTime();
  const wait = row.lastSentAt.getTime() + RESEND_COOLDOWN_MS - now.getTime();
  if (wait > 0) {
    throw new AppError('TOO_MANY_REQUESTS', 'invitation.resendTooSoon', { params: { seconds: Math.ceil(wait / 1000) } });
  }
  if (!pending) return 1;
  if (row.sendCount >= MAX_SENDS) throw new AppError('TOO_MANY_REQUESTS', 'invitation.sendLimit', { params: { max: MAX_SENDS } });
  return row.sendCount + 1;
}

function summarise(row: InvitationRow, invitedBy: PersonRef | null, now: Date): InvitationSummary {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: row.expiresAt.getTime() > now.getTime() ? 'pending' : 'expired',
    invitedBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastSentAt: row.lastSentAt,
    sendCount: row.sendCount,
    resendAvailableAt: resendAvailableAt(row, now),
  };
}

async function mailFor(tx: Tx, scope: InviterScope, row: InvitationRow, token: string): Promise<InvitationMail> {
  // The invitee's own language when they already have an account (users is not a tenant table).
  const [account] = await tx.select({ locale: users.locale }).from(users).where(eq(users.email, row.email));
  const locale = isLocale(account?.locale) ? account.locale : scope.locale;
  return {
    to: row.email,
    locale,
    workspaceName: scope.workspace.name,
    inviterName: displayName(scope.actor),
    role: row.role,
    url: appUrl(`/${locale}/invite/${token}`),
  };
}

/**
 * Invites `email` with `role`. `tx` must be scoped to the workspace. Refuses an address that is
 * already a member and a role above the inviter's (field errors, nothing written).
 */
export async function createInvitation(
  tx: Tx,
  scope: InviterScope,
  input: { email: string; role: Role },
  now: Date = new Date(),
): Promise<{ invitation: InvitationSummary; refreshed: boolean; mail: InvitationMail }> {
  // Rate-limited by the caller (invitation-send-user / -workspace).
  const email = normaliseEmail(input.email);
  assertAssignable(scope.actor.role, input.role);
  const wsId = scope.workspace.id;

  const [member] = await tx
    .select({ userId: workspaceMembers.userId })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(and(eq(workspaceMembers.workspaceId, wsId), eq(users.email, email)));
  if (member) throw new AppError('CONFLICT', 'invitation.alreadyMember', { fieldErrors: { email: 'invitation.alreadyMember' } });

  const token = newInviteToken(wsId);
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const [open] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.workspaceId, wsId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .for('update');

  let row: InvitationRow | undefined;
  if (open) {
    const pending = open.expiresAt.getTime() > now.getTime();
    const sendCount = nextSendCount(open, now);
    [row] = await tx
      .update(invitations)
      .set({ tokenHash: hashToken(token), role: input.role, invitedBy: scope.actor.id, expiresAt, lastSentAt: now, sendCount, updatedAt: now })
      .where(eq(invitations.id, open.id))
      .returning();
    if (!row) throw new Error('invitation refresh returned no row');
    await audit(tx, scope, pending ? 'invitation.resent' : 'invitation.created', row, { refreshed: true });
  } else {
    try {
      [row] = await tx
        .insert(invitations)
        .values({ workspaceId: wsId, email, role: input.role, tokenHash: hashToken(token), invitedBy: scope.actor.id, expiresAt, lastSentAt: now, sendCount: 1 })
        .returning();
    } catch (error) {
      // A concurrent invitation of the same address won the race.
      if (isUniqueViolation(error, 'invitations_open_email_key')) {
        throw new AppError('CONFLICT', 'invitation.alreadyInvited', { fieldErrors: { email: 'invitation.alreadyInvited' } });
      }
      throw error;
    }
    if (!row) throw new Error('invitation insert returned no row');
    await audit(tx, scope, 'invitation.created', row);
  }
  return {
    invitation: summarise(row, { name: scope.actor.name, email: scope.actor.email }, now),
    refreshed: Boolean(open),
    mail: await mailFor(tx, scope, row, token),
  };
}

async function audit(
  tx: Tx,
  scope: InviterScope,
  action: 'invitation.created' | 'invitation.resent' | 'invitation.revoked',
  row: InvitationRow,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(tx, {
    workspaceId: scope.workspace.id,
    actorId: scope.actor.id,
    action,
    target: { type: 'invitation', id: row.id },
    data: { email: row.email, role: row.role, ...extra },
    ip: scope.ip,
    requestId: scope.requestId,
  });
}

async function findOpenInvitation(tx: Tx, workspaceId: string, invitationId: string): Promise<InvitationRow> {
  const [row] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.workspaceId, workspaceId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .for('update');
  if (!row) throw new AppError('NOT_FOUND', 'invitation.notFound');
  return row;
}

/** Sends an open invitation again with a new token and a new 7-day expiry (rate limited). */
export async function resendInvitation(
  tx: Tx,
  scope: InviterScope,
  invitationId: string,
  now: Date = new Date(),
): Promise<{ invitation: InvitationSummary; mail: InvitationMail }> {
  const open = await findOpenInvitation(tx, scope.workspace.id, invitationId);
  const sendCount = nextSendCount(open, now);
  const token = newInviteToken(scope.workspace.id);
  const [row] = await tx
    .update(invitations)
    .set({ tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + INVITATION_TTL_MS), lastSentAt: now, sendCount, updatedAt: now })
    .where(eq(invitations.id, open.id))
    .returning();
  if (!row) throw new AppError('NOT_FOUND', 'invitation.notFound');
  await audit(tx, scope, 'invitation.resent', row, { sendCount });
  const invitedBy = await personRef(tx, row.invitedBy);
  return { invitation: summarise(row, invitedBy, now), mail: await mailFor(tx, scope, row, token) };
}

/** Withdraws an open (pending or expired) invitation; its link then shows "revoked". */
export async function revokeInvitation(tx: Tx, scope: InviterScope, invitationId: string, now: Date = new Date()): Promise<void> {
  const [row] = await tx
    .update(invitations)
    .set({ revokedAt: now, updatedAt: now })
    .where(
      and(
        eq(invitations.id, invitationId),
        eq(invitations.workspaceId, scope.workspace.id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning();
  if (!row) throw new AppError('NOT_FOUND', 'invitation.notFound');
  await audit(tx, scope, 'invitation.revoked', row);
}

async function personRef(tx: DbOrTx, userId: string | null): Promise<PersonRef | null> {
  if (!userId) return null;
  const [person] = await tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
  return person ?? null;
}

/** Open invitations (pending and expired, not accepted or revoked), newest first, bounded. */
export async function listInvitations(tx: DbOrTx, workspaceId: string, now: Date = new Date()): Promise<InvitationSummary[]> {
  const inviter = alias(users, 'inviter');
  const rows = await tx
    .select({ invitation: invitations, inviterName: inviter.name, inviterEmail: inviter.email })
    .from(invitations)
    .leftJoin(inviter, eq(inviter.id, invitations.invitedBy))
    .where(and(eq(invitations.workspaceId, workspaceId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(INVITATION_LIST_LIMIT);
  return rows.map(({ invitation, inviterName, inviterEmail }) =>
    summarise(invitation, inviterEmail ? { name: inviterName, email: inviterEmail } : null, now),
  );
}

// ─── Invite links (admin side) ─────────────────────────────────────────────────────────────────

type InviteLinkRow = typeof inviteLinks.$inferSelect;

function summariseLink(row: InviteLinkRow, createdBy: PersonRef | null, now: Date): InviteLinkSummary {
  return {
    id: row.id,
    role: row.role,
    allowedDomains: row.allowedDomains,
    createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    uses: row.uses,
    status: row.expiresAt && row.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active',
  };
}

/**
 * A shareable link that lets anyone with a verified address (in `allowedDomains`, when given) join
 * with `role`. The URL (with the raw token) is returned once and never again.
 */
export async function createInviteLink(
  tx: Tx,
  scope: InviterScope,
  input: { role: Role; allowedDomains: readonly string[]; expiresInDays: number | null },
  now: Date = new Date(),
): Promise<{ link: InviteLinkSummary; url: string }> {
  assertAssignable(scope.actor.role, input.role);
  const allowedDomains = normaliseDomains(input.allowedDomains);
  const token = newInviteToken(scope.workspace.id);
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 24 * 60 * 60 * 1000) : null;
  const [row] = await tx
    .insert(inviteLinks)
    .values({ workspaceId: scope.workspace.id, role: input.role, tokenHash: hashToken(token), allowedDomains, createdBy: scope.actor.id, expiresAt })
    .returning();
  if (!row) throw new Error('invite link insert returned no row');
  await recordAudit(tx, {
    workspaceId: scope.workspace.id,
    actorId: scope.actor.id,
    action: 'invite_link.created',
    target: { type: 'invite_link', id: row.id },
    data: { role: row.role, allowedDomains, expiresAt: expiresAt?.toISOString() ?? null },
    ip: scope.ip,
    requestId: scope.requestId,
  });
  // No locale in the path: each visitor is sent to their own language by the locale middleware.
  return { link: summariseLink(row, { name: scope.actor.name, email: scope.actor.email }, now), url: appUrl(`/join/${token}`) };
}

/** Links not revoked (active and expired), newest first, bounded. */
export async function listInviteLinks(tx: DbOrTx, workspaceId: string, now: Date = new Date()): Promise<InviteLinkSummary[]> {
  const creator = alias(users, 'creator');
  const rows = await tx
    .select({ link: inviteLinks, creatorName: creator.name, creatorEmail: creator.email })
    .from(inviteLinks)
    .leftJoin(creator, eq(creator.id, inviteLinks.createdBy))
    .where(and(eq(inviteLinks.workspaceId, workspaceId), isNull(inviteLinks.revokedAt)))
    .orderBy(desc(inviteLinks.createdAt), desc(inviteLinks.id))
    .limit(INVITE_LINK_LIST_LIMIT);
  return rows.map(({ link, creatorName, creatorEmail }) => summariseLink(link, creatorEmail ? { name: creatorName, email: creatorEmail } : null, now));
}

export async function revokeInviteLink(tx: Tx, scope: InviterScope, linkId: string, now: Date = new Date()): Promise<void> {
  const [row] = await tx
    .update(inviteLinks)
    .set({ revokedAt: now, updatedAt: now })
    .where(and(eq(inviteLinks.id, linkId), eq(inviteLinks.workspaceId, scope.workspace.id), isNull(inviteLinks.revokedAt)))
    .returning();
  if (!row) throw new AppError('NOT_FOUND', 'invitation.linkNotFound');
  await recordAudit(tx, {
    workspaceId: scope.workspace.id,
    actorId: scope.actor.id,
    action: 'invite_link.revoked',
    target: { type: 'invite_link', id: row.id },
    data: { role: row.role, uses: row.uses },
    ip: scope.ip,
    requestId: scope.requestId,
  });
}

// ─── Mail ──────────────────────────────────────────────────────────────────────────────────────

/** Queues the invitation mail in `tx` — the invitation's own transaction: sent once it commits. */
export async function queueInvitationMail(tx: DbOrTx, mail: InvitationMail): Promise<void> {
  await queueMail(tx, {
    kind: 'invitation',
    to: mail.to,
    data: { locale: mail.locale, workspaceName: mail.workspaceName, inviterName: mail.inviterName, role: mail.role, url: mail.url, days: INVITATION_TTL_DAYS },
  });
}

// ─── Accepting (invitee side) ──────────────────────────────────────────────────────────────────

export type InviteStatus = 'valid' | 'expired' | 'revoked' | 'used' | 'invalid';

/** What an invite page may show: nothing at all for an unknown token. */
export interface InviteInspection {
  status: InviteStatus;
  workspaceName: string | null;
  inviterName: string | null;
  role: Role | null;
  /** The invited address — only while the invitation is valid (to prefill sign-up, to name the right account). */
  email: string | null;
  /** Invite links: the domains admitted (empty = any). */
  allowedDomains: string[];
}

const INVALID: InviteInspection = { status: 'invalid', workspaceName: null, inviterName: null, role: null, email: null, allowedDomains: [] };

function invitationStatus(row: Pick<InvitationRow, 'acceptedAt' | 'revokedAt' | 'expiresAt'>, now: Date): InviteStatus {
  if (row.acceptedAt) return 'used';
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}

function linkStatus(row: Pick<InviteLinkRow, 'revokedAt' | 'expiresAt'>, now: Date): InviteStatus {
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}

async function workspaceOf(tx: Tx, workspaceId: string): Promise<{ name: string; slug: string }> {
  const [workspace] = await tx.select({ name: workspaces.name, slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!workspace) throw new AppError('NOT_FOUND', 'invitation.invalid');
  return workspace;
}

async function inviterName(tx: Tx, userId: string | null): Promise<string | null> {
  const person = await personRef(tx, userId);
  return person ? displayName(person) : null;
}

/** Public: the state of an email invitation token. */
export async function inspectInvitation(database: DbOrTx, token: string, now: Date = new Date()): Promise<InviteInspection> {
  const parsed = parseInviteToken(token);
  if (!parsed) return INVALID;
  return withTenant(database, { workspaceId: parsed.workspaceId }, async (tx) => {
    const [row] = await tx.select().from(invitations).where(and(eq(invitations.tokenHash, hashToken(token)), eq(invitations.workspaceId, parsed.workspaceId)));
    if (!row) return INVALID;
    const status = invitationStatus(row, now);
    return {
      status,
      workspaceName: (await workspaceOf(tx, row.workspaceId)).name,
      inviterName: await inviterName(tx, row.invitedBy),
      role: row.role,
      email: status === 'valid' ? row.email : null,
      allowedDomains: [],
    };
  });
}

/** Public: the state of an invite link token. */
export async function inspectInviteLink(database: DbOrTx, token: string, now: Date = new Date()): Promise<InviteInspection> {
  const parsed = parseInviteToken(token);
  if (!parsed) return INVALID;
  return withTenant(database, { workspaceId: parsed.workspaceId }, async (tx) => {
    const [row] = await tx.select().from(inviteLinks).where(and(eq(inviteLinks.tokenHash, hashToken(token)), eq(inviteLinks.workspaceId, parsed.workspaceId)));
    if (!row) return INVALID;
    const status = linkStatus(row, now);
    return {
      status,
      workspaceName: (await workspaceOf(tx, row.workspaceId)).name,
      inviterName: await inviterName(tx, row.createdBy),
      role: row.role,
      email: null,
      allowedDomains: status === 'valid' ? row.allowedDomains : [],
    };
  });
}

/** The signed-in user accepting (from the session). */
export interface AcceptingUser {
  id: string;
  email: string;
  emailVerified: Date | null;
}

export interface AcceptMeta {
  ip: string | null;
  requestId: string | null;
}

export interface AcceptResult {
  workspaceSlug: string;
  alreadyMember: boolean;
}

const STATUS_ERRORS: Record<Exclude<InviteStatus, 'valid'>, { code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST'; key: string }> = {
  invalid: { code: 'NOT_FOUND', key: 'invitation.invalid' },
  expired: { code: 'BAD_REQUEST', key: 'invitation.expired' },
  revoked: { code: 'BAD_REQUEST', key: 'invitation.revoked' },
  used: { code: 'CONFLICT', key: 'invitation.used' },
};

function statusError(status: Exclude<InviteStatus, 'valid'>): AppError {
  const { code, key } = STATUS_ERRORS[status];
  return new AppError(code, key);
}

async function isMember(tx: Tx, workspaceId: string, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ userId: workspaceMembers.userId })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
  return Boolean(row);
}

async function recordJoin(
  tx: Tx,
  workspaceId: string,
  user: AcceptingUser,
  role: Role,
  used: { action: 'invitation.accepted' | 'invite_link.used'; type: 'invitation' | 'invite_link'; id: string },
  meta: AcceptMeta,
): Promise<void> {
  const via = used.type === 'invitation' ? 'invitation' : 'invite_link';
  await recordAudit(tx, {
    workspaceId,
    actorId: user.id,
    action: used.action,
    target: { type: used.type, id: used.id },
    data: { email: user.email, role },
    ip: meta.ip,
    requestId: meta.requestId,
  });
  await recordAudit(tx, {
    workspaceId,
    actorId: user.id,
    action: 'member.joined',
    target: { type: 'user', id: user.id },
    data: { role, via, [`${via}Id`]: used.id },
    ip: meta.ip,
    requestId: meta.requestId,
  });
}

/**
 * Accepts an email invitation for the signed-in user: one transaction that consumes the token
 * (a conditional UPDATE, so two concurrent accepts yield one membership), adds the membership and
 * writes `invitation.accepted` + `member.joined`.
 */
export async function acceptInvitation(
  database: DbOrTx,
  user: AcceptingUser,
  token: string,
  meta: AcceptMeta,
  now: Date = new Date(),
): Promise<AcceptResult> {
  const parsed = parseInviteToken(token);
  if (!parsed) throw statusError('invalid');
  // Scoped to the workspace the token names: row-level security admits only its rows.
  return withTenant(database, { workspaceId: parsed.workspaceId, userId: user.id }, async (tx) => {
    const hash = hashToken(token);
    const [found] = await tx.select().from(invitations).where(and(eq(invitations.tokenHash, hash), eq(invitations.workspaceId, parsed.workspaceId)));
    if (!found) throw statusError('invalid');
    const workspace = await workspaceOf(tx, found.workspaceId);
    const ownAddress = found.email === user.email.trim().toLowerCase();

    if (await isMember(tx, found.workspaceId, user.id)) {
      // Nothing to join; an open invitation of this very address is settled so it leaves the pending list.
      if (ownAddress && invitationStatus(found, now) === 'valid') {
        await tx
          .update(invitations)
          .set({ acceptedAt: now, acceptedBy: user.id, updatedAt: now })
          .where(and(eq(invitations.id, found.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
      }
      return { workspaceSlug: workspace.slug, alreadyMember: true };
    }

    const status = invitationStatus(found, now);
    if (status !== 'valid') throw statusError(status);
    if (!ownAddress) throw new AppError('FORBIDDEN', 'invitation.wrongAccount', { params: { email: found.email } });
    if (!user.emailVerified) throw new AppError('FORBIDDEN', 'invitation.emailNotVerified');

    const [consumed] = await tx
      .update(invitations)
      .set({ acceptedAt: now, acceptedBy: user.id, updatedAt: now })
      .where(
        and(
          eq(invitations.id, found.id),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          gt(invitations.expiresAt, now),
        ),
      )
      .returning();
    if (!consumed) {
      // Someone else's transaction changed it meanwhile (a concurrent accept, a revoke).
      const [current] = await tx.select().from(invitations).where(eq(invitations.id, found.id));
      if (current?.acceptedBy === user.id && (await isMember(tx, found.workspaceId, user.id))) {
        return { workspaceSlug: workspace.slug, alreadyMember: true };
      }
      throw statusError(current ? (invitationStatus(current, now) as Exclude<InviteStatus, 'valid'>) : 'invalid');
    }

    const [joined] = await tx
      .insert(workspaceMembers)
      .values({ workspaceId: found.workspaceId, userId: user.id, role: consumed.role })
      .onConflictDoNothing()
      .returning({ userId: workspaceMembers.userId });
    if (!joined) return { workspaceSlug: workspace.slug, alreadyMember: true };
    await recordJoin(tx, found.workspaceId, user, consumed.role, { action: 'invitation.accepted', type: 'invitation', id: consumed.id }, meta);
    return { workspaceSlug: workspace.slug, alreadyMember: false };
  });
}

/**
 * Joins through an invite link: a verified address, in the allow-list when there is one. Counts the
 * use and writes `invite_link.used` + `member.joined`. Already a member → just lands.
 */
export async function acceptInviteLink(
  database: DbOrTx,
  user: AcceptingUser,
  token: string,
  meta: AcceptMeta,
  now: Date = new Date(),
): Promise<AcceptResult> {
  const parsed = parseInviteToken(token);
  if (!parsed) throw statusError('invalid');
  // Scoped to the workspace the token names: row-level security admits only its rows.
  return withTenant(database, { workspaceId: parsed.workspaceId, userId: user.id }, async (tx) => {
    const [link] = await tx
      .select()
      .from(inviteLinks)
      .where(and(eq(inviteLinks.tokenHash, hashToken(token)), eq(inviteLinks.workspaceId, parsed.workspaceId)));
    if (!link) throw statusError('invalid');
    const workspace = await workspaceOf(tx, link.workspaceId);
    if (await isMember(tx, link.workspaceId, user.id)) return { workspaceSlug: workspace.slug, alreadyMember: true };

    const status = linkStatus(link, now);
    if (status !== 'valid') throw statusError(status);
    if (!user.emailVerified) throw new AppError('FORBIDDEN', 'invitation.emailNotVerified');
    if (link.allowedDomains.length > 0 && !link.allowedDomains.includes(emailDomain(user.email))) {
      throw new AppError('FORBIDDEN', 'invitation.domainNotAllowed', { params: { domains: link.allowedDomains.join(', ') } });
    }

    const [joined] = await tx
      .insert(workspaceMembers)
      .values({ workspaceId: link.workspaceId, userId: user.id, role: link.role })
      .onConflictDoNothing()
      .returning({ userId: workspaceMembers.userId });
    // A concurrent join of the same user won: nothing to count.
    if (!joined) return { workspaceSlug: workspace.slug, alreadyMember: true };
    await tx
      .update(inviteLinks)
      .set({ uses: sql`${inviteLinks.uses} + 1`, updatedAt: now })
      .where(eq(inviteLinks.id, link.id));
    await recordJoin(tx, link.workspaceId, user, link.role, { action: 'invite_link.used', type: 'invite_link', id: link.id }, meta);
    return { workspaceSlug: workspace.slug, alreadyMember: false };
  });
}
