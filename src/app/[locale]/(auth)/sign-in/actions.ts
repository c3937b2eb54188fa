'use server';
/**
 * Server actions for the Auth.js flows started from the sign-in page: OAuth/OIDC redirects and
 * "email me a link". Both end at /<locale>/continue (see src/server/auth/redirect.ts).
 */
import { AuthError } from 'next-auth';
import { getTranslations } from 'next-intl/server';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { isLocale, routing, type Locale } from '@/i18n/routing';
import { signIn } from '@/server/auth/auth-config';
import { enabledOAuthProviders, MAGIC_LINK_PROVIDER_ID } from '@/server/auth/providers';
import { continuePath } from '@/server/auth/redirect';
import { emailSchema } from '@/server/auth/schemas';
import { databaseFailure } from '@/server/db/errors';
import { clientIpOf } from '@/server/platform/client-ip';
import { INVALID_CHARACTERS } from '@/server/platform/input';
import { logger } from '@/server/platform/logger';
import { enforceRateLimits, rateLimitRefusalOf, type RateLimitRefusal } from '@/server/platform/rate-limit';
import { requestIdOf, withRequestContext } from '@/server/platform/request-context';

export interface MagicLinkState {
  status: 'idle' | 'sent' | 'error';
  email?: string;
  fieldError?: string;
  message?: string;
}

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === 'string' ? value : '';
}

/** Runs an action inside its request's context: its log lines (and Auth.js's) carry the request id. */
async function asRequest<T>(fn: () => Promise<T>): Promise<T> {
  return withRequestContext({ requestId: requestIdOf(await headers()) }, fn);
}

function localeFrom(formData: FormData): Locale {
  const value = text(formData, 'locale');
  return isLocale(value) ? value : routing.defaultLocale;
}

export async function requestMagicLink(previous: MagicLinkState, formData: FormData): Promise<MagicLinkState> {
  return asRequest(() => magicLink(previous, formData));
}

async function magicLink(_previous: MagicLinkState, formData: FormData): Promise<MagicLinkState> {
  const locale = localeFrom(formData);
  const t = await getTranslations({ locale, namespace: 'errors' });
  const parsed = emailSchema.safeParse(text(formData, 'email'));
  if (!parsed.success) {
    const unstorable = parsed.error.issues.some((issue) => issue.message === INVALID_CHARACTERS);
    return { status: 'error', fieldError: t(unstorable ? 'validation.invalidCharacters' : 'validation.email') };
  }
  const refused = await magicLinkRefusal(parsed.data);
  if (refused) return { status: 'error', message: t('rateLimit.tooManyRequests', { seconds: refused.retryAfter }) };
  try {
    await signIn(MAGIC_LINK_PROVIDER_ID, {
      email: parsed.data,
      redirectTo: continuePath(locale, text(formData, 'callbackUrl')),
      redirect: false,
    });
  } catch (error) {
    const database = databaseFailure(error);
    logger.warn({ err: error instanceof Error ? error.name : 'unknown', database: database ?? undefined }, 'auth.magic_link_failed');
    return { status: 'error', message: t(database ? 'generic.databaseUnavailable' : 'generic.internal') };
  }
  return { status: 'sent', email: parsed.data };
}

/** Spends the magic-link policies of the caller's address and of the mailbox (SEC-2); the refusal, if any. */
async function magicLinkRefusal(email: string): Promise<RateLimitRefusal | null> {
  try {
    await enforceRateLimits([
      { policy: 'magic-link-ip', subject: clientIpOf(await headers()) },
      { policy: 'magic-link-address', subject: email },
    ]);
    return null;
  } catch (error) {
    const refusal = rateLimitRefusalOf(error);
    if (!refusal) throw error;
    logger.info({ policy: refusal.rateLimit.policy }, 'auth.magic_link_rate_limited');
    return refusal;
  }
}

export async function startOAuthSignIn(formData: FormData): Promise<void> {
  return asRequest(() => oauthSignIn(formData));
}

async function oauthSignIn(formData: FormData): Promise<void> {
  const locale = localeFrom(formData);
  const provider = text(formData, 'provider');
  let target = `/${locale}/sign-in?error=Configuration`;
  if (enabledOAuthProviders().some((p) => p.id === provider)) {
    try {
      const url: unknown = await signIn(provider, { redirectTo: continuePath(locale, text(formData, 'callbackUrl')), redirect: false });
      if (typeof url === 'string') target = url;
    } catch (error) {
      logger.warn({ err: error instanceof AuthError ? error.type : 'unknown', provider }, 'auth.oauth_start_failed');
    }
  }
  // Outside the try: redirect() works by throwing.
  redirect(target);
}
