/**
 * Request middleware (Next 16 `proxy`, Node runtime): request id, baseline security headers,
 * locale routing and the auth gate for signed-in areas.
 */
import createIntlMiddleware from 'next-intl/middleware';
import { NextResponse, type NextRequest } from 'next/server';
import { LOCALE_COOKIE_MAX_AGE, LOCALE_COOKIE_NAME, routing, isLocale } from '@/i18n/routing';
import { edgeStampsClientHeaders, stampFromForwardedHeaders } from '@/server/platform/client-ip';
import { CSP_REPORT_GROUP, CSP_REPORT_PATH, newNonce, pagePolicy } from '@/server/platform/content-security-policy';
import { edgeRefusal, edgeRefusalBody, edgeRefusalMessage, edgeRequestId, edgeResponseHeaders } from '@/server/platform/edge';
import { env } from '@/server/platform/env';

/** next-intl's middleware; its locale cookie is `Secure` when the app is served over HTTPS (SEC-6). */
let i18nRouting: ReturnType<typeof createIntlMiddleware> | undefined;
const handleI18nRouting = (request: NextRequest) => {
  const secure = env().APP_URL.startsWith('https:');
  i18nRouting ??= createIntlMiddleware({ ...routing, localeCookie: { name: LOCALE_COOKIE_NAME, maxAge: LOCALE_COOKIE_MAX_AGE, secure, sameSite: 'lax' } });
  return i18nRouting(request);
};

/** Paths under /[locale]/ that need a session; the page itself validates the session row. */
const PROTECTED = /^\/(?:w|onboarding|account)(?:\/|$)/;
const SESSION_COOKIES = ['kanso.session', '__Host-kanso.session'];

export function proxy(request: NextRequest) {
  const requestId = edgeRequestId(request.headers.get('x-request-id'));
  request.headers.set('x-request-id', requestId);
  // Under `next dev` nothing of ours saw the socket (the production server stamped it already, ADR 0024).
  if (!edgeStampsClientHeaders()) stampFromForwardedHeaders(request.headers, env().TRUST_PROXY, request.nextUrl.protocol === 'https:');
  const { pathname } = request.nextUrl;

  let response: NextResponse;
  let policy: string | undefined;
  const refusal = edgeRefusal({ method: request.method, pathname, header: (name) => request.headers.get(name) }, env().APP_URL);
  if (refusal) {
    const message = edgeRefusalMessage(refusal, request.headers.get('x-kanso-locale'), pathname);
    response = new NextResponse(edgeRefusalBody(refusal, request.nextUrl, message, requestId), {
      status: refusal.status,
      headers: { 'content-type': 'application/json', connection: 'close' },
    });
  } else if (pathname.startsWith('/api/')) {
    response = NextResponse.next({ request: { headers: request.headers } });
  } else {
    // A page: its policy with a fresh nonce, on the request (Next puts the nonce on its scripts; next-intl
    // copies request headers into its rewrite) and on the response. An inbound x-nonce is overwritten.
    const nonce = newNonce();
    policy = pagePolicy(nonce);
    request.headers.set('x-nonce', nonce);
    request.headers.set('content-security-policy', policy);
    const [, maybeLocale, ...rest] = pathname.split('/');
    const localPath = `/${rest.join('/')}`;
    const signedIn = SESSION_COOKIES.some((name) => request.cookies.has(name));
    if (isLocale(maybeLocale) && PROTECTED.test(localPath) && !signedIn) {
      const url = request.nextUrl.clone();
      url.pathname = `/${maybeLocale}/sign-in`;
      url.search = `?callbackUrl=${encodeURIComponent(pathname + request.nextUrl.search)}`;
      response = NextResponse.redirect(url);
    } else {
      response = handleI18nRouting(request);
    }
  }

  for (const [name, value] of Object.entries(edgeResponseHeaders(requestId))) response.headers.set(name, value);
  if (policy) {
    response.headers.set('content-security-policy', policy);
    response.headers.set('reporting-endpoints', `${CSP_REPORT_GROUP}="${CSP_REPORT_PATH}"`);
  }
  return response;
}

export const config = {
  // Everything except Next internals and static files of the known kinds (icons, manifest, …). Not
  // "anything with a dot": invite tokens are `<uuid>.<signature>` and must reach the locale routing.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|.*\\.(?:ico|png|jpe?g|gif|svg|webp|avif|txt|xml|json|webmanifest|js|mjs|css|map|woff2?)$).*)'],
};
