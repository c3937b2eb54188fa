/**
 * Account procedures (AUTH-1, AUTH-2). Password sign-in is ours (not Auth.js Credentials): it
 * creates a row through src/server/auth/session.ts and sets the shared session cookie. Magic links
 * and OAuth run through Auth.js (src/server/auth/auth-config.ts) into the same table and cookie.
 */
import { z } from 'zod';
import { isoTimestamp, toWire } from '@/server/platform/wire';
import {
  changePassword,
  listSessions,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  revokeSession,
  signIn,
  signOut,
  signOutEverywhere,
  signUp,
  unlockAccount,
  verifyEmail,
  type RequestMeta,
} from '@/server/auth/account-service';
import { captchaWidget } from '@/server/auth/captcha';
import { enabledOAuthProviders, MAGIC_LINK_PROVIDER_ID } from '@/server/auth/providers';
import {
  changePasswordInput,
  emailOnlyInput,
  inspectTokenInput,
  resendVerificationInput,
  resetPasswordInput,
  signInInput,
  signUpInput,
  unlockAccountInput,
  verifyEmailInput,
} from '@/server/auth/schemas';
import { sessionCookieName } from '@/server/auth/session';
import { inspectAuthToken } from '@/server/auth/tokens';
import { mailConfigured } from '@/server/email/mailer';
import { enforceRateLimits } from '@/server/platform/rate-limit';
import { authedProcedure, publicProcedure, router, type Context } from '../trpc';

function requestMeta(ctx: Context): RequestMeta {
  return { locale: ctx.locale, userAgent: ctx.userAgent, ip: ctx.ip, requestId: ctx.requestId };
}

/** What account audit entries record about the request (SEC-4). */
function auditMeta(ctx: Context) {
  return { ip: ctx.ip, requestId: ctx.requestId };
}

function setSessionCookie(ctx: Context, session: { token: string; expires: Date }): void {
  ctx.cookies.set(sessionCookieName(ctx.secure), session.token, { expires: session.expires });
}

const okOutput = z.object({ ok: z.literal(true) });
const redirectOutput = z.object({ redirectTo: z.string() });

export const authRouter = router({
  /** What the sign-in page offers: OAuth buttons for configured providers, magic links when mail works. */
  listProviders: publicProcedure
    .input(z.void())
    .output(z.object({ oauth: z.array(z.object({ id: z.string(), name: z.string() })), magicLink: z.object({ enabled: z.boolean(), id: z.string() }) }))
    .query(() => ({
      oauth: enabledOAuthProviders().map(({ id, name }) => ({ id, name })),
      magicLink: { enabled: mailConfigured(), id: MAGIC_LINK_PROVIDER_ID },
    })),

  /** Which CAPTCHA the forms show (AUTH-4): the self-hosted ALTCHA, or Turnstile when its keys are set. */
  captchaWidget: publicProcedure
    .input(z.void())
    .output(z.discriminatedUnion('provider', [z.object({ provider: z.literal('altcha'), challengeUrl: z.string() }), z.object({ provider: z.literal('turnstile'), siteKey: z.string() })]))
    .query(() => captchaWidget()),

  /** Consumes the unlock link of a lock notice: the account can sign in again at once. */
  unlockAccount: publicProcedure
    .input(unlockAccountInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      // Guessing unlock tokens: the address's budget for reset links.
      await enforceRateLimits([{ policy: 'password-reset-ip', subject: ctx.ip }]);
      const { userId } = await unlockAccount(ctx.db, input.token, auditMeta(ctx));
      ctx.log.info({ userId }, 'auth.account_unlocked');
      return { ok: true as const };
    }),

  /** Always answers "check your inbox" (also for a taken address, whose owner gets a notice). */
  signUp: publicProcedure
    .input(signUpInput)
    .output(z.object({ status: z.literal('check_inbox'), email: z.string() }))
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimits([{ policy: 'sign-up-ip', subject: ctx.ip }]);
      const result = await signUp(ctx.db, input, requestMeta(ctx));
      ctx.log.info({ userId: result.userId, created: result.created }, 'auth.sign_up');
      return { status: 'check_inbox' as const, email: input.email };
    }),

  signIn: publicProcedure
    .input(signInInput)
    .output(redirectOutput)
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimits([{ policy: 'sign-in-ip', subject: ctx.ip }, { policy: 'sign-in-account', subject: input.email }]);
      const session = await signIn(ctx.db, input, requestMeta(ctx));
      // Whatever session this browser had before is replaced, not left dangling.
      await signOut(ctx.db, ctx.cookies.get(sessionCookieName(ctx.secure)), auditMeta(ctx), 'replaced');
      setSessionCookie(ctx, session);
      ctx.log.info({ userId: session.userId, sessionId: session.sessionId }, 'auth.sign_in');
      return { redirectTo: session.redirectTo };
    }),

  signOut: publicProcedure
    .input(z.void())
    .output(okOutput)
    .mutation(async ({ ctx }) => {
      await signOut(ctx.db, ctx.cookies.get(sessionCookieName(ctx.secure)), auditMeta(ctx));
      ctx.cookies.delete(sessionCookieName(ctx.secure));
      if (ctx.session) ctx.log.info({ userId: ctx.session.user.id }, 'auth.sign_out');
      return { ok: true as const };
    }),

  resendVerification: publicProcedure
    .input(resendVerificationInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimits([{ policy: 'verification-resend-ip', subject: ctx.ip }, { policy: 'verification-resend-address', subject: input.email }]);
      const result = await resendVerification(ctx.db, input.email, input.callbackUrl);
      if (result.sent) ctx.log.info({ userId: result.userId }, 'auth.verification_resent');
      return { ok: true as const };
    }),

  /** Checks a link before the page shows its form; does not consume it. */
  inspectToken: publicProcedure
    .input(inspectTokenInput)
    .output(z.object({ status: z.enum(['valid', 'expired', 'used', 'unknown']) }))
    .query(async ({ ctx, input }) => ({ status: await inspectAuthToken(ctx.db, input.token, input.purpose) })),

  /** Consumes a verification link, marks the email verified and signs the user in. */
  verifyEmail: publicProcedure
    .input(verifyEmailInput)
    .output(redirectOutput)
    .mutation(async ({ ctx, input }) => {
      const session = await verifyEmail(ctx.db, input, requestMeta(ctx));
      await signOut(ctx.db, ctx.cookies.get(sessionCookieName(ctx.secure)), auditMeta(ctx), 'replaced');
      setSessionCookie(ctx, session);
      ctx.log.info({ userId: session.userId, sessionId: session.sessionId }, 'auth.email_verified');
      return { redirectTo: session.redirectTo };
    }),

  /** Always answers "if an account exists we sent a link". */
  requestPasswordReset: publicProcedure
    .input(emailOnlyInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimits([{ policy: 'password-reset-ip', subject: ctx.ip }, { policy: 'password-reset-address', subject: input.email }]);
      const result = await requestPasswordReset(ctx.db, input.email);
      if (result.sent) ctx.log.info({ userId: result.userId }, 'auth.reset_requested');
      return { ok: true as const };
    }),

  resetPassword: publicProcedure
    .input(resetPasswordInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      // Guessing reset tokens: the address's budget, as for asking for them.
      await enforceRateLimits([{ policy: 'password-reset-ip', subject: ctx.ip }]);
      const { userId } = await resetPassword(ctx.db, input, auditMeta(ctx));
      // Every session of the user is gone, including one this browser might hold.
      ctx.cookies.delete(sessionCookieName(ctx.secure));
      ctx.log.info({ userId }, 'auth.password_reset');
      return { ok: true as const };
    }),

  changePassword: authedProcedure
    .input(changePasswordInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      // Guessing the current password is guessing a sign-in.
      await enforceRateLimits([{ policy: 'sign-in-ip', subject: ctx.ip }, { policy: 'sign-in-account', subject: ctx.user.email }]);
      await changePassword(ctx.db, { userId: ctx.user.id, sessionId: ctx.session.sessionId }, input, auditMeta(ctx));
      ctx.log.info({ userId: ctx.user.id }, 'auth.password_changed');
      return { ok: true as const };
    }),

  listSessions: authedProcedure
    .input(z.void())
    .output(
      z.array(
        z.object({
          id: z.string().uuid(),
          current: z.boolean(),
          browser: z.string().nullable(),
          os: z.string().nullable(),
          mobile: z.boolean(),
          ip: z.string().nullable(),
          createdAt: isoTimestamp,
          lastSeenAt: isoTimestamp,
        }),
      ),
    )
    .query(async ({ ctx }) => {
      const rows = await listSessions(ctx.db, ctx.user.id, ctx.session.sessionId);
      return toWire(rows.map(({ device, ...row }) => ({ ...row, ...device })));
    }),

  /** Revokes one of your sessions; revoking this one signs you out here. */
  revokeSession: authedProcedure
    .input(z.object({ sessionId: z.string().uuid() }))
    .output(z.object({ signedOut: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await revokeSession(ctx.db, ctx.user.id, input.sessionId, auditMeta(ctx));
      const signedOut = input.sessionId === ctx.session.sessionId;
      if (signedOut) ctx.cookies.delete(sessionCookieName(ctx.secure));
      ctx.log.info({ userId: ctx.user.id, sessionId: input.sessionId }, 'auth.session_revoked');
      return { signedOut };
    }),

  /** Revokes every session of the user, this one included. */
  signOutEverywhere: authedProcedure
    .input(z.void())
    .output(okOutput)
    .mutation(async ({ ctx }) => {
      await signOutEverywhere(ctx.db, ctx.user.id, auditMeta(ctx));
      ctx.cookies.delete(sessionCookieName(ctx.secure));
      ctx.log.info({ userId: ctx.user.id }, 'auth.signed_out_everywhere');
      return { ok: true as const };
    }),
});
