/**
 * Realtime tickets (COLLAB-3): the short-lived credential a browser presents to the sidecar.
 *
 * A ticket is `base64url(JSON claims) "." base64url(HMAC-SHA256(claims))`. The HMAC key is derived
 * from AUTH_SECRET (never the secret itself), so a ticket can't be replayed as another signed value.
 * AUTH_SECRET may be a comma-separated list: the first secret signs, every secret verifies (rotation).
 * The comparison is constant-time. Tickets live at most 60 s; the sidecar also refuses a nonce it
 * has already seen on this instance, so a leaked ticket is good for one connection at most.
 * A ticket names the session that minted it: the sidecar keeps a socket only while that session lives.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Longest lifetime a ticket may have; longer claims are refused even when correctly signed. */
export const TICKET_MAX_TTL_MS = 60_000;
/** Lifetime of the tickets we mint (the client connects right after asking for one). */
export const TICKET_TTL_MS = 60_000;

const KEY_LABEL = 'kanso:realtime-ticket:v1';

export const ticketClaimsSchema = z
  .object({
    userId: z.string().uuid(),
    /** The server-side session (sessions.id) the ticket was minted for. */
    sessionId: z.string().uuid(),
    /**
     * The workspace the socket acts in. Absent: a user-level socket (COLLAB-7) — no rooms, no
     * workspace events, only the user's own notification frames (every signed-in page has one).
     */
    workspaceId: z.string().uuid().optional(),
    projectId: z.string().uuid().optional(),
    /** Expiry, Unix milliseconds. */
    exp: z.number().int().positive(),
    nonce: z.string().min(16).max(64),
  })
  .refine((c) => c.workspaceId !== undefined || c.projectId === undefined, { message: 'a project needs its workspace' });
export type TicketClaims = z.infer<typeof ticketClaimsSchema>;

export type TicketFailure = 'malformed' | 'bad_signature' | 'expired';
export type TicketResult = { ok: true; claims: TicketClaims } | { ok: false; reason: TicketFailure };

/** The secrets of AUTH_SECRET, in order (first signs). */
export function ticketSecrets(authSecret: string): string[] {
  const secrets = authSecret
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (secrets.length === 0) throw new Error('AUTH_SECRET is empty');
  return secrets;
}

function keyOf(secret: string): Buffer {
  return createHmac('sha256', secret).update(KEY_LABEL).digest();
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

/** Signs a ticket for `claims` (user, session, workspace — absent: user-level —, optional project); returns it with its expiry. */
export function signTicket(
  authSecret: string,
  claims: { userId: string; sessionId: string; workspaceId?: string; projectId?: string },
  now: number = Date.now(),
  ttlMs: number = TICKET_TTL_MS,
): { ticket: string; expiresAt: Date } {
  const [signer] = ticketSecrets(authSecret);
  const exp = now + Math.min(ttlMs, TICKET_MAX_TTL_MS);
  const full: TicketClaims = { ...claims, exp, nonce: randomBytes(16).toString('base64url') };
  const body = Buffer.from(JSON.stringify(full)).toString('base64url');
  return { ticket: `${body}.${mac(keyOf(signer!), body).toString('base64url')}`, expiresAt: new Date(exp) };
}

/** Verifies signature (any configured secret, constant-time), shape and expiry. */
export function verifyTicket(authSecret: string, ticket: string, now: number = Date.now()): TicketResult {
  if (typeof ticket !== 'string' || ticket.length > 2048) return { ok: false, reason: 'malformed' };
  const parts = ticket.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
  const [body, signature] = parts as [string, string];
  const given = Buffer.from(signature, 'base64url');
  let valid = false;
  for (const secret of ticketSecrets(authSecret)) {
    const expected = mac(keyOf(secret), body);
    // Check every secret (no early exit) so timing does not reveal which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const claims = ticketClaimsSchema.safeParse(parsed);
  if (!claims.success) return { ok: false, reason: 'malformed' };
  if (claims.data.exp <= now || claims.data.exp - now > TICKET_MAX_TTL_MS) return { ok: false, reason: 'expired' };
  return { ok: true, claims: claims.data };
}
