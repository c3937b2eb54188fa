/**
 * The password policy (AUTH-3, NIST SP 800-63B §3.1.1.2), applied by the server wherever a password
 * is SET — sign-up, reset, change (src/server/auth/account-service.ts) — never on sign-in:
 *
 * - 10–128 characters, no composition rules;
 * - not on the bundled common-password list, a zxcvbn score of at least 3, and not made of the
 *   user's email, name or the app's name (src/lib/password-strength.ts, offline);
 * - when HIBP_ENABLED, not in Have I Been Pwned (./pwned-passwords.ts; fails open).
 *
 * The zod schema (`newPasswordSchema`) stays a plain length check; this runs in the service, so the
 * refusal carries the user's context and comes back as a field error under the password field.
 */
import 'server-only';
import { PASSWORD_MAX, PASSWORD_MIN, type PasswordContext, type PasswordWeakness } from '@/lib/password-rules';
import { env } from '@/server/platform/env';
import { AppError } from '@/server/platform/errors';
import { checkPwnedPassword, HIBP_TIMEOUT_MS } from './pwned-passwords';

export interface PasswordPolicyOptions {
  /** The form field the refusal belongs to (sign-up and reset: `password`; change: `newPassword`). */
  field?: 'password' | 'newPassword';
  /** The breach check; defaults to HIBP_ENABLED / HIBP_API_URL. */
  hibp?: { enabled: boolean; baseUrl: string; timeoutMs?: number };
}

/** The zxcvbn dictionaries are large: loaded on the first password set, not when the server starts. */
let strength: Promise<typeof import('@/lib/password-strength')> | undefined;
function loadStrength() {
  strength ??= import('@/lib/password-strength');
  return strength;
}

/** Why `password` may not be set for the user in `context`, or null when it may. */
export async function passwordWeakness(password: string, context: PasswordContext, options: PasswordPolicyOptions = {}): Promise<PasswordWeakness | null> {
  // Bounds first: nothing else is worth computing (and zxcvbn's cost grows with the length).
  if (password.length < PASSWORD_MIN) return 'tooShort';
  if (password.length > PASSWORD_MAX) return 'tooLong';
  const { assessPassword } = await loadStrength();
  const { weakness } = assessPassword(password, context);
  if (weakness) return weakness;
  const hibp = options.hibp ?? { enabled: env().HIBP_ENABLED, baseUrl: env().HIBP_API_URL };
  if (hibp.enabled) {
    const pwned = await checkPwnedPassword(password, { baseUrl: hibp.baseUrl, timeoutMs: hibp.timeoutMs ?? HIBP_TIMEOUT_MS });
    if (pwned.status === 'found') return 'breached';
  }
  return null;
}

/**
 * Refuses a new password that breaks the policy: BAD_REQUEST `auth.passwordWeak.<reason>`, with the
 * same key as the field error of `options.field`, so the form shows the reason under the field.
 */
export async function checkNewPassword(password: string, context: PasswordContext, options: PasswordPolicyOptions = {}): Promise<void> {
  const weakness = await passwordWeakness(password, context, options);
  if (!weakness) return;
  const key = `auth.passwordWeak.${weakness}`;
  throw new AppError('BAD_REQUEST', key, { fieldErrors: { [options.field ?? 'password']: key } });
}
