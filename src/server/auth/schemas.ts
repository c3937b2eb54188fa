/**
 * Input contracts of the account flows (shared by the tRPC router, the services and the
 * magic-link server action). Field errors come back translated through `zodIssueMessage`.
 */
import { z } from 'zod';
import { text } from '@/server/platform/input';
import { PASSWORD_MAX, PASSWORD_MIN } from '@/lib/password-rules';

export { PASSWORD_MAX, PASSWORD_MIN };

/** Trimmed and lower-cased before it is checked, so " Ann@Example.COM " is ann@example.com. */
export const emailSchema = text().trim().toLowerCase().pipe(z.email().max(254));

/**
 * A password being set: the length bounds only. The rest of the policy (common, context-specific and
 * breached passwords, AUTH-3) needs the account's context and runs in the service
 * (src/server/auth/password-policy.ts).
 */
export const newPasswordSchema = z.string().min(PASSWORD_MIN).max(PASSWORD_MAX);

/** A password being checked: whatever length the user could have set, bounded so hashing cannot be abused. */
const existingPasswordSchema = z.string().min(1).max(1024);

const callbackUrlSchema = text().max(2048).optional();

/** The CAPTCHA answer (AUTH-4): the ALTCHA widget's base64 payload or a Turnstile token. */
export const captchaSchema = text().max(8192).optional();

/** Raw tokens are 32 random bytes in base64url (43 characters). */
export const tokenSchema = z.string().min(16).max(128).regex(/^[A-Za-z0-9_-]+$/);

export const signUpInput = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: text()
    .trim()
    .max(100)
    .optional()
    .transform((v) => (v ? v : null)),
  /** Where to continue after the emailed confirmation link (e.g. back to an invitation). */
  callbackUrl: callbackUrlSchema,
  /** Required on every sign-up. */
  captcha: captchaSchema,
});
export type SignUpInput = z.infer<typeof signUpInput>;

export const signInInput = z.object({
  email: emailSchema,
  password: existingPasswordSchema,
  callbackUrl: callbackUrlSchema,
  /** Required once the client address has failed a few sign-ins (the error says `captchaRequired`). */
  captcha: captchaSchema,
});
export type SignInInput = z.infer<typeof signInInput>;

export const emailOnlyInput = z.object({ email: emailSchema });

export const resendVerificationInput = z.object({ email: emailSchema, callbackUrl: callbackUrlSchema });

export const verifyEmailInput = z.object({ token: tokenSchema, callbackUrl: callbackUrlSchema });

export const inspectTokenInput = z.object({ token: text().max(256), purpose: z.enum(['verify_email', 'reset_password', 'unlock_account']) });

export const unlockAccountInput = z.object({ token: tokenSchema });

export const resetPasswordInput = z.object({ token: tokenSchema, password: newPasswordSchema });
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

export const changePasswordInput = z.object({ currentPassword: existingPasswordSchema, newPassword: newPasswordSchema });
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
