/**
 * Every rate-limit policy of Kanso, by name (SEC-2; docs/security.md lists them with their reasons).
 *
 * A policy allows `points` calls per `seconds` for one subject — an address (`ip`), an email
 * address being signed in to or mailed (`address`), a user, a session or a workspace. The limiter
 * (src/server/platform/rate-limit.ts) counts per call, not per HTTP request: a tRPC batch of 20
 * calls spends 20 points.
 *
 * `plans` are the per-plan allowances billing will switch (TEN-5): the plan a workspace is on
 * multiplies the policy's points. Until billing exists every workspace counts as `free`.
 */

export type Subject = 'ip' | 'address' | 'user' | 'session' | 'workspace' | 'user-or-ip';

export interface RateLimitPolicy {
  /** Calls allowed per window. */
  points: number;
  /** Window length in seconds (fixed window, starting at the subject's first call). */
  seconds: number;
  subject: Subject;
  /** What it protects, for docs/security.md and the RateLimit-Policy header's readers. */
  guards: string;
  /** Multipliers of `points` per plan (TEN-5); a plan not named gets 1. */
  plans?: Partial<Record<PlanId, number>>;
}

/** The plans billing will define (BILL-1); only their ids matter here. */
export type PlanId = 'free' | 'pro' | 'business';

export const RATE_LIMIT_POLICIES = {
  'sign-in-ip': { points: 50, seconds: 10 * 60, subject: 'ip', guards: 'password guessing across accounts from one address' },
  'sign-in-account': { points: 10, seconds: 15 * 60, subject: 'address', guards: 'password guessing against one account' },
  'sign-up-ip': { points: 10, seconds: 60 * 60, subject: 'ip', guards: 'mass account creation and sign-up mail' },
  'password-reset-ip': { points: 10, seconds: 60 * 60, subject: 'ip', guards: 'reset mail sent to many addresses' },
  'password-reset-address': { points: 3, seconds: 60 * 60, subject: 'address', guards: 'reset mail flooding one inbox' },
  'magic-link-ip': { points: 10, seconds: 60 * 60, subject: 'ip', guards: 'sign-in links sent to many addresses' },
  'magic-link-address': { points: 3, seconds: 15 * 60, subject: 'address', guards: 'sign-in links flooding one inbox' },
  'verification-resend-ip': { points: 10, seconds: 60 * 60, subject: 'ip', guards: 'verification mail sent to many addresses' },
  'verification-resend-address': { points: 3, seconds: 60 * 60, subject: 'address', guards: 'verification mail flooding one inbox' },
  'invitation-send-user': { points: 30, seconds: 60 * 60, subject: 'user', guards: 'invitation mail sent by one member' },
  'invitation-send-workspace': { points: 100, seconds: 60 * 60, subject: 'workspace', guards: 'invitation mail sent from one workspace', plans: { pro: 3, business: 10 } },
  'realtime-ticket': { points: 30, seconds: 60, subject: 'session', guards: 'sockets opened by one session (each multiplies presence traffic)' },
  'trpc-read': { points: 1200, seconds: 60, subject: 'user-or-ip', guards: 'API reads by one user (or one address when signed out)', plans: { pro: 2, business: 5 } },
  'trpc-write': { points: 300, seconds: 60, subject: 'user-or-ip', guards: 'API writes by one user (or one address when signed out)', plans: { pro: 2, business: 5 } },
  'csp-report': { points: 30, seconds: 60, subject: 'ip', guards: 'CSP violation reports from one address' },
} as const satisfies Record<string, RateLimitPolicy>;

export type PolicyName = keyof typeof RATE_LIMIT_POLICIES;

export function policyOf(name: PolicyName): RateLimitPolicy {
  return RATE_LIMIT_POLICIES[name];
}

/** The points a subject on `plan` gets, with the deployment's scale (RATE_LIMIT_SCALE, for load tests) applied. */
export function allowedPoints(policy: RateLimitPolicy, plan: PlanId, scale: number): number {
  return Math.max(1, Math.round(policy.points * (policy.plans?.[plan] ?? 1) * scale));
}
