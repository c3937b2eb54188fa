/**
 * Have I Been Pwned's Pwned Passwords range API (AUTH-3), k-anonymity: only the first five hex
 * characters of the password's SHA-1 leave the server; the answer lists every suffix with that
 * prefix (padded with zero-count decoys, `Add-Padding: true`, so its size tells nothing) and the
 * match is made here.
 *
 * Fails open: a service that is down, slow (HIBP_TIMEOUT_MS) or answers anything but 200 must not
 * stop people from setting a password — the offline check has already run. That is logged once per
 * check, without the password, its hash or any part of it.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import { logger } from '@/server/platform/logger';

export const HIBP_TIMEOUT_MS = 2000;

export interface PwnedCheckOptions {
  /** e.g. https://api.pwnedpasswords.com (HIBP_API_URL); `/range/{prefix}` is appended. */
  baseUrl: string;
  timeoutMs?: number;
}

export type PwnedResult = { status: 'found'; count: number } | { status: 'not_found' } | { status: 'unavailable' };

function logUnavailable(reason: 'timeout' | 'unreachable' | 'http_status' | 'bad_body', status?: number, code?: string): void {
  logger.warn({ check: 'hibp', reason, status, code }, 'auth.password_breach_check_unavailable');
}

/** Looks the password up in Pwned Passwords: found (with how often it was seen), not found, or unavailable. */
export async function checkPwnedPassword(password: string, options: PwnedCheckOptions): Promise<PwnedResult> {
  const digest = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
  const prefix = digest.slice(0, 5);
  const suffix = digest.slice(5);
  const url = `${options.baseUrl.replace(/\/+$/, '')}/range/${prefix}`;
  let body: string;
  try {
    const response = await fetch(url, {
      headers: { 'Add-Padding': 'true', 'User-Agent': 'Kanso-password-policy' },
      redirect: 'error',
      // Covers connecting, the headers and reading the body.
      signal: AbortSignal.timeout(options.timeoutMs ?? HIBP_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      logUnavailable('http_status', response.status);
      return { status: 'unavailable' };
    }
    body = await response.text();
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      logUnavailable('timeout');
    } else {
      // Only the error code (ECONNREFUSED, ENOTFOUND, …): messages may carry the URL, and so the prefix.
      const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
      logUnavailable('unreachable', undefined, typeof cause?.code === 'string' ? cause.code : undefined);
    }
    return { status: 'unavailable' };
  }
  let lines = 0;
  for (const line of body.split('\n')) {
    const [candidate, count] = line.trim().split(':');
    if (!candidate || count === undefined) continue;
    lines += 1;
    if (candidate.toUpperCase() !== suffix) continue;
    const seen = Number.parseInt(count, 10);
    // Padding entries carry a count of 0: not a breach.
    return Number.isFinite(seen) && seen > 0 ? { status: 'found', count: seen } : { status: 'not_found' };
  }
  if (lines === 0) {
    logUnavailable('bad_body', 200);
    return { status: 'unavailable' };
  }
  return { status: 'not_found' };
}
