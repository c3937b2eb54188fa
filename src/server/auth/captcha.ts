/**
 * CAPTCHA (AUTH-4): a self-hosted ALTCHA proof of work by default, Cloudflare Turnstile when both
 * `TURNSTILE_SITE_KEY` and `TURNSTILE_SECRET_KEY` are set. Asked for on every sign-up and on
 * sign-in once an address has failed a few times (./lockout.ts).
 *
 * ALTCHA (altcha-lib v2, PoW v2): the server issues a challenge signed with HMAC keys derived from
 * AUTH_SECRET (no state until it is solved), valid `CAPTCHA_TTL_SECONDS`; SHA-256 with a secret
 * counter of at most `ALTCHA_MAX_COUNTER`, so a phone finds it in about a second. Verifying checks
 * expiry, the challenge signature and the derived key's signature, then records the challenge's
 * signature in `captcha_solutions` until it expires: a solution is good for one request only.
 */
import 'server-only';
import { createHmac } from 'node:crypto';
import { createChallenge, randomInt, verifySolution, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { z } from 'zod';
import type { DbOrTx } from '@/server/db/client';
import { captchaSolutions } from '@/server/db/schema';
import { env } from '@/server/platform/env';
import { logger } from '@/server/platform/logger';

export const CAPTCHA_TTL_SECONDS = 10 * 60;
export const ALTCHA_ALGORITHM = 'SHA-256';
/** The secret counter is drawn from [ALTCHA_MIN_COUNTER, ALTCHA_MAX_COUNTER]: the work is up to that many hashes. */
export const ALTCHA_MIN_COUNTER = 5_000;
export const ALTCHA_MAX_COUNTER = 50_000;
export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';
const TURNSTILE_TIMEOUT_MS = 5_000;

export type CaptchaProvider = 'altcha' | 'turnstile';

/** What the browser needs to show the widget. */
export type CaptchaWidget = { provider: 'altcha'; challengeUrl: string } | { provider: 'turnstile'; siteKey: string };

export const ALTCHA_CHALLENGE_PATH = '/api/captcha/challenge';

export function captchaProvider(): CaptchaProvider {
  const { TURNSTILE_SITE_KEY, TURNSTILE_SECRET_KEY } = env();
  return TURNSTILE_SITE_KEY && TURNSTILE_SECRET_KEY ? 'turnstile' : 'altcha';
}

export function captchaWidget(): CaptchaWidget {
  return captchaProvider() === 'turnstile'
    ? { provider: 'turnstile', siteKey: env().TURNSTILE_SITE_KEY! }
    : { provider: 'altcha', challengeUrl: ALTCHA_CHALLENGE_PATH };
}

let keys: { secret: string; signature: string; keySignature: string } | undefined;

/** Two HMAC keys derived from AUTH_SECRET (challenge signature, derived-key signature). */
function altchaKeys() {
  const secret = env().AUTH_SECRET;
  if (keys?.secret !== secret) {
    const derive = (label: string) => createHmac('sha256', secret).update(`kanso:altcha:${label}:v1`).digest('hex');
    keys = { secret, signature: derive('challenge'), keySignature: derive('key') };
  }
  return keys;
}

/** A fresh signed ALTCHA challenge (the widget fetches it from ALTCHA_CHALLENGE_PATH). */
export async function createAltchaChallenge(now: Date = new Date()): Promise<Challenge> {
  const { signature, keySignature } = altchaKeys();
  return createChallenge({
    algorithm: ALTCHA_ALGORITHM,
    cost: 1,
    counter: randomInt(ALTCHA_MAX_COUNTER, ALTCHA_MIN_COUNTER),
    deriveKey,
    expiresAt: new Date(now.getTime() + CAPTCHA_TTL_SECONDS * 1000),
    hmacSignatureSecret: signature,
    hmacKeySignatureSecret: keySignature,
  });
}

/** The widget's payload: base64 of `{ challenge: { parameters, signature }, solution }`. */
const altchaPayload = z.object({
  challenge: z.object({
    parameters: z
      .object({
        algorithm: z.literal(ALTCHA_ALGORITHM),
        nonce: z.string().max(128),
        salt: z.string().max(128),
        cost: z.number(),
        keyLength: z.number(),
        keyPrefix: z.string().max(256),
        keySignature: z.string().max(256).optional(),
        expiresAt: z.number(),
      })
      .loose(),
    signature: z.string().min(1).max(256),
  }),
  solution: z.object({ counter: z.number().int().nonnegative(), derivedKey: z.string().max(256), time: z.number().optional() }),
});

export type CaptchaVerdict = 'ok' | 'missing' | 'invalid' | 'replayed';

/** Decodes the widget's payload, or null when it is not one. */
function decodeAltcha(token: string) {
  try {
    const parsed = altchaPayload.safeParse(JSON.parse(Buffer.from(token, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function verifyAltcha(database: DbOrTx, token: string): Promise<CaptchaVerdict> {
  const payload = decodeAltcha(token);
  if (!payload) return 'invalid';
  const { signature, keySignature } = altchaKeys();
  let verified = false;
  try {
    const result = await verifySolution({
      challenge: payload.challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: signature,
      hmacKeySignatureSecret: keySignature,
    });
    verified = result.verified && !result.expired;
  } catch {
    verified = false;
  }
  if (!verified) return 'invalid';
  // Spend it: the first request with this challenge wins, every later one is a replay.
  const spent = await database
    .insert(captchaSolutions)
    .values({ signature: payload.challenge.signature, expiresAt: new Date(payload.challenge.parameters.expiresAt * 1000) })
    .onConflictDoNothing({ target: captchaSolutions.signature })
    .returning({ signature: captchaSolutions.signature });
  return spent.length === 1 ? 'ok' : 'replayed';
}

async function verifyTurnstile(token: string, ip: string | null | undefined): Promise<CaptchaVerdict> {
  const body = new URLSearchParams({ secret: env().TURNSTILE_SECRET_KEY!, response: token });
  if (ip) body.set('remoteip', ip);
  try {
    const response = await fetch(TURNSTILE_VERIFY_URL, { method: 'POST', body, signal: AbortSignal.timeout(TURNSTILE_TIMEOUT_MS) });
    const result = (await response.json()) as { success?: boolean; 'error-codes'?: string[] };
    if (result.success === true) return 'ok';
    // Turnstile tokens are single-use: a second use answers `timeout-or-duplicate`.
    return result['error-codes']?.includes('timeout-or-duplicate') ? 'replayed' : 'invalid';
  } catch (error) {
    // Fails closed: without Cloudflare's word the request is refused (the user may try again).
    logger.warn({ reason: error instanceof Error ? error.name : 'unknown' }, 'auth.captcha_verify_unavailable');
    return 'invalid';
  }
}

/** Checks a CAPTCHA answer of the configured provider. */
export async function verifyCaptcha(database: DbOrTx, token: string | null | undefined, meta: { ip?: string | null } = {}): Promise<CaptchaVerdict> {
  if (!token) return 'missing';
  return captchaProvider() === 'turnstile' ? verifyTurnstile(token, meta.ip) : verifyAltcha(database, token);
}
