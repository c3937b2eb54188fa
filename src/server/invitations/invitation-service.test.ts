/**
 * The invitation service's own rules (tokens, domains, clocks) called directly; the procedures and
 * their permission guards are covered in src/server/api/routers/invitation.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Tx } from '@/server/db/client';
import { withTenant } from '@/server/db/tenant';
import { AppError } from '@/server/platform/errors';
import { superSql, testDb } from '../../../test/support/db';
import { makeUser, makeWorkspace } from '../../../test/support/trpc';
import {
  acceptInvitation,
  createInvitation,
  inspectInvitation,
  INVITATION_TTL_MS,
  MAX_SENDS,
  newInviteToken,
  normaliseDomains,
  normaliseEmail,
  parseInviteToken,
  resendInvitation,
  RESEND_COOLDOWN_MS,
  type InviterScope,
} from './invitation-service';

describe('invite tokens', () => {
  it('name their workspace and carry 256 random bits', () => {
    const workspaceId = randomUUID();
    const token = newInviteToken(workspaceId);
    expect(token).toMatch(new RegExp(`^${workspaceId}\\.[A-Za-z0-9_-]{43}$`));
    expect(parseInviteToken(token)).toEqual({ workspaceId });
    expect(newInviteToken(workspaceId)).not.toBe(token);
  });

  it('parse nothing that is not exactly that shape', () => {
    const good = newInviteToken(randomUUID());
    for (const bad of ['', good.toUpperCase(), `${good}=`, good.replace('.', '-'), `x${good}`, `${good.split('.')[0]}.short`, `not-a-uuid.${'a'.repeat(43)}`]) {
      expect(parseInviteToken(bad)).toBeNull();
    }
  });
});

describe('normalising input', () => {
  it('lower-cases and trims addresses, refusing malformed ones with a field error', () => {
    expect(normaliseEmail('  Ann@Example.COM ')).toBe('ann@example.com');
    for (const bad of ['ann', 'ann@', '@example.com', 'ann@example', 'a b@example.com']) {
      expect(() => normaliseEmail(bad)).toThrow(AppError);
    }
  });

  it('normalises and de-duplicates domains; refuses anything that is not a domain', () => {
    expect(normaliseDomains([' @Example.COM', 'example.com', '', 'xn--mnchen-3ya.de', 'a-b.co.uk'])).toEqual(['example.com', 'xn--mnchen-3ya.de', 'a-b.co.uk']);
    for (const bad of [['localhost'], ['exa mple.com'], ['ann@example.com'], ['-x.com'], ['x-.com'], ['*.example.com'], ['example.com/path']]) {
      let error: unknown;
      try {
        normaliseDomains(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { allowedDomains: 'invitation.domainsInvalid' } });
    }
  });
});

describe('clocks', () => {
  async function setup() {
    const owner = await makeUser({ name: 'Olga' });
    const ws = await makeWorkspace([{ userId: owner.id, role: 'owner' }], 'Clockwork');
    const scope: InviterScope = {
      workspace: { id: ws.id, slug: ws.slug, name: ws.name },
      actor: { id: owner.id, name: owner.name, email: owner.email, role: 'owner' },
      locale: 'en',
      ip: null,
      requestId: null,
    };
    const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(testDb(), { workspaceId: ws.id, userId: owner.id }, fn);
    return { ws, scope, inTenant };
  }

  it('expires an invitation exactly 7 days after it was (re)sent', async () => {
    const { scope, inTenant } = await setup();
    const t0 = new Date('2030-01-01T00:00:00Z');
    const { mail, invitation } = await inTenant((tx) => createInvitation(tx, scope, { email: 'clock@example.test', role: 'member' }, t0));
    expect(invitation.expiresAt.getTime() - t0.getTime()).toBe(INVITATION_TTL_MS);
    const token = mail.url.split('/invite/')[1]!;
    const justBefore = new Date(t0.getTime() + INVITATION_TTL_MS - 1);
    expect((await inspectInvitation(testDb(), token, justBefore)).status).toBe('valid');
    expect((await inspectInvitation(testDb(), token, new Date(t0.getTime() + INVITATION_TTL_MS))).status).toBe('expired');
  });

  it('allows a resend once the cooldown passed, and tells the wait in whole seconds before', async () => {
    const { scope, inTenant } = await setup();
    const t0 = new Date('2030-01-01T00:00:00Z');
    const { invitation } = await inTenant((tx) => createInvitation(tx, scope, { email: 'wait@example.test', role: 'member' }, t0));
    const early = new Date(t0.getTime() + RESEND_COOLDOWN_MS - 1500);
    await expect(inTenant((tx) => resendInvitation(tx, scope, invitation.id, early))).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      key: 'invitation.resendTooSoon',
      params: { seconds: 2 },
    });
    let at = t0;
    for (let send = 2; send <= MAX_SENDS; send++) {
      at = new Date(at.getTime() + RESEND_COOLDOWN_MS);
      const { invitation: resent } = await inTenant((tx) => resendInvitation(tx, scope, invitation.id, at));
      expect(resent.sendCount).toBe(send);
      expect(resent.expiresAt.getTime() - at.getTime()).toBe(INVITATION_TTL_MS);
    }
    at = new Date(at.getTime() + RESEND_COOLDOWN_MS);
    await expect(inTenant((tx) => resendInvitation(tx, scope, invitation.id, at))).rejects.toMatchObject({ key: 'invitation.sendLimit', params: { max: MAX_SENDS } });
  });

  it('refuses to accept at the expiry instant, even when the page was opened before it', async () => {
    const { ws, scope, inTenant } = await setup();
    const invitee = await makeUser({ email: 'edge@example.test' });
    const t0 = new Date('2030-01-01T00:00:00Z');
    const { mail } = await inTenant((tx) => createInvitation(tx, scope, { email: invitee.email, role: 'viewer' }, t0));
    const token = mail.url.split('/invite/')[1]!;
    const expiry = new Date(t0.getTime() + INVITATION_TTL_MS);
    await expect(acceptInvitation(testDb(), invitee, token, { ip: null, requestId: null }, expiry)).rejects.toMatchObject({ key: 'invitation.expired' });
    const [row] = await superSql()<{ n: number }[]>`SELECT count(*)::int AS n FROM workspace_members WHERE workspace_id = ${ws.id}`;
    expect(row!.n).toBe(1);
    expect(await acceptInvitation(testDb(), invitee, token, { ip: null, requestId: null }, new Date(expiry.getTime() - 1))).toMatchObject({ alreadyMember: false });
  });
});
