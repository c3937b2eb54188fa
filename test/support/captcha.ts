/**
 * A solved ALTCHA challenge as the widget would submit it (base64 of `{ challenge, solution }`),
 * solved here with altcha-lib's own solver: what a browser does, without a browser.
 */
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { createAltchaChallenge } from '@/server/auth/captcha';

export function altchaPayload(challenge: Challenge, solution: unknown): string {
  return Buffer.from(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution })).toString('base64');
}

/** A fresh challenge from the server's own issuer, solved. */
export async function solvedCaptcha(challenge?: Challenge): Promise<string> {
  const issued = challenge ?? (await createAltchaChallenge());
  const solution = await solveChallenge({ challenge: issued, deriveKey });
  if (!solution) throw new Error('could not solve the ALTCHA challenge');
  return altchaPayload(issued, solution);
}
