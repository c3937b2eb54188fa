/**
 * A fresh signed ALTCHA challenge for the widget (AUTH-4; src/server/auth/captcha.ts). Stateless:
 * nothing is stored until a solution is spent. Counted against the caller's `trpc-read` budget,
 * like any read of the API; never cached.
 */
import { createAltchaChallenge } from '@/server/auth/captcha';
import { clientIpOf } from '@/server/platform/client-ip';
import { enforceRateLimits, rateLimitHeaders, rateLimitRefusalOf } from '@/server/platform/rate-limit';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  try {
    await enforceRateLimits([{ policy: 'trpc-read', subject: clientIpOf(request.headers) }]);
  } catch (error) {
    const refusal = rateLimitRefusalOf(error);
    if (!refusal) throw error;
    return new Response(null, { status: 429, headers: rateLimitHeaders(refusal) });
  }
  const challenge = await createAltchaChallenge();
  return Response.json(challenge, { headers: { 'cache-control': 'no-store' } });
}
