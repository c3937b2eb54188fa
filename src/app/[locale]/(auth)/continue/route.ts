/**
 * Where every Auth.js sign-in (magic link, OAuth/OIDC) lands: on to the callback URL when it is a
 * same-origin path, else to the user's workspaces in their saved language; signed out → sign-in.
 * A route handler rather than a page, so the answer is a plain 307 (no streamed redirect).
 */
import { TRPCError } from '@trpc/server';
import { getTranslations } from 'next-intl/server';
import { NextResponse, type NextRequest } from 'next/server';
import { isLocale, routing } from '@/i18n/routing';
import { getSession } from '@/lib/trpc/server';
import { postSignInPath, safeCallbackPath } from '@/server/auth/redirect';
import { RETRY_AFTER_SECONDS } from '@/server/db/errors';
import { requestIdOf, withRequestId } from '@/server/platform/request-context';

export const GET = withRequestId(async (request: NextRequest, { params }: { params: Promise<{ locale: string }> }) => {
  const { locale: raw } = await params;
  const locale = isLocale(raw) ? raw : routing.defaultLocale;
  const callbackUrl = request.nextUrl.searchParams.get('callbackUrl');
  let session: Awaited<ReturnType<typeof getSession>>;
  try {
    session = await getSession();
  } catch (error) {
    if (!(error instanceof TRPCError && error.code === 'SERVICE_UNAVAILABLE')) throw error;
    // The database is reconnecting: say so (and when to come back) rather than "signed out".
    const t = await getTranslations({ locale, namespace: 'errors' });
    const requestId = requestIdOf(request.headers);
    return new Response(`${t('generic.databaseUnavailable')}\n\n${requestId}\n`, {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(RETRY_AFTER_SECONDS.unreachable), 'cache-control': 'no-store' },
    });
  }
  let target: string;
  if (session) {
    target = postSignInPath(callbackUrl, session.user.locale);
  } else {
    const safe = safeCallbackPath(callbackUrl);
    target = `/${locale}/sign-in${safe ? `?${new URLSearchParams({ callbackUrl: safe })}` : ''}`;
  }
  const response = NextResponse.redirect(new URL(target, request.nextUrl.origin), 307);
  response.headers.set('cache-control', 'no-store');
  return response;
});
