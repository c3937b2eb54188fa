import { describe, expect, it } from 'vitest';
import { signTicket, TICKET_MAX_TTL_MS, verifyTicket } from './ticket';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const claims = {
  userId: '11111111-1111-4111-8111-111111111111',
  sessionId: '55555555-5555-4555-8555-555555555555',
  workspaceId: '22222222-2222-4222-8222-222222222222',
};

describe('realtime tickets', () => {
  it('round-trips the claims it signed', () => {
    const { ticket, expiresAt } = signTicket(A, { ...claims, projectId: '33333333-3333-4333-8333-333333333333' });
    const result = verifyTicket(A, ticket);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.claims).toMatchObject({ ...claims, projectId: '33333333-3333-4333-8333-333333333333' });
      expect(result.claims.exp).toBe(expiresAt.getTime());
    }
  });

  it('gives every ticket its own nonce', () => {
    expect(signTicket(A, claims).ticket).not.toBe(signTicket(A, claims).ticket);
  });

  it('refuses a tampered body or signature', () => {
    const { ticket } = signTicket(A, claims);
    const [body, sig] = ticket.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), workspaceId: '44444444-4444-4444-8444-444444444444' }),
    ).toString('base64url');
    expect(verifyTicket(A, `${forged}.${sig}`)).toEqual({ ok: false, reason: 'bad_signature' });
    const flipped = sig.slice(0, -2) + (sig.endsWith('AA') ? 'BB' : 'AA');
    expect(verifyTicket(A, `${body}.${flipped}`)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyTicket(A, `${body}.`)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyTicket(A, 'garbage')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a correctly signed ticket that names no session', () => {
    const { sessionId: _none, ...sessionless } = claims;
    const { ticket } = signTicket(A, sessionless as typeof claims);
    expect(verifyTicket(A, ticket)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a ticket signed with another secret', () => {
    expect(verifyTicket(B, signTicket(A, claims).ticket)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an expired ticket and one claiming a lifetime over the maximum', () => {
    const now = Date.now();
    const { ticket } = signTicket(A, claims, now, 30_000);
    expect(verifyTicket(A, ticket, now + 29_999).ok).toBe(true);
    expect(verifyTicket(A, ticket, now + 30_000)).toEqual({ ok: false, reason: 'expired' });
    // Minted "in the future" (a clock far ahead): its exp is beyond now + max → refused.
    const ahead = signTicket(A, claims, now + 5 * TICKET_MAX_TTL_MS).ticket;
    expect(verifyTicket(A, ahead, now)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rotation: the first secret signs, every listed secret verifies', () => {
    const old = signTicket(A, claims).ticket;
    expect(verifyTicket(`${B},${A}`, old).ok).toBe(true);
    const fresh = signTicket(`${B},${A}`, claims).ticket;
    expect(verifyTicket(B, fresh).ok).toBe(true);
    expect(verifyTicket(A, fresh)).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
