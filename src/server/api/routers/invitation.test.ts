/**
 * Invitations through the real appRouter against PostgreSQL (TEN-3): every rule, its success and
 * each refusal, with row counts read past row-level security (superSql) to prove that a refused
 * call wrote nothing — no invitation, no audit entry, no mail.
 */
import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { deliverQueuedMail } from '../../../../test/support/mail';
import type { Role } from '@/lib/permissions';
import { AppError } from '@/server/platform/errors';
import { superSql } from '../../../../test/support/db';
import { callerAs, errorOf, makeUser, makeWorkspace } from '../../../../test/support/trpc';
import { solvedCaptcha } from '../../../../test/support/captcha';

/** The service's AppError behind a tRPC error (its key and params). */
function appErrorOf(error: TRPCError): AppError {
  if (!(error.cause instanceof AppError)) throw new Error(`expected an AppError cause, got ${String(error.cause)}`);
  return error.cause;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

interface Counts {
  invitations: number;
  links: number;
  members: number;
  audit: number;
  mails: number;
}

async function counts(workspaceId: string): Promise<Counts> {
  const sql = superSql();
  const [row] = await sql<Counts[]>`
    SELECT
      (SELECT count(*)::int FROM invitations WHERE workspace_id = ${workspaceId}) AS invitations,
      (SELECT count(*)::int FROM invite_links WHERE workspace_id = ${workspaceId}) AS links,
      (SELECT count(*)::int FROM workspace_members WHERE workspace_id = ${workspaceId}) AS members,
      (SELECT count(*)::int FROM audit_log WHERE workspace_id = ${workspaceId}) AS audit,
      (SELECT count(*)::int FROM mail_messages) AS mails`;
  return row!;
}

async function mailsTo(address: string) {
  await deliverQueuedMail();
  return superSql()<{ subject: string; text: string; html: string }[]>`
    SELECT subject, text, html FROM dev_mails WHERE "to" = ${address.toLowerCase()} ORDER BY created_at, id`;
}

/** The raw token of the newest invitation mail to `address`, and the link's locale. */
async function inviteLinkOf(address: string): Promise<{ token: string; locale: string; url: string }> {
  const mails = await mailsTo(address);
  const text = mails.at(-1)?.text ?? '';
  const match = /(http:\/\/localhost:3000\/(en|de)\/invite\/([A-Za-z0-9._-]+))/.exec(text);
  if (!match) throw new Error(`no invitation link in the mail to ${address}: ${text}`);
  return { url: match[1]!, locale: match[2]!, token: match[3]! };
}

async function auditActions(workspaceId: string): Promise<string[]> {
  const rows = await superSql()<{ action: string }[]>`SELECT action FROM audit_log WHERE workspace_id = ${workspaceId} ORDER BY seq`;
  return rows.map((r) => r.action);
}

async function invitationRow(workspaceId: string, email: string) {
  const [row] = await superSql()<
    {
      id: string;
      email: string;
      role: Role;
      token_hash: string;
      expires_at: Date;
      send_count: number;
      accepted_at: Date | null;
      accepted_by: string | null;
      revoked_at: Date | null;
    }[]
  >`SELECT * FROM invitations WHERE workspace_id = ${workspaceId} AND email = ${email} ORDER BY created_at DESC LIMIT 1`;
  return row;
}

/** Moves the last send of an invitation into the past (past the 60 s cooldown). */
async function coolDown(invitationId: string, seconds = 120): Promise<void> {
  await superSql()`UPDATE invitations SET last_sent_at = last_sent_at - make_interval(secs => ${seconds}) WHERE id = ${invitationId}`;
}

async function expire(invitationId: string): Promise<void> {
  await superSql()`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = ${invitationId}`;
}

async function membership(workspaceId: string, userId: string): Promise<Role | null> {
  const [row] = await superSql()<{ role: Role }[]>`SELECT role FROM workspace_members WHERE workspace_id = ${workspaceId} AND user_id = ${userId}`;
  return row?.role ?? null;
}

let seq = 0;
const address = (tag: string) => `${tag}-${++seq}-${Date.now()}@invitee.test`;

interface Team {
  ws: { id: string; slug: string; name: string };
  owner: { id: string; email: string };
  admin: { id: string; email: string };
  member: { id: string; email: string };
  viewer: { id: string; email: string };
}

async function makeTeam(): Promise<Team> {
  const owner = await makeUser({ name: 'Olivia Owner' });
  const admin = await makeUser({ name: 'Adam Admin' });
  const member = await makeUser();
  const viewer = await makeUser();
  const ws = await makeWorkspace(
    [
      { userId: owner.id, role: 'owner' },
      { userId: admin.id, role: 'admin' },
      { userId: member.id, role: 'member' },
      { userId: viewer.id, role: 'viewer' },
    ],
    `Team ${++seq}`,
  );
  return { ws, owner, admin, member, viewer };
}

let team: Team;
beforeEach(async () => {
  team = await makeTeam();
});

// ─── invitation.create ─────────────────────────────────────────────────────────────────────────

describe('invitation.create', () => {
  it('invites an address: lower-cased, hashed token, 7-day expiry, audit entry, mail with the accept link', async () => {
    const email = address('new');
    const { caller } = await callerAs(team.admin.id);
    const before = Date.now();
    const result = await caller.invitation.create({ workspaceSlug: team.ws.slug, email: `  ${email.toUpperCase()} `, role: 'member' });
    expect(result.refreshed).toBe(false);
    expect(result.invitation).toMatchObject({ email, role: 'member', status: 'pending', sendCount: 1, invitedBy: { name: 'Adam Admin', email: team.admin.email } });

    const row = (await invitationRow(team.ws.id, email))!;
    const days = (row.expires_at.getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);

    const mails = await mailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`Adam Admin invited you to ${team.ws.name} on Kanso`);
    const { token, locale } = await inviteLinkOf(email);
    expect(locale).toBe('en');
    expect(token.startsWith(`${team.ws.id}.`)).toBe(true);
    // Only the hash is stored; the raw token is nowhere in the database.
    expect(row.token_hash).toBe(sha256(token));
    const [leak] = await superSql()`SELECT 1 FROM invitations WHERE token_hash = ${token} OR email = ${token}`;
    expect(leak).toBeUndefined();

    expect(await auditActions(team.ws.id)).toEqual(['invitation.created']);
  });

  it("mails in the invitee's saved language when they have an account, else in the inviter's", async () => {
    const german = await makeUser({ email: address('german'), locale: 'de' });
    const { caller } = await callerAs(team.owner.id, { locale: 'en' });
    await caller.invitation.create({ workspaceSlug: team.ws.slug, email: german.email, role: 'viewer' });
    expect((await inviteLinkOf(german.email)).locale).toBe('de');
    expect((await mailsTo(german.email))[0]!.subject).toBe(`Olivia Owner hat Sie zu ${team.ws.name} auf Kanso eingeladen`);
    expect((await mailsTo(german.email))[0]!.text).toContain('Betrachter');

    const stranger = address('stranger');
    const { caller: inGerman } = await callerAs(team.owner.id, { locale: 'de' });
    await inGerman.invitation.create({ workspaceSlug: team.ws.slug, email: stranger, role: 'member' });
    expect((await inviteLinkOf(stranger)).locale).toBe('de');
  });

  it('refuses an existing member with a field error and writes nothing', async () => {
    const before = await counts(team.ws.id);
    const { caller } = await callerAs(team.admin.id);
    const error = await errorOf(caller.invitation.create({ workspaceSlug: team.ws.slug, email: team.member.email.toUpperCase(), role: 'member' }));
    expect(error.code).toBe('CONFLICT');
    expect(appErrorOf(error).fieldErrors).toEqual({ email: 'invitation.alreadyMember' });
    expect(await counts(team.ws.id)).toEqual(before);
  });

  it('refuses an invalid email with a field error and writes nothing', async () => {
    const before = await counts(team.ws.id);
    const { caller } = await callerAs(team.admin.id);
    for (const bad of ['not-an-email', 'a@b', '', 'two@@example.com']) {
      const error = await errorOf(caller.invitation.create({ workspaceSlug: team.ws.slug, email: bad, role: 'member' }));
      expect(error.code).toBe('BAD_REQUEST');
    }
    expect(await counts(team.ws.id)).toEqual(before);
  });

  it('refuses a role above your own (and owner for anyone) with a field error, writing nothing', async () => {
    const before = await counts(team.ws.id);
    const { caller: asAdmin } = await callerAs(team.admin.id);
    const { caller: asOwner } = await callerAs(team.owner.id);
    const adminOwner = await errorOf(asAdmin.invitation.create({ workspaceSlug: team.ws.slug, email: address('x'), role: 'owner' }));
    expect(adminOwner.code).toBe('FORBIDDEN');
    expect(appErrorOf(adminOwner).fieldErrors).toEqual({ role: 'invitation.roleNotAllowed' });
    const ownerOwner = await errorOf(asOwner.invitation.create({ workspaceSlug: team.ws.slug, email: address('x'), role: 'owner' }));
    expect(appErrorOf(ownerOwner).key).toBe('invitation.roleNotAllowed');
    expect(await counts(team.ws.id)).toEqual(before);
    // An admin may invite admins (their own rank).
    await asAdmin.invitation.create({ workspaceSlug: team.ws.slug, email: address('peer'), role: 'admin' });
  });

  it('answers over HTTP with the localised field error', async () => {
    const { caller } = await callerAs(team.admin.id, { locale: 'de' });
    const error = await errorOf(caller.invitation.create({ workspaceSlug: team.ws.slug, email: team.viewer.email, role: 'member' }));
    const { localiseError } = await import('@/server/api/errors');
    expect(localiseError(error, 'de').fieldErrors).toEqual({ email: 'Diese Person ist bereits Mitglied des Workspace.' });
    expect(localiseError(error, 'en').fieldErrors).toEqual({ email: 'This person is already a member of the workspace.' });
  });

  it('is refused to members and viewers (FORBIDDEN) and to outsiders (NOT_FOUND)', async () => {
    const outsider = await makeUser();
    for (const [userId, code] of [
      [team.member.id, 'FORBIDDEN'],
      [team.viewer.id, 'FORBIDDEN'],
      [outsider.id, 'NOT_FOUND'],
    ] as const) {
      const { caller } = await callerAs(userId);
      expect((await errorOf(caller.invitation.create({ workspaceSlug: team.ws.slug, email: address('x'), role: 'viewer' }))).code).toBe(code);
      expect((await errorOf(caller.invitation.list({ workspaceSlug: team.ws.slug }))).code).toBe(code);
    }
    expect((await counts(team.ws.id)).invitations).toBe(0);
  });

  it('refreshes an open invitation of the same address: new token and role, the old link dies; rate limited while pending', async () => {
    const email = address('again');
    const { caller } = await callerAs(team.admin.id);
    const first = await caller.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'viewer' });
    const oldToken = (await inviteLinkOf(email)).token;

    // Within the cooldown: refused, nothing changes.
    const before = await counts(team.ws.id);
    const tooSoon = await errorOf(caller.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'member' }));
    expect(tooSoon.code).toBe('TOO_MANY_REQUESTS');
    expect(await counts(team.ws.id)).toEqual(before);

    await coolDown(first.invitation.id);
    const second = await caller.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'member' });
    expect(second).toMatchObject({ refreshed: true, invitation: { id: first.invitation.id, role: 'member', sendCount: 2 } });
    const newToken = (await inviteLinkOf(email)).token;
    expect(newToken).not.toBe(oldToken);

    const { caller: anonymous } = await callerAs(null);
    expect((await anonymous.invitation.inspect({ token: oldToken })).status).toBe('invalid');
    expect(await anonymous.invitation.inspect({ token: newToken })).toMatchObject({ status: 'valid', role: 'member' });
    expect((await counts(team.ws.id)).invitations).toBe(1);
    expect(await auditActions(team.ws.id)).toEqual(['invitation.created', 'invitation.resent']);
  });

  it('starts an expired open invitation over (send counter back to 1)', async () => {
    const email = address('expired');
    const { caller } = await callerAs(team.admin.id);
    const first = await caller.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'viewer' });
    await expire(first.invitation.id);
    await coolDown(first.invitation.id);
    const again = await caller.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'viewer' });
    expect(again).toMatchObject({ refreshed: true, invitation: { status: 'pending', sendCount: 1 } });
    expect(await auditActions(team.ws.id)).toEqual(['invitation.created', 'invitation.created']);
  });

  it('yields one open invitation when the same address is invited twice at once', async () => {
    const email = address('race');
    const { caller: a } = await callerAs(team.admin.id);
    const { caller: b } = await callerAs(team.owner.id);
    const results = await Promise.allSettled([
      a.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'member' }),
      b.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'member' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(['CONFLICT', 'TOO_MANY_REQUESTS']).toContain((rejected?.reason as TRPCError).code);
    expect((await counts(team.ws.id)).invitations).toBe(1);
  });
});

// ─── invitation.list / resend / revoke ─────────────────────────────────────────────────────────

describe('invitation.list', () => {
  it('lists pending and expired invitations of this workspace only, newest first', async () => {
    const { caller } = await callerAs(team.owner.id);
    const a = await caller.invitation.create({ workspaceSlug: team.ws.slug, email: address('a'), role: 'member' });
    const b = await caller.invitation.create({ workspaceSlug: team.ws.slug, email: address('b'), role: 'viewer' });
    const c = await caller.invitation.create({ workspaceSlug: team.ws.slug, email: address('c'), role: 'viewer' });
    await expire(a.invitation.id);
    await caller.invitation.revoke({ workspaceSlug: team.ws.slug, invitationId: c.invitation.id });

    const other = await makeTeam();
    const { caller: otherOwner } = await callerAs(other.owner.id);
    await otherOwner.invitation.create({ workspaceSlug: other.ws.slug, email: address('elsewhere'), role: 'member' });

    const list = await caller.invitation.list({ workspaceSlug: team.ws.slug });
    expect(list.map((i) => [i.id, i.status])).toEqual([
      [b.invitation.id, 'pending'],
      [a.invitation.id, 'expired'],
    ]);
    expect(Date.parse(list[0]!.resendAvailableAt!)).toBeGreaterThan(Date.now());
    // Admins may read; nothing in the answer carries a token.
    const { caller: asAdmin } = await callerAs(team.admin.id);
    expect(JSON.stringify(await asAdmin.invitation.list({ workspaceSlug: team.ws.slug }))).not.toMatch(/token/i);
  });
});

describe('invitation.resend', () => {
  it('mails a new link, rate limited: not within 60 s, at most 5 sends; refusals write nothing', async () => {
    const email = address('resend');
    const { caller } = await callerAs(team.admin.id);
    const { invitation } = await caller.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'member' });
    const first = (await inviteLinkOf(email)).token;

    const before = await counts(team.ws.id);
    const tooSoon = await errorOf(caller.invitation.resend({ workspaceSlug: team.ws.slug, invitationId: invitation.id }));
    expect(tooSoon.code).toBe('TOO_MANY_REQUESTS');
    const seconds = Number(appErrorOf(tooSoon).params?.seconds);
    expect(seconds).toBeGreaterThan(50);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(tooSoon.message).toBe('invitation.resendTooSoon');
    const { localiseError } = await import('@/server/api/errors');
    expect(localiseError(tooSoon, 'en').message).toBe(`Please wait ${seconds} seconds before sending this invitation again.`);
    expect(localiseError(tooSoon, 'de').message).toBe(`Bitte warten Sie ${seconds} Sekunden, bevor Sie diese Einladung erneut senden.`);
    expect(await counts(team.ws.id)).toEqual(before);

    for (let send = 2; send <= 5; send++) {
      await coolDown(invitation.id);
      const { invitation: resent } = await caller.invitation.resend({ workspaceSlug: team.ws.slug, invitationId: invitation.id });
      expect(resent.sendCount).toBe(send);
    }
    const latest = (await inviteLinkOf(email)).token;
    expect(latest).not.toBe(first);
    expect(await mailsTo(email)).toHaveLength(5);

    await coolDown(invitation.id);
    const capped = await counts(team.ws.id);
    const limit = await errorOf(caller.invitation.resend({ workspaceSlug: team.ws.slug, invitationId: invitation.id }));
    expect(limit.code).toBe('TOO_MANY_REQUESTS');
    expect(appErrorOf(limit).key).toBe('invitation.sendLimit');
    expect(await counts(team.ws.id)).toEqual(capped);
    expect((await caller.invitation.list({ workspaceSlug: team.ws.slug }))[0]!.resendAvailableAt).toBeNull();

    const { caller: anonymous } = await callerAs(null);
    expect((await anonymous.invitation.inspect({ token: first })).status).toBe('invalid');
    expect((await anonymous.invitation.inspect({ token: latest })).status).toBe('valid');
    expect((await auditActions(team.ws.id)).filter((a) => a === 'invitation.resent')).toHaveLength(4);
  });

  it('renews an expired invitation for another 7 days', async () => {
    const email = address('renew');
    const { caller } = await callerAs(team.admin.id);
    const { invitation } = await caller.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'member' });
    await expire(invitation.id);
    await coolDown(invitation.id);
    const { invitation: renewed } = await caller.invitation.resend({ workspaceSlug: team.ws.slug, invitationId: invitation.id });
    expect(renewed.status).toBe('pending');
    expect(renewed.sendCount).toBe(1);
  });

  it("does not touch another workspace's invitation (NOT_FOUND)", async () => {
    const other = await makeTeam();
    const { caller: otherOwner } = await callerAs(other.owner.id);
    const { invitation } = await otherOwner.invitation.create({ workspaceSlug: other.ws.slug, email: address('theirs'), role: 'member' });
    await coolDown(invitation.id);
    const { caller } = await callerAs(team.owner.id);
    expect((await errorOf(caller.invitation.resend({ workspaceSlug: team.ws.slug, invitationId: invitation.id }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.invitation.revoke({ workspaceSlug: team.ws.slug, invitationId: invitation.id }))).code).toBe('NOT_FOUND');
    expect((await counts(other.ws.id)).invitations).toBe(1);
    expect((await otherOwner.invitation.list({ workspaceSlug: other.ws.slug }))[0]!.sendCount).toBe(1);
  });
});

describe('invitation.revoke', () => {
  it('withdraws an invitation: its link shows "revoked", accepting is refused; a second revoke is NOT_FOUND', async () => {
    const invitee = await makeUser({ email: address('revoked') });
    const { caller } = await callerAs(team.admin.id);
    const { invitation } = await caller.invitation.create({ workspaceSlug: team.ws.slug, email: invitee.email, role: 'member' });
    const { token } = await inviteLinkOf(invitee.email);
    await caller.invitation.revoke({ workspaceSlug: team.ws.slug, invitationId: invitation.id });
    expect(await caller.invitation.list({ workspaceSlug: team.ws.slug })).toEqual([]);

    const { caller: anonymous } = await callerAs(null);
    expect(await anonymous.invitation.inspect({ token })).toMatchObject({ status: 'revoked', workspaceName: team.ws.name, email: null });
    const { caller: asInvitee } = await callerAs(invitee.id);
    const refused = await errorOf(asInvitee.invitation.accept({ token }));
    expect(appErrorOf(refused).key).toBe('invitation.revoked');
    expect(await membership(team.ws.id, invitee.id)).toBeNull();

    expect((await errorOf(caller.invitation.revoke({ workspaceSlug: team.ws.slug, invitationId: invitation.id }))).code).toBe('NOT_FOUND');
    expect(await auditActions(team.ws.id)).toEqual(['invitation.created', 'invitation.revoked']);
    // A new invitation of the same address is possible again.
    await coolDown(invitation.id);
    await caller.invitation.create({ workspaceSlug: team.ws.slug, email: invitee.email, role: 'member' });
  });
});

// ─── Accepting ─────────────────────────────────────────────────────────────────────────────────

describe('invitation.inspect / accept', () => {
  async function invite(email: string, role: Role = 'member') {
    const { caller } = await callerAs(team.admin.id);
    const { invitation } = await caller.invitation.create({ workspaceSlug: team.ws.slug, email, role });
    return { invitation, token: (await inviteLinkOf(email)).token };
  }

  it('shows a signed-out visitor the workspace, inviter, role, address and status — nothing else', async () => {
    const email = address('look');
    const { token } = await invite(email, 'viewer');
    const { caller } = await callerAs(null);
    expect(await caller.invitation.inspect({ token })).toEqual({
      status: 'valid',
      workspaceName: team.ws.name,
      inviterName: 'Adam Admin',
      role: 'viewer',
      email,
      allowedDomains: [],
    });
  });

  it('lets the invited account join with the role, once; audit invitation.accepted + member.joined', async () => {
    const invitee = await makeUser({ email: address('joiner') });
    const { invitation, token } = await invite(invitee.email, 'viewer');
    const { caller } = await callerAs(invitee.id);
    expect(await caller.invitation.accept({ token })).toEqual({ workspaceSlug: team.ws.slug, alreadyMember: false });
    expect(await membership(team.ws.id, invitee.id)).toBe('viewer');
    const row = (await invitationRow(team.ws.id, invitee.email))!;
    expect(row.accepted_by).toBe(invitee.id);
    expect(row.accepted_at).toBeInstanceOf(Date);
    expect(await auditActions(team.ws.id)).toEqual(['invitation.created', 'invitation.accepted', 'member.joined']);
    const [joined] = await superSql()<{ actor_id: string; data: { role: string; via: string } }[]>`
      SELECT actor_id, data FROM audit_log WHERE workspace_id = ${team.ws.id} AND action = 'member.joined'`;
    expect(joined).toMatchObject({ actor_id: invitee.id, data: { role: 'viewer', via: 'invitation', invitationId: invitation.id } });

    // Again: already a member → just lands, nothing new written.
    const before = await counts(team.ws.id);
    expect(await caller.invitation.accept({ token })).toEqual({ workspaceSlug: team.ws.slug, alreadyMember: true });
    expect(await counts(team.ws.id)).toEqual(before);
    expect((await (await callerAs(null)).caller.invitation.inspect({ token })).status).toBe('used');
    // Gone from the pending list; the member can open the workspace.
    const { caller: asAdmin } = await callerAs(team.admin.id);
    expect(await asAdmin.invitation.list({ workspaceSlug: team.ws.slug })).toEqual([]);
    expect((await caller.workspace.get({ workspaceSlug: team.ws.slug })).role).toBe('viewer');
  });

  it('refuses another account (foreign token) with a clear message and writes nothing', async () => {
    const email = address('intended');
    const { token } = await invite(email);
    const other = await makeUser({ email: address('other') });
    const before = await counts(team.ws.id);
    const { caller } = await callerAs(other.id, { locale: 'en' });
    const error = await errorOf(caller.invitation.accept({ token }));
    expect(error.code).toBe('FORBIDDEN');
    expect(appErrorOf(error).key).toBe('invitation.wrongAccount');
    const { localiseError } = await import('@/server/api/errors');
    expect(localiseError(error, 'en').message).toBe(`This invitation is for another address (${email}). Sign in with that address to accept it.`);
    expect(await counts(team.ws.id)).toEqual(before);
    expect(await membership(team.ws.id, other.id)).toBeNull();
  });

  it('refuses an account whose address is not verified', async () => {
    const unverified = await makeUser({ email: address('unverified'), emailVerified: null });
    const { token } = await invite(unverified.email);
    const before = await counts(team.ws.id);
    const { caller } = await callerAs(unverified.id);
    expect(appErrorOf(await errorOf(caller.invitation.accept({ token }))).key).toBe('invitation.emailNotVerified');
    expect(await counts(team.ws.id)).toEqual(before);
  });

  it('refuses an expired invitation clearly (and shows it as expired)', async () => {
    const invitee = await makeUser({ email: address('late') });
    const { invitation, token } = await invite(invitee.email);
    await expire(invitation.id);
    const before = await counts(team.ws.id);
    const { caller } = await callerAs(invitee.id);
    const error = await errorOf(caller.invitation.accept({ token }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(appErrorOf(error).key).toBe('invitation.expired');
    expect(await counts(team.ws.id)).toEqual(before);
    expect(await (await callerAs(null)).caller.invitation.inspect({ token })).toMatchObject({ status: 'expired', email: null, workspaceName: team.ws.name });
  });

  it('treats a tampered token as invalid: wrong workspace part, wrong secret, garbage', async () => {
    const invitee = await makeUser({ email: address('tamper') });
    const { token } = await invite(invitee.email);
    const other = await makeTeam();
    const secret = token.slice(token.indexOf('.') + 1);
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const forged = [
      `${other.ws.id}.${secret}`, // right secret, another workspace
      `${team.ws.id}.${flipped}`, // right workspace, wrong secret
      `${team.ws.id.toUpperCase()}.${secret}`,
      secret,
      `${token}x`,
      '../../etc/passwd',
      '',
    ];
    const { caller: anonymous } = await callerAs(null);
    const { caller } = await callerAs(invitee.id);
    for (const bad of forged) {
      expect(await anonymous.invitation.inspect({ token: bad })).toEqual({
        status: 'invalid',
        workspaceName: null,
        inviterName: null,
        role: null,
        email: null,
        allowedDomains: [],
      });
      const error = await errorOf(caller.invitation.accept({ token: bad }));
      expect([error.code, appErrorOf(error).key]).toEqual(['NOT_FOUND', 'invitation.invalid']);
    }
    expect(await membership(team.ws.id, invitee.id)).toBeNull();
    expect(await membership(other.ws.id, invitee.id)).toBeNull();
    // The genuine token still works.
    expect((await caller.invitation.accept({ token })).alreadyMember).toBe(false);
  });

  it('accepting twice at once yields one membership and one audit pair', async () => {
    const invitee = await makeUser({ email: address('double') });
    const { token } = await invite(invitee.email);
    const callers = await Promise.all([1, 2, 3].map(() => callerAs(invitee.id)));
    const results = await Promise.all(callers.map(({ caller }) => caller.invitation.accept({ token })));
    expect(results.every((r) => r.workspaceSlug === team.ws.slug)).toBe(true);
    expect(results.filter((r) => !r.alreadyMember)).toHaveLength(1);
    const [row] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM workspace_members WHERE workspace_id = ${team.ws.id} AND user_id = ${invitee.id}`;
    expect(row!.n).toBe(1);
    expect((await auditActions(team.ws.id)).filter((a) => a === 'member.joined')).toHaveLength(1);
  });

  it('is single-use: after a removal the same token does not bring the person back', async () => {
    const invitee = await makeUser({ email: address('removed') });
    const { token } = await invite(invitee.email);
    const { caller } = await callerAs(invitee.id);
    await caller.invitation.accept({ token });
    await superSql()`DELETE FROM workspace_members WHERE workspace_id = ${team.ws.id} AND user_id = ${invitee.id}`;
    const before = await counts(team.ws.id);
    const error = await errorOf(caller.invitation.accept({ token }));
    expect([error.code, appErrorOf(error).key]).toEqual(['CONFLICT', 'invitation.used']);
    expect(await membership(team.ws.id, invitee.id)).toBeNull();
    expect(await counts(team.ws.id)).toEqual(before);
  });

  it('works for a brand-new account: sign-up → confirmation link back to the invitation → accept', async () => {
    const email = address('brandnew');
    const { token } = await invite(email, 'viewer');
    const invitePath = `/en/invite/${token}`;
    const { caller: visitor, jar } = await callerAs(null);
    await visitor.auth.signUp({email, password: 'a-long-enough-passphrase', callbackUrl: invitePath, captcha: await solvedCaptcha() });

    const verify = (await mailsTo(email)).find((m) => m.text.includes('/verify-email'))!;
    const link = new URL(/http:\/\/localhost:3000\/en\/verify-email\?[^\s)]+/.exec(verify.text)![0]);
    expect(link.searchParams.get('callbackUrl')).toBe(invitePath);
    const { redirectTo } = await visitor.auth.verifyEmail({ token: link.searchParams.get('token')!, callbackUrl: link.searchParams.get('callbackUrl')! });
    expect(redirectTo).toBe(invitePath);

    const { caller: signedIn } = await callerAs(null, { jar });
    expect(await signedIn.invitation.accept({ token })).toEqual({ workspaceSlug: team.ws.slug, alreadyMember: false });
    const [user] = await superSql()<{ id: string }[]>`SELECT id FROM users WHERE email = ${email}`;
    expect(await membership(team.ws.id, user!.id)).toBe('viewer');
  });

  it('keeps only a same-origin path as the callback of the confirmation link', async () => {
    const email = address('evil');
    const { caller } = await callerAs(null);
    await caller.auth.signUp({email, password: 'a-long-enough-passphrase', callbackUrl: '//evil.test/steal', captcha: await solvedCaptcha() });
    const verify = (await mailsTo(email)).at(-1)!;
    expect(verify.text).toContain('/verify-email?token=');
    expect(verify.text).not.toContain('callbackUrl');
  });

  it('needs a session to accept', async () => {
    const { token } = await invite(address('anon'));
    const { caller } = await callerAs(null);
    expect((await errorOf(caller.invitation.accept({ token }))).code).toBe('UNAUTHORIZED');
  });
});

// ─── Invite links ──────────────────────────────────────────────────────────────────────────────

describe('invite links', () => {
  async function createLink(allowedDomains: string[] = [], role: Role = 'member') {
    const { caller } = await callerAs(team.admin.id);
    const result = await caller.invitation.createLink({ workspaceSlug: team.ws.slug, role, allowedDomains });
    const token = new URL(result.url).pathname.split('/').at(-1)!;
    return { ...result, token };
  }

  it('creates a link (URL shown once, token stored hashed, domains normalised) and lists it', async () => {
    const { link, url, token } = await createLink([' @Example.COM ', 'example.com', 'Sub.Example.org']);
    expect(url).toBe(`http://localhost:3000/join/${token}`);
    expect(link).toMatchObject({ role: 'member', allowedDomains: ['example.com', 'sub.example.org'], uses: 0, status: 'active', expiresAt: null });
    const [row] = await superSql()<{ token_hash: string }[]>`SELECT token_hash FROM invite_links WHERE id = ${link.id}`;
    expect(row!.token_hash).toBe(sha256(token));
    const { caller } = await callerAs(team.owner.id);
    const listed = await caller.invitation.listLinks({ workspaceSlug: team.ws.slug });
    expect(listed).toEqual([link]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await auditActions(team.ws.id)).toEqual(['invite_link.created']);
  });

  it('refuses malformed domains and a role above your own, writing nothing', async () => {
    const before = await counts(team.ws.id);
    const { caller } = await callerAs(team.admin.id);
    for (const allowedDomains of [['not a domain'], ['example'], ['user@example.com'], ['-bad.com'], Array.from({ length: 21 }, (_, i) => `d${i}.com`)]) {
      const error = await errorOf(caller.invitation.createLink({ workspaceSlug: team.ws.slug, role: 'member', allowedDomains }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(appErrorOf(error).fieldErrors).toEqual({ allowedDomains: 'invitation.domainsInvalid' });
    }
    const owner = await errorOf(caller.invitation.createLink({ workspaceSlug: team.ws.slug, role: 'owner', allowedDomains: [] }));
    expect(appErrorOf(owner).fieldErrors).toEqual({ role: 'invitation.roleNotAllowed' });
    expect((await errorOf(caller.invitation.createLink({ workspaceSlug: team.ws.slug, role: 'member', expiresInDays: 3 }))).code).toBe('BAD_REQUEST');
    expect(await counts(team.ws.id)).toEqual(before);
    const { caller: asMember } = await callerAs(team.member.id);
    expect((await errorOf(asMember.invitation.createLink({ workspaceSlug: team.ws.slug, role: 'viewer' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(asMember.invitation.listLinks({ workspaceSlug: team.ws.slug }))).code).toBe('FORBIDDEN');
  });

  it('admits an address of an allowed domain: membership, uses+1, audit invite_link.used + member.joined', async () => {
    const { link, token } = await createLink(['example.com'], 'viewer');
    const { caller: anonymous } = await callerAs(null);
    expect(await anonymous.invitation.inspectLink({ token })).toEqual({
      status: 'valid',
      workspaceName: team.ws.name,
      inviterName: 'Adam Admin',
      role: 'viewer',
      email: null,
      allowedDomains: ['example.com'],
    });
    const joiner = await makeUser({ email: `ann-${++seq}@EXAMPLE.com`.toLowerCase() });
    const { caller } = await callerAs(joiner.id);
    expect(await caller.invitation.acceptLink({ token })).toEqual({ workspaceSlug: team.ws.slug, alreadyMember: false });
    expect(await membership(team.ws.id, joiner.id)).toBe('viewer');
    const { caller: asAdmin } = await callerAs(team.admin.id);
    expect((await asAdmin.invitation.listLinks({ workspaceSlug: team.ws.slug }))[0]).toMatchObject({ id: link.id, uses: 1 });
    expect(await auditActions(team.ws.id)).toEqual(['invite_link.created', 'invite_link.used', 'member.joined']);
    // Again: lands, counts nothing.
    expect(await caller.invitation.acceptLink({ token })).toEqual({ workspaceSlug: team.ws.slug, alreadyMember: true });
    expect((await asAdmin.invitation.listLinks({ workspaceSlug: team.ws.slug }))[0]!.uses).toBe(1);
  });

  it('refuses an address outside the allow-list (subdomains too) with a clear message, writing nothing', async () => {
    const { token } = await createLink(['example.com', 'example.org']);
    const before = await counts(team.ws.id);
    for (const email of [`eve-${++seq}@evil.test`, `eve-${++seq}@eng.example.com`, `eve-${++seq}@example.com.evil.test`]) {
      const outsider = await makeUser({ email });
      const { caller } = await callerAs(outsider.id);
      const error = await errorOf(caller.invitation.acceptLink({ token }));
      expect(error.code).toBe('FORBIDDEN');
      expect(appErrorOf(error).key).toBe('invitation.domainNotAllowed');
      const { localiseError } = await import('@/server/api/errors');
      expect(localiseError(error, 'en').message).toBe('This invite link only admits addresses at example.com, example.org.');
      expect(await membership(team.ws.id, outsider.id)).toBeNull();
    }
    expect(await counts(team.ws.id)).toEqual(before);
  });

  it('admits any verified address when the allow-list is empty, but not an unverified one', async () => {
    const { token } = await createLink([]);
    const anyone = await makeUser({ email: `any-${++seq}@anywhere.test` });
    expect((await (await callerAs(anyone.id)).caller.invitation.acceptLink({ token })).alreadyMember).toBe(false);
    const unverified = await makeUser({ email: `unv-${++seq}@anywhere.test`, emailVerified: null });
    const error = await errorOf((await callerAs(unverified.id)).caller.invitation.acceptLink({ token }));
    expect(appErrorOf(error).key).toBe('invitation.emailNotVerified');
  });

  it('refuses a revoked or expired link clearly; a second revoke is NOT_FOUND', async () => {
    const revoked = await createLink();
    const expired = await createLink();
    const { caller: asAdmin } = await callerAs(team.admin.id);
    await asAdmin.invitation.revokeLink({ workspaceSlug: team.ws.slug, linkId: revoked.link.id });
    expect((await errorOf(asAdmin.invitation.revokeLink({ workspaceSlug: team.ws.slug, linkId: revoked.link.id }))).code).toBe('NOT_FOUND');
    await superSql()`UPDATE invite_links SET expires_at = now() - interval '1 second' WHERE id = ${expired.link.id}`;
    expect((await asAdmin.invitation.listLinks({ workspaceSlug: team.ws.slug })).map((l) => [l.id, l.status])).toEqual([[expired.link.id, 'expired']]);

    const joiner = await makeUser({ email: address('link') });
    const { caller } = await callerAs(joiner.id);
    const { caller: anonymous } = await callerAs(null);
    const before = await counts(team.ws.id);
    for (const [{ token }, key] of [
      [revoked, 'invitation.revoked'],
      [expired, 'invitation.expired'],
    ] as const) {
      expect(appErrorOf(await errorOf(caller.invitation.acceptLink({ token }))).key).toBe(key);
      expect((await anonymous.invitation.inspectLink({ token })).status).toBe(key.split('.')[1]);
    }
    expect(await counts(team.ws.id)).toEqual(before);
    expect(await auditActions(team.ws.id)).toEqual(['invite_link.created', 'invite_link.created', 'invite_link.revoked']);
  });

  it('an email invitation token is not an invite link token, and vice versa', async () => {
    const { token: linkToken } = await createLink();
    const email = address('cross');
    const { caller: asAdmin } = await callerAs(team.admin.id);
    await asAdmin.invitation.create({ workspaceSlug: team.ws.slug, email, role: 'member' });
    const { token: inviteToken } = await inviteLinkOf(email);
    const { caller: anonymous } = await callerAs(null);
    expect((await anonymous.invitation.inspect({ token: linkToken })).status).toBe('invalid');
    expect((await anonymous.invitation.inspectLink({ token: inviteToken })).status).toBe('invalid');
  });

  it('joining twice at once counts one use and one membership', async () => {
    const { link, token } = await createLink();
    const joiner = await makeUser({ email: address('twice') });
    const callers = await Promise.all([1, 2, 3].map(() => callerAs(joiner.id)));
    const results = await Promise.all(callers.map(({ caller }) => caller.invitation.acceptLink({ token })));
    expect(results.filter((r) => !r.alreadyMember)).toHaveLength(1);
    const [row] = await superSql()<{ uses: number }[]>`SELECT uses FROM invite_links WHERE id = ${link.id}`;
    expect(row!.uses).toBe(1);
    expect((await auditActions(team.ws.id)).filter((a) => a === 'member.joined')).toHaveLength(1);
  });
});
