/**
 * Where every Auth.js sign-in (magic link, OAuth/OIDC) lands: on to the callback URL when it is a
 * same-origin path, else to the user's workspaces in their saved language; signed out → sign-in.
 * A route handler rather than a page, so the answer is a plain 307 (no streamed redirect).
 */
import { NextResponse, type NextRequest } from 'next/server';
import { isLocale, routing } from '@/i18n/routing';
import { getSession } from '@/lib/trpc/server';
import { postSignInPath, safeCallbackPath } from '@/server/auth/redirect';

export async function GET(request: NextRequest, { params }: { params: Promise<{ locale: string }> }) {
  const { locale: raw } = await params;
  const locale = isLocale(raw) ? raw : routing.defaultLocale;
  const callbackUrl = request.nextUrl.searchParams.get('callbackUrl');
  const session = await getSession();
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
}
